// An IVR flow as the API gives it (the document's IvrFlow), the editor's
// state of it as typed (steps by row key, since their ids may change while
// typed), and the flow it sends (an IvrFlowInput).
import type { Schemas } from "../../../api";

type IvrFlow = Schemas["IvrFlow"];
type IvrStep = Schemas["IvrStep"];

export type StepType = IvrStep["type"];
export const STEP_TYPES = [
  "prompt",
  "menu",
  "collect",
  "hours",
  "queue",
  "voicemail",
  "hangup",
] as const satisfies readonly StepType[];

// A problem as POST /ivr-flows/check names it: the step (its id, empty for
// the flow), the field ("text", "options.1", "steps[2].queue_id", "number").
export type FlowProblem = Schemas["DocumentProblems"]["problems"][number];

// A phone's keys, in the keypad's order.
export const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"];

// A reference to another step, by its row key: ids may change while typed.
export type StepRef = number | null;

export interface OptionRow {
  key: number;
  digit: string;
  target: StepRef;
}

// What a step says: a text for speech synthesis, or an uploaded recording.
type Said = "text" | "recording";

export interface StepForm {
  key: number;
  id: string;
  type: StepType;
  said: Said; // which of `text` and `audio_id` is sent (the other is kept while typing)
  text: string;
  audio_id: string;
  next: StepRef;
  options: OptionRow[];
  retries: string;
  timeout_s: string;
  invalid_text: string;
  fallback: StepRef;
  attribute: string;
  min_digits: string;
  max_digits: string;
  calendar_id: string;
  open: StepRef;
  closed: StepRef;
  queue_id: string;
  priority: string;
  callback_digit: string;
  max_s: string;
  extra: Record<string, unknown>; // fields this editor does not know, sent back as they were
}

// A relay provider for deaf and hard-of-hearing callers: its calls come
// from its numbers (one per line) and start at its step.
export interface RelayForm {
  name: string;
  url: string;
  callers: string;
  start: StepRef;
}

export interface FlowForm {
  name: string;
  number: string;
  start: StepRef;
  steps: StepForm[];
  relay: RelayForm;
  extra: Record<string, unknown>;
}

export type TextField = "text" | "invalid_text" | "attribute";
export type RefField = "next" | "fallback" | "open" | "closed";
export type NumberField =
  | "retries"
  | "timeout_s"
  | "min_digits"
  | "max_digits"
  | "priority"
  | "max_s";
export type StepField =
  | TextField
  | RefField
  | NumberField
  | "options"
  | "calendar_id"
  | "queue_id"
  | "callback_digit";

// The fields of each type, in the order the editor shows them. "text"
// stands for what the step says: its text, or its recording ("audio_id").
export const FIELDS: Record<StepType, readonly StepField[]> = {
  prompt: ["text", "next"],
  menu: ["text", "options", "retries", "timeout_s", "invalid_text", "fallback"],
  collect: [
    "text",
    "attribute",
    "min_digits",
    "max_digits",
    "timeout_s",
    "retries",
    "next",
    "fallback",
  ],
  hours: ["calendar_id", "open", "closed"],
  queue: ["queue_id", "priority", "callback_digit"],
  voicemail: ["text", "queue_id", "max_s"],
  hangup: ["text"],
};
const REF_FIELDS: readonly RefField[] = ["next", "fallback", "open", "closed"];
const NUMBER_FIELDS: readonly NumberField[] = [
  "retries",
  "timeout_s",
  "min_digits",
  "max_digits",
  "priority",
  "max_s",
];
const isRefField = (field: StepField): field is RefField => REF_FIELDS.some((f) => f === field);
const isNumberField = (field: StepField): field is NumberField =>
  NUMBER_FIELDS.some((f) => f === field);
// The fields the form holds as they come (texts, and the values of selects).
const PLAIN_FIELDS = [
  "text",
  "invalid_text",
  "attribute",
  "calendar_id",
  "queue_id",
  "callback_digit",
] as const;
const STEP_FIELDS = new Set<string>(["id", "type", "audio_id", ...Object.values(FIELDS).flat()]);
const FLOW_FIELDS = new Set(["id", "name", "number", "start", "steps", "relay", "version"]);

let lastRowKey = 0;
export const rowKey = () => ++lastRowKey;

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));

export function blankStep(id: string): StepForm {
  return {
    key: rowKey(),
    id,
    type: "prompt",
    said: "text",
    text: "",
    audio_id: "",
    next: null,
    options: [],
    retries: "",
    timeout_s: "",
    invalid_text: "",
    fallback: null,
    attribute: "",
    min_digits: "",
    max_digits: "",
    calendar_id: "",
    open: null,
    closed: null,
    queue_id: "",
    priority: "",
    callback_digit: "",
    max_s: "",
    extra: {},
  };
}

export function formOf(flow: IvrFlow | null): FlowForm {
  const steps = flow?.steps ?? [];
  const keys = steps.map(() => rowKey());
  const refOf = (id: unknown): StepRef => {
    const index = typeof id === "string" && id ? steps.findIndex((s) => s.id === id) : -1;
    return index < 0 ? null : keys[index];
  };
  const unknown = (object: Record<string, unknown>, known: Set<string>) =>
    Object.fromEntries(Object.entries(object).filter(([field]) => !known.has(field)));
  return {
    name: flow?.name ?? "",
    number: flow?.number ?? "",
    start: refOf(flow?.start),
    relay: {
      name: flow?.relay?.name ?? "",
      url: flow?.relay?.url ?? "",
      callers: (flow?.relay?.callers ?? []).join("\n"),
      start: refOf(flow?.relay?.start),
    },
    steps: steps.map((s, i) => {
      const step: StepForm = {
        ...blankStep(text(s.id)),
        key: keys[i],
        extra: unknown(s, STEP_FIELDS),
      };
      step.type = s.type;
      for (const field of PLAIN_FIELDS) step[field] = text(s[field]);
      step.audio_id = text(s.audio_id);
      step.said = step.audio_id ? "recording" : "text";
      for (const field of NUMBER_FIELDS) step[field] = text(s[field]);
      for (const field of REF_FIELDS) step[field] = refOf(s[field]);
      step.options = Object.entries(s.options ?? {}).map(([digit, target]) => ({
        key: rowKey(),
        digit,
        target: refOf(target),
      }));
      return step;
    }),
    extra: unknown(flow ?? {}, FLOW_FIELDS),
  };
}

// A number as typed: left out when empty. One that is not a number is sent
// all the same (as JSON's null) for the server's check to name: "a whole
// number from … to …", as for any other value that is not one.
function numberOf(typed: string): number | undefined {
  const trimmed = typed.trim();
  return trimmed === "" ? undefined : Number(trimmed.replace(",", "."));
}

// What a step says as the API takes it: its text, or its recording instead;
// nothing when left empty (the check says whether the step needs one).
function saidOf(step: StepForm): Pick<IvrStep, "text" | "audio_id"> {
  if (step.said === "recording") return step.audio_id ? { audio_id: Number(step.audio_id) } : {};
  const typed = step.text.trim();
  return typed ? { text: typed } : {};
}

// The flow as the API takes it, from what the form holds; what is left empty
// is left out (the server's defaults), what is wrong is sent for the server
// to name.
export function bodyOf(form: FlowForm): Schemas["IvrFlowInput"] {
  const ids = new Map(form.steps.map((s) => [s.key, s.id.trim()]));
  const idOf = (ref: StepRef) => (ref === null ? undefined : (ids.get(ref) ?? undefined));
  const steps = form.steps.map((step) => {
    const body: IvrStep = { ...step.extra, id: step.id.trim(), type: step.type };
    for (const field of FIELDS[step.type]) {
      if (field === "text") {
        Object.assign(body, saidOf(step));
      } else if (field === "options") {
        // An option without a step is sent empty: the check says which key.
        if (step.options.length > 0) {
          body.options = Object.fromEntries(
            step.options.map((o) => [o.digit, idOf(o.target) ?? ""]),
          );
        }
      } else if (isRefField(field)) {
        const id = idOf(step[field]);
        if (id !== undefined) body[field] = id;
      } else if (isNumberField(field)) {
        const n = numberOf(step[field]);
        if (n !== undefined) body[field] = n;
      } else if (field === "calendar_id" || field === "queue_id") {
        if (step[field]) body[field] = Number(step[field]);
      } else {
        const typed = step[field].trim();
        if (typed) body[field] = typed;
      }
    }
    return body;
  });
  const body: Schemas["IvrFlowInput"] = {
    ...form.extra,
    name: form.name.trim(),
    number: form.number.replace(/[\s.]/g, ""), // "01 40 00 00 00" as it is often written
    steps,
  };
  const start = idOf(form.start);
  if (start) body.start = start;
  // Left empty: no relay. Half filled: sent, for the check to say what is missing.
  const relay = form.relay;
  const callers = relay.callers.split(/\n+/).map((c) => c.trim()).filter(Boolean);
  if (relay.name.trim() || relay.url.trim() || callers.length > 0 || relay.start !== null) {
    body.relay = { name: relay.name.trim(), url: relay.url.trim(), callers };
    const relayStart = idOf(relay.start);
    if (relayStart) body.relay.start = relayStart;
  }
  return body;
}
