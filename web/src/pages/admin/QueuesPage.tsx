// Queues: the table of them and an editor with every setting. A PUT replaces
// the whole queue, so the editor sends every setting it keeps; the engine
// applies the change at once, to what waits too.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useState } from "react";
import { flushSync } from "react-dom";
import { get, post, put } from "../../api";
import { formatPercent } from "../../i18n";
import type { Calendar } from "./CalendarsPage";
import type { SimpleItem } from "./SimpleListPage";
import {
  AdminTable,
  EditorOrAdd,
  FeedbackAlert,
  FormButtons,
  IdSelect,
  ListPageHead,
  NameInput,
  RemoveRowButton,
  RowActions,
  byName,
  errorProps,
  focusField,
  focusLater,
  problemFromApi,
  useListPage,
  type Feedback,
  type Problem,
} from "./shared";
import { fill, useAdminT, type AdminKey, type AdminT } from "./texts";

export const QUEUE_CHANNELS = ["voice", "callback", "chat", "email", "sms", "social", "task"] as const;
export type QueueChannel = (typeof QUEUE_CHANNELS)[number];
export const STRATEGIES = ["longest_idle", "least_occupied", "most_skilled", "round_robin"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface EscalationStep {
  after_s: number;
  relax_levels?: number;
  drop_skill_ids?: number[];
  raise_priority?: number;
}

export interface QueueSettings {
  id: number;
  name: string;
  channel: QueueChannel;
  skills?: { skill_id: number; min_level?: number }[];
  priority?: number;
  sl_threshold_s?: number;
  sl_target?: number;
  strategy?: Strategy;
  wrapup_s?: number;
  max_wait_s?: number;
  max_length?: number;
  overflow_queue_id?: number;
  closed_queue_id?: number;
  callback_queue_id?: number;
  escalation?: EscalationStep[];
  hours?: string;
  calendar_id?: number;
  accept_when_closed?: boolean;
  // Voice queues only (the voice channel reads them; GET gives their defaults).
  announce_every_s?: number;
  record_calls?: boolean;
  recording_retention_days?: number;
  voicemail_queue_id?: number;
  voicemail_text?: string;
  voicemail_max_s?: number;
}

type QueueBody = Omit<QueueSettings, "id">;

const MAX_PRIORITY = 1_000_000; // as the engine checks

export function channelLabel(t: AdminT, channel: string): string {
  return (QUEUE_CHANNELS as readonly string[]).includes(channel)
    ? t(`channel.${channel as QueueChannel}`)
    : channel;
}

function strategyLabel(t: AdminT, strategy: string): string {
  return (STRATEGIES as readonly string[]).includes(strategy)
    ? t(`strategy.${strategy as Strategy}`)
    : strategy;
}

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
  skills: t("queues.skills"),
  "skills.skill_id": t("queues.skill"),
  "skills.min_level": t("queues.minLevel"),
  escalation: t("queues.escalation"),
  "escalation.after_s": t("queues.afterS"),
  "escalation.relax_levels": t("queues.relaxLevels"),
  "escalation.raise_priority": t("queues.raisePriority"),
  "escalation.drop_skill_ids": t("queues.dropSkills"),
});

// ---- the page -------------------------------------------------------------------

export function QueuesPage() {
  const t = useAdminT();
  const [queues, setQueues] = useState<QueueSettings[] | null>(null);
  const [skills, setSkills] = useState<SimpleItem[]>([]);
  const [calendars, setCalendars] = useState<Calendar[]>([]);

  const load = useCallback(async () => {
    const [q, s, c] = await Promise.all([
      get<QueueSettings[]>("/api/v1/queues"),
      get<SimpleItem[]>("/api/v1/skills"),
      get<Calendar[]>("/api/v1/calendars"),
    ]);
    if (s.ok) setSkills(byName(s.value));
    if (c.ok) setCalendars(byName(c.value));
    if (q.ok) setQueues(byName(q.value));
    return [q, s, c];
  }, []);

  // The queue in the editor (null: a new one).
  const page = useListPage<QueueSettings | null>({
    load,
    openerId: (queue) => (queue ? `queue-${queue.id}-edit` : "queue-add"),
    path: (queue) => `/api/v1/queues/${queue.id}`,
  });
  const { editor, open, remove } = page;

  const opening = (q: QueueSettings) => {
    if (q.calendar_id) {
      const calendar = calendars.find((c) => c.id === q.calendar_id);
      return fill(t("queues.calendarCell"), { name: calendar?.name ?? `#${q.calendar_id}` });
    }
    return q.hours || t("queues.alwaysOpen");
  };

  return (
    <>
      <ListPageHead page={page} heading={t("admin.queues")} intro={t("queues.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id="queue-editor"
        title={(queue) => (queue ? `${t("queues.edit")} — ${queue.name}` : t("queues.new"))}
        add={{ id: "queue-add", label: t("queues.add"), onClick: () => open(null) }}
      >
        {(queue) => (
          <QueueForm
            queue={queue}
            queues={queues ?? []}
            skills={skills}
            calendars={calendars}
            onSaved={editor.saved}
            onClose={editor.close}
          />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t("queues.caption")}
        columns={[
          t("common.name"),
          t("queues.channel"),
          t("queues.strategy"),
          t("queues.sl"),
          t("queues.hours"),
          t("common.actions"),
        ]}
        items={queues}
        row={(q) => (
          <tr>
            <th scope="row">{q.name}</th>
            <td>
              {channelLabel(t, q.channel)}
              {q.channel === "voice" && q.record_calls && ` — ${t("queues.recordedCell")}`}
            </td>
            <td>{strategyLabel(t, q.strategy ?? "longest_idle")}</td>
            <td>
              {fill(t("queues.slCell"), {
                target: formatPercent(q.sl_target ?? 0.8),
                threshold: q.sl_threshold_s ?? 20,
              })}
            </td>
            <td>{opening(q)}</td>
            <td>
              <RowActions
                idPrefix={`queue-${q.id}`}
                name={q.name}
                onEdit={() => open(q)}
                onDelete={() => remove(q)}
              />
            </td>
          </tr>
        )}
      />
    </>
  );
}

// ---- the form's state and the body it sends -----------------------------------------

interface RequirementRow {
  key: number;
  skill_id: string;
  min_level: string;
}
interface StepRow {
  key: number;
  after_s: string;
  relax_levels: string;
  raise_priority: string;
  drop_skill_ids: number[];
}
type Opening = "always" | "hours" | "calendar";
interface QueueFormState {
  name: string;
  channel: QueueChannel;
  priority: string;
  strategy: Strategy;
  sl_threshold_s: string;
  sl_target_percent: string;
  wrapup_s: string;
  max_wait_s: string;
  max_length: string;
  overflow_queue_id: string;
  closed_queue_id: string;
  callback_queue_id: string;
  skills: RequirementRow[];
  escalation: StepRow[];
  opening: Opening;
  hours: string;
  calendar_id: string;
  accept_when_closed: boolean;
  announce_every_s: string;
  record_calls: boolean;
  recording_retention_days: string;
  voicemail_queue_id: string;
  voicemail_text: string;
  voicemail_max_s: string;
}

let lastRowKey = 0;
const rowKey = () => ++lastRowKey;

const text = (value: number | undefined) => (value === undefined ? "" : String(value));

function formOf(q: QueueSettings | null): QueueFormState {
  return {
    name: q?.name ?? "",
    channel: q?.channel ?? "voice",
    priority: text(q?.priority ?? 0),
    strategy: q?.strategy ?? "longest_idle",
    sl_threshold_s: text(q?.sl_threshold_s ?? 20),
    sl_target_percent: text(Math.round((q?.sl_target ?? 0.8) * 1000) / 10),
    wrapup_s: text(q?.wrapup_s ?? 0),
    max_wait_s: text(q?.max_wait_s),
    max_length: text(q?.max_length),
    overflow_queue_id: text(q?.overflow_queue_id),
    closed_queue_id: text(q?.closed_queue_id),
    callback_queue_id: text(q?.callback_queue_id),
    skills: (q?.skills ?? []).map((s) => ({
      key: rowKey(),
      skill_id: String(s.skill_id),
      min_level: String(s.min_level ?? 1),
    })),
    escalation: (q?.escalation ?? []).map((step) => ({
      key: rowKey(),
      after_s: text(step.after_s),
      relax_levels: text(step.relax_levels),
      raise_priority: text(step.raise_priority),
      drop_skill_ids: step.drop_skill_ids ?? [],
    })),
    opening: q?.calendar_id ? "calendar" : q?.hours ? "hours" : "always",
    hours: q?.hours ?? "",
    calendar_id: text(q?.calendar_id),
    accept_when_closed: q?.accept_when_closed ?? false,
    announce_every_s: text(q?.announce_every_s ?? 30),
    record_calls: q?.record_calls ?? false,
    recording_retention_days: text(q?.recording_retention_days ?? 30),
    voicemail_queue_id: text(q?.voicemail_queue_id),
    voicemail_text: q?.voicemail_text ?? "",
    voicemail_max_s: text(q?.voicemail_max_s ?? 120),
  };
}

// A check that failed: thrown by the readers below, caught by bodyOf.
class Refusal {
  constructor(readonly problem: Problem) {}
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  above?: number; // strictly greater
  message?: AdminKey; // when out of range
}

// A number typed in `field`, or undefined when left empty.
function readNumber(t: AdminT, value: string, field: string, rule: NumberRule): number | undefined {
  const trimmed = value.trim().replace(",", ".");
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  const refuse = (key: AdminKey) => {
    throw new Refusal({ field, message: t(key) });
  };
  if (!Number.isFinite(n)) refuse(rule.message ?? "error.number");
  if (rule.integer && !Number.isInteger(n)) refuse("error.integer");
  if (rule.above !== undefined && n <= rule.above) refuse(rule.message ?? "error.positive");
  if (rule.min !== undefined && n < rule.min) refuse(rule.message ?? "error.number");
  if (rule.max !== undefined && n > rule.max) refuse(rule.message ?? "error.number");
  return n;
}

function required<T>(t: AdminT, value: T | undefined, field: string): T {
  if (value === undefined || value === "") {
    throw new Refusal({ field, message: t("error.required") });
  }
  return value;
}

// The body to send, every empty optional setting left out; or what is wrong.
function bodyOf(f: QueueFormState, t: AdminT): { body: QueueBody } | { problem: Problem } {
  try {
    const seconds: NumberRule = { min: 0 };
    const priorityRule: NumberRule = {
      integer: true,
      min: -MAX_PRIORITY,
      max: MAX_PRIORITY,
      message: "error.integer",
    };
    const body: QueueBody = {
      name: required(t, f.name.trim(), "name"),
      channel: f.channel,
      priority: required(t, readNumber(t, f.priority, "priority", priorityRule), "priority"),
      strategy: f.strategy,
      sl_threshold_s: required(
        t,
        readNumber(t, f.sl_threshold_s, "sl_threshold_s", seconds),
        "sl_threshold_s",
      ),
      sl_target:
        required(
          t,
          readNumber(t, f.sl_target_percent, "sl_target", {
            min: 0,
            max: 100,
            message: "error.percent",
          }),
          "sl_target",
        ) / 100,
      wrapup_s: required(t, readNumber(t, f.wrapup_s, "wrapup_s", seconds), "wrapup_s"),
    };
    const maxWait = readNumber(t, f.max_wait_s, "max_wait_s", { above: 0 });
    if (maxWait !== undefined) body.max_wait_s = maxWait;
    const maxLength = readNumber(t, f.max_length, "max_length", {
      integer: true,
      min: 0,
      max: 1_000_000,
    });
    if (maxLength !== undefined) body.max_length = maxLength;
    if (f.overflow_queue_id) body.overflow_queue_id = Number(f.overflow_queue_id);
    if (f.closed_queue_id) body.closed_queue_id = Number(f.closed_queue_id);
    if (f.channel === "voice" && f.callback_queue_id) {
      body.callback_queue_id = Number(f.callback_queue_id);
    }
    if (f.channel === "voice") Object.assign(body, callSettingsOf(f, t));

    const required_skills = f.skills.map((row, i) => {
      const field = `skills[${i}].skill_id`;
      if (!row.skill_id) throw new Refusal({ field, message: t("error.chooseSkill") });
      if (f.skills.findIndex((other) => other.skill_id === row.skill_id) !== i) {
        throw new Refusal({ field, message: t("error.duplicateSkill") });
      }
      return { skill_id: Number(row.skill_id), min_level: Number(row.min_level) };
    });
    if (required_skills.length > 0) body.skills = required_skills;

    let previous = -1;
    const steps = f.escalation.map((row, i): EscalationStep => {
      const where = `escalation[${i}]`;
      const after = required(
        t,
        readNumber(t, row.after_s, `${where}.after_s`, seconds),
        `${where}.after_s`,
      );
      if (after <= previous) {
        throw new Refusal({ field: `${where}.after_s`, message: t("error.escalationOrder") });
      }
      previous = after;
      const step: EscalationStep = { after_s: after };
      const relax = readNumber(t, row.relax_levels, `${where}.relax_levels`, {
        integer: true,
        min: 0,
        max: 5,
        message: "error.level",
      });
      if (relax !== undefined) step.relax_levels = relax;
      const raise = readNumber(t, row.raise_priority, `${where}.raise_priority`, priorityRule);
      if (raise !== undefined) step.raise_priority = raise;
      if (row.drop_skill_ids.length > 0) step.drop_skill_ids = row.drop_skill_ids;
      return step;
    });
    if (steps.length > 0) body.escalation = steps;

    if (f.opening === "hours") {
      body.hours = required(t, f.hours.trim(), "hours");
    } else if (f.opening === "calendar") {
      if (!f.calendar_id) {
        throw new Refusal({ field: "calendar_id", message: t("error.chooseCalendar") });
      }
      body.calendar_id = Number(f.calendar_id);
    }
    if (f.opening !== "always" && f.accept_when_closed) body.accept_when_closed = true;
    return { body };
  } catch (caught) {
    if (caught instanceof Refusal) return { problem: caught.problem };
    throw caught;
  }
}

// What only voice queues keep, as the voice channel checks it (see bodyOf).
function callSettingsOf(f: QueueFormState, t: AdminT) {
  const announce = readNumber(t, f.announce_every_s, "announce_every_s", {
    integer: true,
    min: 0,
    max: 600,
    message: "error.announceEvery",
  });
  const retention = readNumber(t, f.recording_retention_days, "recording_retention_days", {
    integer: true,
    min: 1,
    max: 3650,
    message: "error.retention",
  });
  const settings: Partial<QueueBody> = {
    announce_every_s: required(t, announce, "announce_every_s"),
    record_calls: f.record_calls,
    recording_retention_days: required(t, retention, "recording_retention_days"),
  };
  // Messages: only with a queue to keep them in.
  if (f.voicemail_queue_id) {
    settings.voicemail_queue_id = Number(f.voicemail_queue_id);
    const longest = readNumber(t, f.voicemail_max_s, "voicemail_max_s", {
      integer: true,
      min: 10,
      max: 600,
      message: "error.voicemailMax",
    });
    settings.voicemail_max_s = required(t, longest, "voicemail_max_s");
    const said = f.voicemail_text.trim();
    if ([...said].length > 500) {
      throw new Refusal({ field: "voicemail_text", message: t("error.voicemailText") });
    }
    if (said) settings.voicemail_text = said;
  }
  return settings;
}

// ---- the editor ----------------------------------------------------------------------

const PREFIX = "queue-editor";
const idOf = (field: string) => `${PREFIX}-${field}`;

function QueueForm({
  queue,
  queues,
  skills,
  calendars,
  onSaved,
  onClose,
}: {
  queue: QueueSettings | null;
  queues: QueueSettings[];
  skills: SimpleItem[];
  calendars: Calendar[];
  onSaved: (saved: QueueSettings) => void;
  onClose: () => void;
}) {
  const t = useAdminT();
  const [form, setForm] = useState<QueueFormState>(() => formOf(queue));
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
    const result = queue
      ? await put<QueueSettings>(`/api/v1/queues/${queue.id}`, checked.body)
      : await post<QueueSettings>("/api/v1/queues", checked.body);
    setBusy(false);
    if (!result.ok) return refuse(problemFromApi(result.error, t));
    setFeedback({ kind: "success", text: t("common.saved") });
    onSaved(result.value);
  };

  // Other queues an interaction can move to: same channel (or, for callbacks,
  // the callback channel); the current choice stays listed whatever it is.
  // null: a queue of any channel (messages may be kept as tasks).
  const targets = (channel: QueueChannel | null, current: string) =>
    queues.filter(
      (q) =>
        q.id !== queue?.id &&
        (channel === null || q.channel === channel || String(q.id) === current),
    );
  const queueSelect = (
    field: "overflow_queue_id" | "closed_queue_id" | "callback_queue_id" | "voicemail_queue_id",
    label: AdminKey,
    hint: AdminKey,
    channel: QueueChannel | null,
  ) => (
    <IdSelect
      id={idOf(field)}
      name={field}
      label={t(label)}
      hint={t(hint)}
      required={false}
      {...errorProps(feedback, field)}
      placeholder={t("common.noneFeminine")}
      items={targets(channel, form[field])}
      value={form[field]}
      onChange={(value) => update({ [field]: value })}
    />
  );

  const numberInput = (
    field:
      | "priority"
      | "sl_threshold_s"
      | "wrapup_s"
      | "max_wait_s"
      | "max_length"
      | "announce_every_s"
      | "recording_retention_days"
      | "voicemail_max_s",
    label: AdminKey,
    hint: AdminKey | null,
    attributes: { min: number; max?: number; step: number | "any" },
  ) => (
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

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labelsOf(t)} />

      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">{t("queues.general")}</legend>
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
          {numberInput("priority", "queues.priority", "queues.priorityHint", {
            min: -MAX_PRIORITY,
            max: MAX_PRIORITY,
            step: 1,
          })}
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
      </fieldset>

      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">{t("queues.sl")}</legend>
        <div className="guichet-grid">
          {numberInput("sl_threshold_s", "queues.slThreshold", null, { min: 0, step: "any" })}
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
      </fieldset>

      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">{t("queues.handling")}</legend>
        <div className="guichet-grid">
          {numberInput("wrapup_s", "queues.wrapup", "queues.wrapupHint", { min: 0, step: "any" })}
          {numberInput("max_wait_s", "queues.maxWait", "queues.maxWaitHint", {
            min: 0,
            step: "any",
          })}
          {numberInput("max_length", "queues.maxLength", "queues.maxLengthHint", {
            min: 0,
            max: 1_000_000,
            step: 1,
          })}
        </div>
      </fieldset>

      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">{t("queues.routes")}</legend>
        <div className="guichet-grid">
          {queueSelect("overflow_queue_id", "queues.overflow", "queues.overflowHint", form.channel)}
          {queueSelect(
            "closed_queue_id",
            "queues.closedQueue",
            "queues.closedQueueHint",
            form.channel,
          )}
          {form.channel === "voice" &&
            queueSelect(
              "callback_queue_id",
              "queues.callbackQueue",
              "queues.callbackQueueHint",
              "callback",
            )}
        </div>
      </fieldset>

      {form.channel === "voice" && (
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">{t("queues.calls")}</legend>
          <div className="guichet-grid">
            {numberInput("announce_every_s", "queues.announceEvery", "queues.announceEveryHint", {
              min: 0,
              max: 600,
              step: 1,
            })}
            {numberInput("recording_retention_days", "queues.retention", "queues.retentionHint", {
              min: 1,
              max: 3650,
              step: 1,
            })}
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
            {queueSelect(
              "voicemail_queue_id",
              "queues.voicemailQueue",
              "queues.voicemailQueueHint",
              null,
            )}
            {form.voicemail_queue_id &&
              numberInput("voicemail_max_s", "queues.voicemailMax", "queues.voicemailMaxHint", {
                min: 10,
                max: 600,
                step: 1,
              })}
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
        </fieldset>
      )}

      <RequirementRows
        rows={form.skills}
        skills={skills}
        feedback={feedback}
        onChange={(rows) => update({ skills: rows })}
      />

      <StepRows
        rows={form.escalation}
        required={form.skills.map((row) => Number(row.skill_id)).filter((id) => id > 0)}
        skills={skills}
        feedback={feedback}
        onChange={(rows) => update({ escalation: rows })}
      />

      <RadioButtons
        id={idOf("opening")}
        legend={t("queues.opening")}
        name="opening"
        orientation="horizontal"
        options={(
          [
            ["always", "queues.openingAlways"],
            ["hours", "queues.openingHours"],
            ["calendar", "queues.openingCalendar"],
          ] as const
        ).map(([value, label]) => ({
          label: t(label),
          nativeInputProps: {
            value,
            checked: form.opening === value,
            onChange: () => update({ opening: value }),
          },
        }))}
      />
      {form.opening === "hours" && (
        <Input
          label={t("queues.hours")}
          hintText={t("cal.hoursHint")}
          {...errorProps(feedback, "hours")}
          nativeInputProps={{
            id: idOf("hours"),
            name: "hours",
            required: true,
            autoComplete: "off",
            spellCheck: false,
            value: form.hours,
            onChange: (e) => update({ hours: e.target.value }),
          }}
        />
      )}
      {form.opening === "calendar" &&
        (calendars.length === 0 && !form.calendar_id ? (
          <p>{t("queues.noCalendar")}</p>
        ) : (
          <IdSelect
            id={idOf("calendar_id")}
            name="calendar_id"
            label={t("queues.calendar")}
            {...errorProps(feedback, "calendar_id")}
            placeholder={t("queues.chooseCalendar")}
            items={calendars}
            value={form.calendar_id}
            onChange={(calendar_id) => update({ calendar_id })}
          />
        ))}
      {form.opening !== "always" && (
        <Checkbox
          className="fr-mb-3w"
          options={[
            {
              label: t("queues.acceptWhenClosed"),
              hintText: t("queues.acceptWhenClosedHint"),
              nativeInputProps: {
                name: "accept_when_closed",
                checked: form.accept_when_closed,
                onChange: (e) => update({ accept_when_closed: e.target.checked }),
              },
            },
          ]}
        />
      )}

      <FormButtons onClose={onClose} />
    </form>
  );
}

// ---- skill requirements -------------------------------------------------------------

function RequirementRows({
  rows,
  skills,
  feedback,
  onChange,
}: {
  rows: RequirementRow[];
  skills: SimpleItem[];
  feedback: Feedback;
  onChange: (rows: RequirementRow[]) => void;
}) {
  const t = useAdminT();
  const add = () => {
    onChange([...rows, { key: rowKey(), skill_id: "", min_level: "1" }]);
    focusLater(idOf(`skills[${rows.length}].skill_id`));
  };
  const removeAt = (index: number) => {
    onChange(rows.filter((_, i) => i !== index));
    focusLater(idOf("skills-add"));
  };
  const set = (index: number, patch: Partial<RequirementRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <fieldset className="fr-fieldset" id={idOf("skills")} tabIndex={-1}>
      <legend className="fr-fieldset__legend">
        {t("queues.skills")}
        <span className="fr-hint-text">{t("queues.skillsHint")}</span>
      </legend>
      {skills.length === 0 && rows.length === 0 && (
        <p className="fr-fieldset__element">{t("queues.noSkillDefined")}</p>
      )}
      {rows.map((row, i) => {
        const legend = fill(t("queues.requirement"), { n: i + 1 });
        return (
          <div className="fr-fieldset__element" key={row.key}>
            <fieldset className="fr-fieldset fr-mb-0">
              <legend className="fr-fieldset__legend fr-text--regular">{legend}</legend>
              <div className="guichet-grid">
                <IdSelect
                  id={idOf(`skills[${i}].skill_id`)}
                  name={`skills[${i}].skill_id`}
                  label={t("queues.skill")}
                  {...errorProps(feedback, `skills[${i}].skill_id`)}
                  placeholder={t("queues.chooseSkill")}
                  items={skills}
                  value={row.skill_id}
                  onChange={(skill_id) => set(i, { skill_id })}
                />
                <Select
                  label={t("queues.minLevel")}
                  {...errorProps(feedback, `skills[${i}].min_level`)}
                  nativeSelectProps={{
                    id: idOf(`skills[${i}].min_level`),
                    name: `skills[${i}].min_level`,
                    value: row.min_level,
                    onChange: (e) => set(i, { min_level: e.target.value }),
                  }}
                >
                  {[1, 2, 3, 4, 5].map((level) => (
                    <option key={level} value={level}>
                      {level}
                    </option>
                  ))}
                </Select>
              </div>
              <RemoveRowButton legend={legend} onClick={() => removeAt(i)} />
            </fieldset>
          </div>
        );
      })}
      <div className="fr-fieldset__element">
        <Button
          id={idOf("skills-add")}
          type="button"
          size="small"
          priority="secondary"
          disabled={skills.length === 0}
          onClick={add}
        >
          {t("queues.addRequirement")}
        </Button>
      </div>
    </fieldset>
  );
}

// ---- escalation steps -----------------------------------------------------------------

function StepRows({
  rows,
  required: requiredSkills,
  skills,
  feedback,
  onChange,
}: {
  rows: StepRow[];
  required: number[];
  skills: SimpleItem[];
  feedback: Feedback;
  onChange: (rows: StepRow[]) => void;
}) {
  const t = useAdminT();
  const add = () => {
    onChange([
      ...rows,
      { key: rowKey(), after_s: "", relax_levels: "", raise_priority: "", drop_skill_ids: [] },
    ]);
    focusLater(idOf(`escalation[${rows.length}].after_s`));
  };
  const removeAt = (index: number) => {
    onChange(rows.filter((_, i) => i !== index));
    focusLater(idOf("escalation-add"));
  };
  const set = (index: number, patch: Partial<StepRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const skillName = (id: number) => skills.find((s) => s.id === id)?.name ?? `#${id}`;

  const numberField = (
    i: number,
    row: StepRow,
    field: "after_s" | "relax_levels" | "raise_priority",
    label: AdminKey,
    hint: AdminKey | null,
    attributes: { min: number; max?: number; step: number | "any" },
  ) => {
    const name = `escalation[${i}].${field}`;
    return (
      <Input
        label={t(label)}
        hintText={hint ? t(hint) : undefined}
        {...errorProps(feedback, name)}
        nativeInputProps={{
          id: idOf(name),
          name,
          type: "number",
          inputMode: attributes.step === 1 ? "numeric" : "decimal",
          autoComplete: "off",
          required: field === "after_s",
          ...attributes,
          value: row[field],
          onChange: (e) => set(i, { [field]: e.target.value }),
        }}
      />
    );
  };

  return (
    <fieldset className="fr-fieldset" id={idOf("escalation")} tabIndex={-1}>
      <legend className="fr-fieldset__legend">
        {t("queues.escalation")}
        <span className="fr-hint-text">{t("queues.escalationHint")}</span>
      </legend>
      {rows.map((row, i) => {
        const legend = fill(t("queues.step"), { n: i + 1 });
        // The skills this step can drop: those required, and those it drops already.
        const droppable = [...new Set([...requiredSkills, ...row.drop_skill_ids])];
        return (
          <div className="fr-fieldset__element" key={row.key}>
            <fieldset className="fr-fieldset fr-mb-0">
              <legend className="fr-fieldset__legend fr-text--regular">{legend}</legend>
              <div className="guichet-grid">
                {numberField(i, row, "after_s", "queues.afterS", null, { min: 0, step: "any" })}
                {numberField(i, row, "relax_levels", "queues.relaxLevels", "queues.relaxLevelsHint", {
                  min: 0,
                  max: 5,
                  step: 1,
                })}
                {numberField(i, row, "raise_priority", "queues.raisePriority", null, {
                  min: -MAX_PRIORITY,
                  max: MAX_PRIORITY,
                  step: 1,
                })}
              </div>
              {droppable.length > 0 && (
                <div className="fr-fieldset__element">
                  <Checkbox
                    id={idOf(`escalation[${i}].drop_skill_ids`)}
                    legend={t("queues.dropSkills")}
                    orientation="horizontal"
                    small
                    options={droppable.map((id) => ({
                      label: skillName(id),
                      nativeInputProps: {
                        name: `escalation[${i}].drop_skill_ids`,
                        value: String(id),
                        checked: row.drop_skill_ids.includes(id),
                        onChange: (e) =>
                          set(i, {
                            drop_skill_ids: e.target.checked
                              ? [...row.drop_skill_ids, id]
                              : row.drop_skill_ids.filter((d) => d !== id),
                          }),
                      },
                    }))}
                  />
                </div>
              )}
              <RemoveRowButton legend={legend} onClick={() => removeAt(i)} />
            </fieldset>
          </div>
        );
      })}
      <div className="fr-fieldset__element">
        <Button
          id={idOf("escalation-add")}
          type="button"
          size="small"
          priority="secondary"
          onClick={add}
        >
          {t("queues.addStep")}
        </Button>
      </div>
    </fieldset>
  );
}
