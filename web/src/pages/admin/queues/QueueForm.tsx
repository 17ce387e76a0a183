// The queue editor: every setting of a queue, checked before sending. A PUT
// replaces the whole queue, so the form sends every setting it keeps.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useState } from "react";
import { flushSync } from "react-dom";
import { client, settle, type Queue, type Schemas } from "../../../api";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
  type Problem,
} from "../../../components/feedback";
import { focusField } from "../../../components/focus";
import { FieldGroup, FormButtons, NameInput } from "../../../components/formFields";
import { useAdminT, type AdminT } from "../texts";
import { CallFields } from "./CallFields";
import { ChatFields } from "./ChatFields";
import { EscalationSteps } from "./EscalationSteps";
import { PREFIX, bodyOf, formOf, idOf, type QueueFormState } from "./formState";
import { OpeningFields } from "./OpeningFields";
import { NumberInput, TargetQueueSelect, type FormSection } from "./QueueFields";
import {
  MAX_PRIORITY,
  QUEUE_CHANNELS,
  STRATEGIES,
  type QueueChannel,
  type Strategy,
} from "./queueSettings";
import { SkillRequirements } from "./SkillRequirements";

const labelsOf = (t: AdminT): Record<string, string> => ({
  name: t("common.name"),
  channel: t("queues.channel"),
  priority: t("queues.priority"),
  strategy: t("queues.strategyLabel"),
  sl_threshold_s: t("queues.slThreshold"),
  sl_target: t("queues.slTarget"),
  wrapup_s: t("queues.wrapup"),
  max_wait_s: t("queues.maxWait"),
  max_length: t("queues.maxLength"),
  overflow_queue_id: t("queues.overflow"),
  closed_queue_id: t("queues.closedQueue"),
  callback_queue_id: t("queues.callbackQueue"),
  hours: t("queues.hours"),
  calendar_id: t("queues.calendar"),
  accept_when_closed: t("queues.acceptWhenClosed"),
  announce_every_s: t("queues.announceEvery"),
  record_calls: t("queues.recordCalls"),
  recording_retention_days: t("queues.retention"),
  voicemail_queue_id: t("queues.voicemailQueue"),
  voicemail_text: t("queues.voicemailText"),
  voicemail_max_s: t("queues.voicemailMax"),
  chat_bot: t("queues.chatBot"),
  chat_origins: t("queues.chatOrigins"),
  chat_message_queue_id: t("queues.chatMessageQueue"),
  chat_rtt: t("queues.chatRtt"),
  chat_hours_queue_id: t("queues.chatHoursQueue"),
  chat_rtt_queue_id: t("queues.chatRttQueue"),
  skills: t("queues.skills"),
  "skills.skill_id": t("queues.skill"),
  "skills.min_level": t("queues.minLevel"),
  escalation: t("queues.escalation"),
  "escalation.after_s": t("queues.afterS"),
  "escalation.relax_levels": t("queues.relaxLevels"),
  "escalation.raise_priority": t("queues.raisePriority"),
  "escalation.drop_skill_ids": t("queues.dropSkills"),
});

export function QueueForm({
  queue,
  queues,
  skills,
  calendars,
  onSaved,
  onClose,
}: {
  queue: Queue | null;
  queues: Queue[];
  skills: Schemas["Skill"][];
  calendars: Schemas["Calendar"][];
  onSaved: (saved: Queue) => void;
  onClose: () => void;
}) {
  const t = useAdminT();
  const [form, setForm] = useState<QueueFormState>(() => formOf(queue));
  // What was last saved (or opened): closing with changes asks first.
  const [saved, setSaved] = useState(() => JSON.stringify(formOf(queue)));
  const dirty = JSON.stringify(form) !== saved;
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<QueueFormState>) => setForm((f) => ({ ...f, ...patch }));

  const refuse = (problem: Problem) => {
    // Rendered at once: the field at fault may only now take its id (the
    // recording's checkbox, whose group DSFR draws only for an error).
    flushSync(() => setFeedback({ kind: "error", problem }));
    focusField(PREFIX, problem);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    const checked = bodyOf(form, t);
    if ("problem" in checked) return refuse(checked.problem);
    setBusy(true);
    const body = checked.body;
    const result = await settle(
      queue
        ? client.PUT("/api/v1/queues/{id}", { params: { path: { id: queue.id } }, body })
        : client.POST("/api/v1/queues", { body }),
    );
    setBusy(false);
    if (!result.ok) return refuse(problemFromApi(result.error, t));
    setSaved(JSON.stringify(form));
    setFeedback({ kind: "success", text: t("common.saved") });
    onSaved(result.value);
  };

  const section: FormSection = { form, feedback, update };
  const others = queues.filter((q) => q.id !== queue?.id);

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labelsOf(t)} />

      <FieldGroup legend={t("queues.general")}>
        <div className="guichet-grid">
          <NameInput
            id={idOf("name")}
            {...errorProps(feedback, "name")}
            value={form.name}
            onChange={(name) => update({ name })}
          />
          <Select
            label={t("queues.channel")}
            hint={queue ? t("queues.channelHint") : undefined}
            disabled={queue !== null}
            {...errorProps(feedback, "channel")}
            nativeSelectProps={{
              id: idOf("channel"),
              name: "channel",
              value: form.channel,
              // Targets serve the queue's channel: a new channel, new targets.
              onChange: (e) =>
                update({
                  channel: e.target.value as QueueChannel,
                  overflow_queue_id: "",
                  closed_queue_id: "",
                  callback_queue_id: "",
                }),
            }}
          >
            {QUEUE_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </Select>
          <NumberInput
            {...section}
            field="priority"
            label="queues.priority"
            hint="queues.priorityHint"
            attributes={{ min: -MAX_PRIORITY, max: MAX_PRIORITY, step: 1 }}
          />
          <Select
            label={t("queues.strategyLabel")}
            style={{ gridColumn: "1 / -1" }} // its labels are long: a row of its own
            {...errorProps(feedback, "strategy")}
            nativeSelectProps={{
              id: idOf("strategy"),
              name: "strategy",
              value: form.strategy,
              onChange: (e) => update({ strategy: e.target.value as Strategy }),
            }}
          >
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(`strategy.${s}`)}
              </option>
            ))}
          </Select>
        </div>
      </FieldGroup>

      <FieldGroup legend={t("queues.sl")}>
        <div className="guichet-grid">
          <NumberInput
            {...section}
            field="sl_threshold_s"
            label="queues.slThreshold"
            hint="queues.slThresholdHint"
            attributes={{ min: 1, max: 2_592_000, step: "any" }}
          />
          <Input
            label={t("queues.slTarget")}
            hintText={t("queues.slTargetHint")}
            {...errorProps(feedback, "sl_target")}
            nativeInputProps={{
              id: idOf("sl_target"),
              name: "sl_target",
              type: "number",
              inputMode: "decimal",
              min: 0,
              max: 100,
              step: "any",
              autoComplete: "off",
              value: form.sl_target_percent,
              onChange: (e) => update({ sl_target_percent: e.target.value }),
            }}
          />
        </div>
      </FieldGroup>

      <FieldGroup legend={t("queues.handling")}>
        <div className="guichet-grid">
          <NumberInput
            {...section}
            field="wrapup_s"
            label="queues.wrapup"
            hint="queues.wrapupHint"
            attributes={{ min: 0, max: 3600, step: "any" }}
          />
          <NumberInput
            {...section}
            field="max_wait_s"
            label="queues.maxWait"
            hint="queues.maxWaitHint"
            attributes={{ min: 1, max: 2_592_000, step: "any" }}
          />
          <NumberInput
            {...section}
            field="max_length"
            label="queues.maxLength"
            hint="queues.maxLengthHint"
            attributes={{ min: 0, max: 1_000_000, step: 1 }}
          />
        </div>
      </FieldGroup>

      <FieldGroup legend={t("queues.routes")}>
        <div className="guichet-grid">
          <TargetQueueSelect
            {...section}
            field="overflow_queue_id"
            label="queues.overflow"
            hint="queues.overflowHint"
            channel={form.channel}
            others={others}
          />
          <TargetQueueSelect
            {...section}
            field="closed_queue_id"
            label="queues.closedQueue"
            hint="queues.closedQueueHint"
            channel={form.channel}
            others={others}
          />
          {form.channel === "voice" && (
            <TargetQueueSelect
              {...section}
              field="callback_queue_id"
              label="queues.callbackQueue"
              hint="queues.callbackQueueHint"
              channel="callback"
              others={others}
            />
          )}
        </div>
      </FieldGroup>

      {form.channel === "voice" && <CallFields {...section} others={others} />}
      {form.channel === "chat" && <ChatFields {...section} queueId={queue?.id ?? null} others={others} />}

      <SkillRequirements
        rows={form.skills}
        skills={skills}
        feedback={feedback}
        onChange={(rows) => update({ skills: rows })}
      />

      <EscalationSteps
        rows={form.escalation}
        required={form.skills.map((row) => Number(row.skill_id)).filter((id) => id > 0)}
        skills={skills}
        feedback={feedback}
        onChange={(rows) => update({ escalation: rows })}
      />

      <OpeningFields {...section} calendars={calendars} />

      <FormButtons onClose={onClose} dirty={dirty} />
    </form>
  );
}
