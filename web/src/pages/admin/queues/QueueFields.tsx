// The fields the queue editor's sections repeat: a number setting, and
// another queue to send interactions to. Each is given the form as typed,
// its last feedback and the change of some settings.
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { Queue } from "../../../api";
import { errorProps, type Feedback } from "../../../components/feedback";
import { IdSelect } from "../../../components/formFields";
import { useAdminT, type AdminKey } from "../texts";
import { idOf, type QueueFormState } from "./formState";
import type { QueueChannel } from "./queueSettings";

// What every section of the queue editor is given.
export interface FormSection {
  form: QueueFormState;
  feedback: Feedback;
  update: (patch: Partial<QueueFormState>) => void;
}

type NumberSetting =
  | "priority"
  | "sl_threshold_s"
  | "wrapup_s"
  | "max_wait_s"
  | "max_length"
  | "announce_every_s"
  | "recording_retention_days"
  | "voicemail_max_s";

export function NumberInput({
  form,
  feedback,
  update,
  field,
  label,
  hint,
  attributes,
}: FormSection & {
  field: NumberSetting;
  label: AdminKey;
  hint: AdminKey | null;
  attributes: { min: number; max?: number; step: number | "any" };
}) {
  const t = useAdminT();
  return (
    <Input
      label={t(label)}
      hintText={hint ? t(hint) : undefined}
      {...errorProps(feedback, field)}
      nativeInputProps={{
        id: idOf(field),
        name: field,
        type: "number",
        inputMode: attributes.step === 1 ? "numeric" : "decimal",
        autoComplete: "off",
        ...attributes,
        value: form[field],
        onChange: (e) => update({ [field]: e.target.value }),
      }}
    />
  );
}

// Another queue an interaction can move to, among `others` (every queue but
// the one edited): same channel (or, for callbacks, the callback channel);
// the current choice stays listed whatever it is. null: a queue of any
// channel (messages may be kept as tasks).
export function TargetQueueSelect({
  form,
  feedback,
  update,
  field,
  label,
  hint,
  channel,
  others,
}: FormSection & {
  field:
    | "overflow_queue_id"
    | "closed_queue_id"
    | "callback_queue_id"
    | "voicemail_queue_id"
    | "chat_message_queue_id"
    | "chat_hours_queue_id"
    | "chat_rtt_queue_id";
  label: AdminKey;
  hint: AdminKey;
  channel: QueueChannel | null;
  others: Queue[];
}) {
  const t = useAdminT();
  const current = form[field];
  return (
    <IdSelect
      id={idOf(field)}
      name={field}
      label={t(label)}
      hint={t(hint)}
      required={false}
      {...errorProps(feedback, field)}
      placeholder={t("common.noneFeminine")}
      items={others.filter(
        (q) => channel === null || q.channel === channel || String(q.id) === current,
      )}
      value={current}
      onChange={(value) => update({ [field]: value })}
    />
  );
}
