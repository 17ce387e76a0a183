// The queue editor's state, as typed, and the body it sends: read from a
// queue, checked before sending (the first problem found is refused), every
// empty optional setting left out.
import type { Queue } from "../../../api";
import type { Problem } from "../../../components/feedback";
import type { AdminKey, AdminT } from "../texts";
import {
  MAX_PRIORITY,
  type EscalationStep,
  type QueueBody,
  type QueueChannel,
  type Strategy,
} from "./queueSettings";

// The ids of the form's fields: the editor's, then the setting as the API
// names it (where focusField finds the one a problem names).
export const PREFIX = "queue-editor";
export const idOf = (field: string) => `${PREFIX}-${field}`;

export interface RequirementRow {
  key: number;
  skill_id: string;
  min_level: string;
}
export interface StepRow {
  key: number;
  after_s: string;
  relax_levels: string;
  raise_priority: string;
  drop_skill_ids: number[];
}
export type Opening = "always" | "hours" | "calendar";
export interface QueueFormState {
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
  chat_bot: boolean;
  chat_origins: string; // one per line
  chat_message_queue_id: string;
  chat_rtt: boolean;
  chat_hours_queue_id: string;
  chat_rtt_queue_id: string;
}

let lastRowKey = 0;
export const rowKey = () => ++lastRowKey;

const text = (value: number | undefined) => (value === undefined ? "" : String(value));

export function formOf(q: Queue | null): QueueFormState {
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
    chat_bot: q?.chat_bot ?? true,
    chat_origins: (q?.chat_origins ?? []).join("\n"),
    chat_message_queue_id: text(q?.chat_message_queue_id),
    chat_rtt: q?.chat_rtt ?? false,
    chat_hours_queue_id: text(q?.chat_hours_queue_id),
    chat_rtt_queue_id: text(q?.chat_rtt_queue_id),
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
export function bodyOf(f: QueueFormState, t: AdminT): { body: QueueBody } | { problem: Problem } {
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
    if (f.channel === "chat") {
      body.chat_bot = f.chat_bot;
      // Addresses as people copy them: "https://www.ville.fr/" is its origin.
      body.chat_origins = f.chat_origins
        .split(/[\s,;]+/)
        .map((o) => o.trim().replace(/\/+$/, ""))
        .filter((o) => o.length > 0);
      if (f.chat_message_queue_id) body.chat_message_queue_id = Number(f.chat_message_queue_id);
      if (f.chat_rtt) body.chat_rtt = true;
      if (f.chat_hours_queue_id) body.chat_hours_queue_id = Number(f.chat_hours_queue_id);
      // A real-time text queue offers no other (its field is hidden then).
      if (f.chat_rtt_queue_id && !f.chat_rtt) body.chat_rtt_queue_id = Number(f.chat_rtt_queue_id);
    }

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
