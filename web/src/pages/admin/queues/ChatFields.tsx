// What only chat queues keep: whether the bot answers first, and the
// websites that may show the chat (its code to paste, once the queue has
// an id).
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { errorProps } from "../../../components/feedback";
import { FieldGroup } from "../../../components/formFields";
import { fill, useAdminT } from "../texts";
import { idOf } from "./formState";
import { TargetQueueSelect, type FormSection } from "./QueueFields";
import type { Queue } from "../../../api";

export function ChatFields({
  queueId,
  others,
  ...section
}: FormSection & { queueId: number | null; others: Queue[] }) {
  const t = useAdminT();
  const { form, feedback, update } = section;
  const hint = fill(t("queues.chatOriginsHint"), {
    base: window.location.origin,
    id: queueId ?? "…",
  });
  return (
    <FieldGroup legend={t("queues.chat")}>
      {!form.chat_rtt && (
        <Checkbox
          id={idOf("chat_bot")}
          className="fr-fieldset__element"
          {...errorProps(feedback, "chat_bot")}
          options={[
            {
              label: t("queues.chatBot"),
              hintText: t("queues.chatBotHint"),
              nativeInputProps: {
                name: "chat_bot",
                checked: form.chat_bot,
                onChange: (e) => update({ chat_bot: e.target.checked }),
              },
            },
          ]}
        />
      )}
      <Checkbox
        id={idOf("chat_rtt")}
        className="fr-fieldset__element"
        {...errorProps(feedback, "chat_rtt")}
        options={[
          {
            label: t("queues.chatRtt"),
            hintText: fill(t("queues.chatRttHint"), { base: window.location.origin, id: queueId ?? "…" }),
            nativeInputProps: {
              name: "chat_rtt",
              checked: form.chat_rtt,
              onChange: (e) => update({ chat_rtt: e.target.checked, ...(e.target.checked ? { chat_bot: false } : {}) }),
            },
          },
        ]}
      />
      <TargetQueueSelect
        {...section}
        field="chat_hours_queue_id"
        label="queues.chatHoursQueue"
        hint="queues.chatHoursQueueHint"
        channel="voice"
        others={others}
      />
      {!form.chat_rtt && (
        <TargetQueueSelect
          {...section}
          field="chat_rtt_queue_id"
          label="queues.chatRttQueue"
          hint="queues.chatRttQueueHint"
          channel="chat"
          others={others}
        />
      )}
      <TargetQueueSelect
        {...section}
        field="chat_message_queue_id"
        label="queues.chatMessageQueue"
        hint="queues.chatMessageQueueHint"
        channel={null}
        others={others}
      />
      <Input
        textArea
        label={t("queues.chatOrigins")}
        hintText={hint}
        {...errorProps(feedback, "chat_origins")}
        nativeTextAreaProps={{
          id: idOf("chat_origins"),
          rows: 3,
          value: form.chat_origins,
          onChange: (e) => update({ chat_origins: e.target.value }),
        }}
      />
    </FieldGroup>
  );
}
