// What only voice queues keep: the announcements to callers who wait, the
// recording of calls, and the voicemail (a queue to keep messages in, their
// longest length, what the caller hears first).
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { Queue } from "../../../api";
import { errorProps } from "../../../components/feedback";
import { FieldGroup } from "../../../components/formFields";
import { useAdminT } from "../texts";
import { idOf } from "./formState";
import { NumberInput, TargetQueueSelect, type FormSection } from "./QueueFields";

export function CallFields({
  others,
  ...section
}: FormSection & {
  others: Queue[]; // every queue but the one edited
}) {
  const t = useAdminT();
  const { form, feedback, update } = section;
  return (
    <FieldGroup legend={t("queues.calls")}>
      <div className="guichet-grid">
        <NumberInput
          {...section}
          field="announce_every_s"
          label="queues.announceEvery"
          hint="queues.announceEveryHint"
          attributes={{ min: 0, max: 600, step: 1 }}
        />
        <NumberInput
          {...section}
          field="recording_retention_days"
          label="queues.retention"
          hint="queues.retentionHint"
          attributes={{ min: 1, max: 3650, step: 1 }}
        />
      </div>
      <Checkbox
        id={idOf("record_calls")} // DSFR derives its box's id (the label's `for`) from it
        className="fr-fieldset__element"
        {...errorProps(feedback, "record_calls")}
        options={[
          {
            label: t("queues.recordCalls"),
            hintText: t("queues.recordCallsHint"),
            nativeInputProps: {
              name: "record_calls",
              checked: form.record_calls,
              onChange: (e) => update({ record_calls: e.target.checked }),
            },
          },
        ]}
      />
      <div className="guichet-grid">
        <TargetQueueSelect
          {...section}
          field="voicemail_queue_id"
          label="queues.voicemailQueue"
          hint="queues.voicemailQueueHint"
          channel={null}
          others={others}
        />
        {form.voicemail_queue_id && (
          <NumberInput
            {...section}
            field="voicemail_max_s"
            label="queues.voicemailMax"
            hint="queues.voicemailMaxHint"
            attributes={{ min: 10, max: 600, step: 1 }}
          />
        )}
      </div>
      {form.voicemail_queue_id && (
        <Input
          textArea
          label={t("queues.voicemailText")}
          hintText={t("queues.voicemailTextHint")}
          {...errorProps(feedback, "voicemail_text")}
          nativeTextAreaProps={{
            id: idOf("voicemail_text"),
            name: "voicemail_text",
            rows: 3,
            maxLength: 500,
            value: form.voicemail_text,
            onChange: (e) => update({ voicemail_text: e.target.value }),
          }}
        />
      )}
    </FieldGroup>
  );
}
