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
