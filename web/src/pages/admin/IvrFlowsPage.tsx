// IVR flows (SVI): what the callers of a service number hear and choose
// before reaching a queue. The table of flows, and an editor of a flow's
// steps with, beside it, the problems the server finds in the flow as it is
// typed (POST /ivr-flows/check, debounced): each one links to its field, and
// the step at fault says so. The server counts the versions. Below, the
// recordings a step may say instead of a synthesised text.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { get, post, put } from "../../api";
import type { Calendar } from "./CalendarsPage";
import {
  RecordingPlayer,
  RecordingsSection,
  recordingLabel,
  type Recording,
} from "./IvrRecordings";
import { channelLabel, type QueueSettings } from "./QueuesPage";
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
  focusLater,
  problemFromApi,
  useListPage,
  type Feedback,
} from "./shared";
import { fill, useAdminT, type AdminKey, type AdminT } from "./texts";

const STEP_TYPES = ["prompt", "menu", "collect", "hours", "queue", "voicemail", "hangup"] as const;
type StepType = (typeof STEP_TYPES)[number];

// A flow as the API gives it.
interface IvrStep {
  id: string;
  type: string;
  [field: string]: unknown;
}
interface IvrFlow {
  id: number;
  name: string;
  number: string;
  start?: string;
  steps: IvrStep[];
  version: number;
  [field: string]: unknown;
}

// A problem as POST /ivr-flows/check names it: the step (its id, empty for
// the flow), the field ("text", "options.1", "steps[2].queue_id", "number").
interface FlowProblem {
  step: string;
  field: string;
  message: string;
}

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"];
const CHECK_DELAY_MS = 400;
const PREFIX = "ivr-editor";

// ---- the form's state and the flow it sends ---------------------------------------------

// A reference to another step, by its row key: ids may change while typed.
type StepRef = number | null;

interface OptionRow {
  key: number;
  digit: string;
  target: StepRef;
}

// What a step says: a text for speech synthesis, or an uploaded recording.
type Said = "text" | "recording";

interface StepForm {
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

interface FlowForm {
  name: string;
  number: string;
  start: StepRef;
  steps: StepForm[];
  extra: Record<string, unknown>;
}

type TextField = "text" | "invalid_text" | "attribute";
type RefField = "next" | "fallback" | "open" | "closed";
type NumberField = "retries" | "timeout_s" | "min_digits" | "max_digits" | "priority" | "max_s";
type StepField =
  | TextField
  | RefField
  | NumberField
  | "options"
  | "calendar_id"
  | "queue_id"
  | "callback_digit";

// The fields of each type, in the order the editor shows them. "text"
// stands for what the step says: its text, or its recording ("audio_id").
const FIELDS: Record<StepType, readonly StepField[]> = {
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
const REF_FIELDS: readonly string[] = ["next", "fallback", "open", "closed"];
const NUMBER_FIELDS: readonly string[] = [
  "retries",
  "timeout_s",
  "min_digits",
  "max_digits",
  "priority",
  "max_s",
];
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
const FLOW_FIELDS = new Set(["id", "name", "number", "start", "steps", "version"]);

let lastRowKey = 0;
const rowKey = () => ++lastRowKey;

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));

function blankStep(id: string): StepForm {
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

function formOf(flow: IvrFlow | null): FlowForm {
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
    steps: steps.map((s, i) => {
      const step: StepForm = {
        ...blankStep(text(s.id)),
        key: keys[i],
        extra: unknown(s, STEP_FIELDS),
      };
      const known = (STEP_TYPES as readonly string[]).includes(s.type);
      step.type = known ? (s.type as StepType) : "prompt";
      for (const field of PLAIN_FIELDS) step[field] = text(s[field]);
      step.audio_id = text(s.audio_id);
      step.said = step.audio_id ? "recording" : "text";
      for (const field of NUMBER_FIELDS as NumberField[]) step[field] = text(s[field]);
      for (const field of REF_FIELDS as RefField[]) step[field] = refOf(s[field]);
      const options = (s.options ?? {}) as Record<string, unknown>;
      step.options = Object.entries(options).map(([digit, target]) => ({
        key: rowKey(),
        digit,
        target: refOf(target),
      }));
      return step;
    }),
    extra: unknown(flow ?? {}, FLOW_FIELDS),
  };
}

// A number as typed: left out when empty, sent as typed when it is not one
// (the server's check names the problem).
function numberOf(typed: string): number | string | undefined {
  const trimmed = typed.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed.replace(",", "."));
  return Number.isFinite(n) ? n : trimmed;
}

// What a step says as the API takes it: its text, or its recording instead;
// nothing when left empty (the check says whether the step needs one).
function saidOf(step: StepForm): Record<string, unknown> {
  if (step.said === "recording") return step.audio_id ? { audio_id: Number(step.audio_id) } : {};
  const typed = step.text.trim();
  return typed ? { text: typed } : {};
}

// The flow as the API takes it, from what the form holds; what is left empty
// is left out (the server's defaults), what is wrong is sent for the server
// to name.
function bodyOf(form: FlowForm): Record<string, unknown> {
  const ids = new Map(form.steps.map((s) => [s.key, s.id.trim()]));
  const idOf = (ref: StepRef) => (ref === null ? undefined : (ids.get(ref) ?? undefined));
  const steps = form.steps.map((step) => {
    const body: Record<string, unknown> = { ...step.extra, id: step.id.trim(), type: step.type };
    for (const field of FIELDS[step.type]) {
      let value: unknown;
      if (field === "text") {
        Object.assign(body, saidOf(step));
        continue;
      }
      if (field === "options") {
        // An option without a step is sent empty: the check says which key.
        value = step.options.length
          ? Object.fromEntries(step.options.map((o) => [o.digit, idOf(o.target) ?? ""]))
          : undefined;
      } else if (REF_FIELDS.includes(field)) {
        value = idOf(step[field as RefField]);
      } else if (NUMBER_FIELDS.includes(field)) {
        value = numberOf(step[field as NumberField]);
      } else if (field === "calendar_id" || field === "queue_id") {
        value = step[field] ? Number(step[field]) : undefined;
      } else {
        value = step[field as TextField | "callback_digit"].trim() || undefined;
      }
      if (value !== undefined) body[field] = value;
    }
    return body;
  });
  const body: Record<string, unknown> = {
    ...form.extra,
    name: form.name.trim(),
    number: form.number.replace(/[\s.]/g, ""), // "01 40 00 00 00" as it is often written
    steps,
  };
  const start = idOf(form.start);
  if (start) body.start = start;
  return body;
}

// ---- problems: where they are, what they say, where the focus goes ----------------------------

interface Located {
  stepKey: number | null;
  field: string; // the step's field ("text", "options.1") or the flow's ("number")
  target: string; // the id of the element to focus
  text: string; // where, then what
}

const stepElement = (key: number, field?: string) =>
  field ? `ivr-step-${key}-${field}` : `ivr-step-${key}`;

function fieldLabelOf(field: string, t: AdminT): string | null {
  const labels: Record<string, AdminKey> = {
    name: "common.name",
    number: "ivr.number",
    start: "ivr.start",
    steps: "ivr.steps",
    id: "ivr.stepId",
    type: "ivr.type",
    text: "ivr.text",
    audio_id: "ivr.recording",
    next: "ivr.next",
    options: "ivr.options",
    retries: "ivr.retries",
    timeout_s: "ivr.timeout",
    invalid_text: "ivr.invalidText",
    fallback: "ivr.fallback",
    attribute: "ivr.attribute",
    min_digits: "ivr.minDigits",
    max_digits: "ivr.maxDigits",
    calendar_id: "ivr.calendar",
    open: "ivr.open",
    closed: "ivr.closed",
    queue_id: "ivr.queue",
    priority: "ivr.priority",
    callback_digit: "ivr.callbackDigit",
    max_s: "ivr.maxS",
  };
  const option = /^options\.(.)$/.exec(field);
  if (option) return `${t("ivr.options")}, ${fill(t("ivr.choiceKey"), { key: option[1] })}`;
  return field in labels ? t(labels[field]) : null;
}

// Finds the step and the field a problem names. The check names the step by
// its id; a refused save may name it by its place only ("steps[0].next"), or
// in its message ("step 'menu': …").
function locate(problem: FlowProblem, form: FlowForm, t: AdminT): Located {
  let index = -1;
  let field = problem.field;
  const place = /^steps\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (place) {
    index = Number(place[1]);
    field = place[2] ?? "";
  } else {
    const id = problem.step || /^step '([^']*)'/.exec(problem.message)?.[1] || "";
    if (id) index = form.steps.findIndex((s) => s.id.trim() === id);
  }
  const message = problem.message.replace(/^step '[^']*': /, "");
  const step = form.steps[index];
  // "no prompt to play" names the text: the recording's select, when chosen.
  if (step?.said === "recording" && field === "text") field = "audio_id";
  const label = fieldLabelOf(field, t);
  if (!step) {
    return {
      stepKey: null,
      field,
      target: field ? `${PREFIX}-${field}` : `${PREFIX}-steps`,
      text: label ? `${label} — ${message}` : message,
    };
  }
  const where = fill(t("ivr.inStep"), {
    id: step.id.trim() || fill(t("ivr.step"), { n: index + 1 }),
  });
  return {
    stepKey: step.key,
    field,
    target: field ? stepElement(step.key, field) : stepElement(step.key),
    text: `${where}${label ? `, ${label}` : ""} — ${message}`,
  };
}

// Props marking an Input or a Select in error with the problems found there.
function errorState(messages: string[]) {
  if (messages.length === 0) return {};
  return { state: "error" as const, stateRelatedMessage: messages.join(" ") };
}

// Focus the field a problem names; its step when the field is not shown.
function focusProblem(located: Located): void {
  window.setTimeout(() => {
    const element =
      document.getElementById(located.target) ??
      (located.stepKey !== null ? document.getElementById(stepElement(located.stepKey)) : null) ??
      document.getElementById(`${PREFIX}-steps`);
    element?.focus();
  }, 0);
}

// ---- the page ----------------------------------------------------------------------

export function IvrFlowsPage() {
  const t = useAdminT();
  const [flows, setFlows] = useState<IvrFlow[] | null>(null);
  const [queues, setQueues] = useState<QueueSettings[]>([]);
  const [calendars, setCalendars] = useState<Calendar[]>([]);
  const [recordings, setRecordings] = useState<Recording[] | null>(null);

  const load = useCallback(async () => {
    const [f, q, c, r] = await Promise.all([
      get<IvrFlow[]>("/api/v1/ivr-flows"),
      get<QueueSettings[]>("/api/v1/queues"),
      get<Calendar[]>("/api/v1/calendars"),
      get<Recording[]>("/api/v1/prompts"),
    ]);
    if (q.ok) setQueues(byName(q.value));
    if (c.ok) setCalendars(byName(c.value));
    if (r.ok) setRecordings(byName(r.value));
    if (f.ok) setFlows(byName(f.value));
    return [f, q, c, r];
  }, []);

  // The flow in the editor (null: a new one).
  const page = useListPage<IvrFlow | null>({
    load,
    openerId: (flow) => (flow ? `ivr-${flow.id}-edit` : "ivr-add"),
    path: (flow) => `/api/v1/ivr-flows/${flow.id}`,
  });
  const { editor, open, remove, reload } = page;

  return (
    <>
      <ListPageHead page={page} heading={t("admin.ivr")} intro={t("ivr.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id={PREFIX}
        title={(flow) => (flow ? `${t("ivr.edit")} — ${flow.name}` : t("ivr.new"))}
        add={{ id: "ivr-add", label: t("ivr.add"), onClick: () => open(null) }}
      >
        {(flow) => (
          <FlowEditor
            flow={flow}
            queues={queues}
            calendars={calendars}
            recordings={recordings ?? []}
            onSaved={editor.saved}
            onClose={editor.close}
          />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t("ivr.caption")}
        columns={[
          t("common.name"),
          t("ivr.number"),
          t("ivr.version"),
          t("ivr.stepCount"),
          t("common.actions"),
        ]}
        items={flows}
        row={(f) => (
          <tr data-flow={f.name}>
            <th scope="row">{f.name}</th>
            <td>{f.number}</td>
            <td data-field="version">{f.version}</td>
            <td data-field="steps">{f.steps.length}</td>
            <td>
              <RowActions
                idPrefix={`ivr-${f.id}`}
                name={f.name}
                onEdit={() => open(f)}
                onDelete={() => remove(f)}
              />
            </td>
          </tr>
        )}
      />

      <RecordingsSection recordings={recordings} onChanged={reload} />
    </>
  );
}

// ---- the editor ------------------------------------------------------------------

function FlowEditor({
  flow,
  queues,
  calendars,
  recordings,
  onSaved,
  onClose,
}: {
  flow: IvrFlow | null;
  queues: QueueSettings[];
  calendars: Calendar[];
  recordings: Recording[];
  onSaved: (saved: IvrFlow) => void;
  onClose: () => void;
}) {
  const t = useAdminT();
  const [form, setForm] = useState<FlowForm>(() => formOf(flow));
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  // The last check's answer: its problems, or why it could not run.
  const [checked, setChecked] = useState<{ problems: FlowProblem[] } | { error: string } | null>(
    null,
  );
  const checks = useRef(0);
  const body = useMemo(() => bodyOf(form), [form]);

  // The live check: once typing pauses; only the latest answer counts.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const sequence = ++checks.current;
      // A stored flow is checked as a change of itself (its number is its own).
      const checking = flow ? { ...body, id: flow.id } : body;
      void post<{ problems: FlowProblem[] }>("/api/v1/ivr-flows/check", checking).then((result) => {
        if (sequence !== checks.current) return;
        setChecked(
          result.ok
            ? { problems: result.value.problems }
            : { error: problemFromApi(result.error, t, false).message },
        );
      });
    }, CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [body, flow, t]);

  // The name is the store's, not the flow's: the check does not see it.
  const problems: FlowProblem[] = [
    ...(form.name.trim() ? [] : [{ step: "", field: "name", message: t("error.required") }]),
    ...(checked && "problems" in checked
      ? checked.problems
      : []),
  ];
  const located = problems.map((p) => locate(p, form, t));
  const messagesAt = (stepKey: number | null, field: string) =>
    located.filter((l) => l.stepKey === stepKey && l.field === field).map((l) => l.text);

  const update = (patch: Partial<FlowForm>) => setForm((f) => ({ ...f, ...patch }));
  const setSteps = (steps: (current: StepForm[]) => StepForm[]) =>
    setForm((f) => ({ ...f, steps: steps(f.steps) }));

  const refuse = (problem: FlowProblem) => {
    const where = locate(problem, form, t);
    setFeedback({ kind: "error", problem: { message: where.text } });
    focusProblem(where);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    if (!form.name.trim()) return refuse({ step: "", field: "name", message: t("error.required") });
    setBusy(true);
    const result = flow
      ? await put<IvrFlow>(`/api/v1/ivr-flows/${flow.id}`, body)
      : await post<IvrFlow>("/api/v1/ivr-flows", body);
    setBusy(false);
    if (!result.ok) {
      const problem = problemFromApi(result.error, t);
      return refuse({ step: "", field: problem.field ?? "", message: problem.message });
    }
    setFeedback({ kind: "success", text: fill(t("ivr.saved"), { version: result.value.version }) });
    onSaved(result.value);
  };

  const addStep = () => {
    const used = new Set(form.steps.map((s) => s.id.trim()));
    let n = form.steps.length + 1;
    while (used.has(fill(t("ivr.newStepId"), { n }))) ++n;
    const step = blankStep(fill(t("ivr.newStepId"), { n }));
    setSteps((steps) => [...steps, step]);
    focusLater(stepElement(step.key, "type"));
  };

  // A step removed: what led to it leads nowhere now (the check says where).
  const removeStep = (key: number) => {
    const unlink = (ref: StepRef) => (ref === key ? null : ref);
    setForm((f) => ({
      ...f,
      start: unlink(f.start),
      steps: f.steps
        .filter((s) => s.key !== key)
        .map((s) => ({
          ...s,
          next: unlink(s.next),
          fallback: unlink(s.fallback),
          open: unlink(s.open),
          closed: unlink(s.closed),
          options: s.options.map((o) => ({ ...o, target: unlink(o.target) })),
        })),
    }));
    focusLater(`${PREFIX}-steps`);
  };

  // The focus stays on the button pressed, or on the other one at either end.
  const moveStep = (index: number, by: -1 | 1) => {
    const to = index + by;
    const key = form.steps[index].key;
    setSteps((steps) => {
      const moved = [...steps];
      [moved[index], moved[to]] = [moved[to], moved[index]];
      return moved;
    });
    const atEnd = by < 0 ? to === 0 : to === form.steps.length - 1;
    const button = by < 0 ? (atEnd ? "down" : "up") : atEnd ? "up" : "down";
    focusLater(stepElement(key, button));
  };

  const stepName = (step: StepForm, index: number) => {
    const id = step.id.trim() || fill(t("ivr.unnamedStep"), { n: index + 1 });
    return `${id} — ${t(`ivr.type.${step.type}`)}`;
  };
  const flowError = (field: string) => errorState(messagesAt(null, field));

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-8">
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">
              {t("ivr.general")}
              <span className="fr-hint-text">
                {flow ? fill(t("ivr.savedVersion"), { version: flow.version }) : t("ivr.unsaved")}
              </span>
            </legend>
            <div className="guichet-grid">
              <NameInput
                id={`${PREFIX}-name`}
                {...flowError("name")}
                value={form.name}
                onChange={(name) => update({ name })}
              />
              <Input
                label={t("ivr.number")}
                hintText={t("ivr.numberHint")}
                {...flowError("number")}
                nativeInputProps={{
                  id: `${PREFIX}-number`,
                  name: "number",
                  type: "tel",
                  required: true,
                  maxLength: 32,
                  autoComplete: "off",
                  value: form.number,
                  onChange: (e) => update({ number: e.target.value }),
                }}
              />
              <Select
                label={t("ivr.start")}
                {...flowError("start")}
                nativeSelectProps={{
                  id: `${PREFIX}-start`,
                  name: "start",
                  value: form.start === null ? "" : String(form.start),
                  onChange: (e) =>
                    update({ start: e.target.value ? Number(e.target.value) : null }),
                }}
              >
                <option value="">{t("ivr.startDefault")}</option>
                {form.steps.map((s, i) => (
                  <option key={s.key} value={s.key}>
                    {stepName(s, i)}
                  </option>
                ))}
              </Select>
            </div>
          </fieldset>

          <section aria-labelledby={`${PREFIX}-steps-title`}>
            <h4 id={`${PREFIX}-steps-title`} className="fr-h6 fr-mb-1w">
              {t("ivr.steps")}
            </h4>
            <p className="fr-hint-text">{t("ivr.stepsHint")}</p>
            {form.steps.length === 0 && <p>{t("ivr.noStep")}</p>}
            <ol className="fr-raw-list">
              {form.steps.map((step, index) => (
                <li key={step.key}>
                  <StepEditor
                    step={step}
                    index={index}
                    last={index === form.steps.length - 1}
                    others={form.steps
                      .map((s, i) => ({ key: s.key, label: stepName(s, i) }))
                      .filter((s) => s.key !== step.key)}
                    queues={queues}
                    calendars={calendars}
                    recordings={recordings}
                    problemsAt={(field) => messagesAt(step.key, field)}
                    problemCount={located.filter((l) => l.stepKey === step.key).length}
                    onChange={(patch) =>
                      setSteps((steps) =>
                        steps.map((s) => (s.key === step.key ? { ...s, ...patch } : s)),
                      )
                    }
                    onMove={(by) => moveStep(index, by)}
                    onRemove={() => removeStep(step.key)}
                  />
                </li>
              ))}
            </ol>
            <Button
              id={`${PREFIX}-steps`}
              type="button"
              priority="secondary"
              iconId="fr-icon-add-line"
              className="fr-mb-3w"
              onClick={addStep}
            >
              {t("ivr.addStep")}
            </Button>
          </section>

          <FormButtons onClose={onClose} />
        </div>

        <div className="fr-col-12 fr-col-lg-4">
          <ProblemList
            checking={checked === null}
            error={checked && "error" in checked ? checked.error : null}
            located={located}
          />
        </div>
      </div>
    </form>
  );
}

// The live list of problems: a count announced politely, then each problem
// as a link to its field.
function ProblemList({
  checking,
  error,
  located,
}: {
  checking: boolean;
  error: string | null;
  located: Located[];
}) {
  const t = useAdminT();
  const summary = error
    ? `${t("ivr.checkFailed")} ${error}`
    : checking
      ? t("ivr.problemsChecking")
      : located.length === 0
        ? t("ivr.problemsNone")
        : fill(t("ivr.problemsCount"), { n: located.length });
  return (
    <section
      className="guichet-problems fr-p-2w"
      aria-labelledby={`${PREFIX}-problems-title`}
      data-testid="ivr-problems"
    >
      <h4 id={`${PREFIX}-problems-title`} className="fr-h6 fr-mb-1w">
        {t("ivr.problems")}
      </h4>
      <p className="fr-hint-text">{t("ivr.problemsHint")}</p>
      <p role="status" className="fr-text--sm fr-mb-1w">
        {located.length === 0 && !checking && !error ? (
          <span className="fr-icon-success-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
        ) : (
          located.length > 0 && (
            <span className="fr-icon-warning-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
          )
        )}
        {summary}
      </p>
      {located.length > 0 && (
        <ul className="fr-text--sm">
          {located.map((l, i) => (
            <li key={`${i} ${l.text}`}>
              <a
                className="fr-link fr-link--sm"
                href={`#${l.target}`}
                onClick={(event) => {
                  event.preventDefault();
                  focusProblem(l);
                }}
              >
                {l.text}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ---- one step -------------------------------------------------------------------

function StepEditor({
  step,
  index,
  last,
  others,
  queues,
  calendars,
  recordings,
  problemsAt,
  problemCount,
  onChange,
  onMove,
  onRemove,
}: {
  step: StepForm;
  index: number;
  last: boolean;
  others: { key: number; label: string }[];
  queues: QueueSettings[];
  calendars: Calendar[];
  recordings: Recording[];
  problemsAt: (field: string) => string[];
  problemCount: number;
  onChange: (patch: Partial<StepForm>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const t = useAdminT();
  const idOf = (field: string) => stepElement(step.key, field);
  const name = `${fill(t("ivr.step"), { n: index + 1 })} : ${step.id.trim() || "—"}`;
  const errorOf = (field: string) => errorState(problemsAt(field));

  const textInput = (field: TextField, label: AdminKey, hint: AdminKey | null, area: boolean) =>
    area ? (
      <Input
        key={field}
        textArea
        label={t(label)}
        hintText={hint ? t(hint) : undefined}
        {...errorOf(field)}
        nativeTextAreaProps={{
          id: idOf(field),
          name: field,
          rows: 2,
          maxLength: 1000,
          value: step[field],
          onChange: (e) => onChange({ [field]: e.target.value }),
        }}
      />
    ) : (
      <Input
        key={field}
        label={t(label)}
        hintText={hint ? t(hint) : undefined}
        {...errorOf(field)}
        nativeInputProps={{
          id: idOf(field),
          name: field,
          maxLength: 64,
          autoComplete: "off",
          spellCheck: false,
          value: step[field],
          onChange: (e) => onChange({ [field]: e.target.value }),
        }}
      />
    );

  const numberInput = (
    field: NumberField,
    label: AdminKey,
    hint: AdminKey,
    range: { min: number; max: number },
  ) => (
    <Input
      key={field}
      label={t(label)}
      hintText={t(hint)}
      {...errorOf(field)}
      nativeInputProps={{
        id: idOf(field),
        name: field,
        type: "number",
        inputMode: "numeric",
        step: 1,
        ...range,
        autoComplete: "off",
        value: step[field],
        onChange: (e) => onChange({ [field]: e.target.value }),
      }}
    />
  );

  const stepSelect = (
    field: RefField,
    label: AdminKey,
    hint: AdminKey | null,
    optional: boolean,
  ) => (
    <StepSelect
      key={field}
      id={idOf(field)}
      label={t(label)}
      hint={hint ? t(hint) : undefined}
      value={step[field]}
      others={others}
      optional={optional}
      errors={problemsAt(field)}
      onChange={(ref) => onChange({ [field]: ref })}
    />
  );

  // Voice queues for calls; any queue for voicemails (a message is written
  // work: a task or callback queue). The current choice stays listed.
  const queueSelect = (label: AdminKey, hint: AdminKey, voiceOnly: boolean) => {
    const listed = queues.filter(
      (q) => !voiceOnly || q.channel === "voice" || String(q.id) === step.queue_id,
    );
    const none = voiceOnly && !queues.some((q) => q.channel === "voice");
    return (
      <IdSelect
        key="queue_id"
        id={idOf("queue_id")}
        name="queue_id"
        label={t(label)}
        hint={none ? t("ivr.noVoiceQueue") : t(hint)}
        {...errorOf("queue_id")}
        placeholder={t("ivr.chooseQueue")}
        items={listed}
        itemLabel={(q) =>
          voiceOnly && q.channel === "voice" ? q.name : `${q.name} (${channelLabel(t, q.channel)})`
        }
        value={step.queue_id}
        onChange={(queue_id) => onChange({ queue_id })}
      />
    );
  };

  // What the step says: the choice, then the text or the recording (with a
  // player). For a hang-up, either may stay empty.
  const said = () => {
    const optional = step.type === "hangup";
    const chosen = recordings.find((r) => String(r.id) === step.audio_id);
    return (
      <div key="text">
        <RadioButtons
          id={idOf("said")}
          legend={t("ivr.said")}
          hintText={t("ivr.saidHint")}
          name={idOf("said")}
          orientation="horizontal"
          small
          options={(
            [
              ["text", "ivr.saidText"],
              ["recording", "ivr.saidRecording"],
            ] as const
          ).map(([value, label]) => ({
            label: t(label),
            nativeInputProps: {
              value,
              checked: step.said === value,
              onChange: () => onChange({ said: value }),
            },
          }))}
        />
        {step.said === "text" ? (
          textInput("text", "ivr.text", optional ? "ivr.hangupTextHint" : "ivr.textHint", true)
        ) : (
          <>
            <IdSelect
              id={idOf("audio_id")}
              name="audio_id"
              label={t("ivr.recording")}
              hint={
                recordings.length === 0
                  ? t("ivr.noRecording")
                  : t(optional ? "ivr.hangupTextHint" : "ivr.recordingHint")
              }
              {...errorOf("audio_id")}
              required={!optional}
              placeholder={optional ? t("common.noneMasculine") : t("ivr.chooseRecording")}
              items={recordings}
              itemLabel={recordingLabel}
              value={step.audio_id}
              onChange={(audio_id) => onChange({ audio_id })}
            />
            {chosen && <RecordingPlayer recording={chosen} />}
          </>
        )}
      </div>
    );
  };

  const field = (f: StepField) => {
    switch (f) {
      case "text":
        return said();
      case "invalid_text":
        return textInput("invalid_text", "ivr.invalidText", "ivr.invalidTextHint", true);
      case "attribute":
        return textInput("attribute", "ivr.attribute", "ivr.attributeHint", false);
      case "next":
        return stepSelect("next", "ivr.next", null, false);
      case "fallback":
        return stepSelect("fallback", "ivr.fallback", "ivr.fallbackHint", true);
      case "open":
        return stepSelect("open", "ivr.open", null, false);
      case "closed":
        return stepSelect("closed", "ivr.closed", null, false);
      case "retries":
        return numberInput("retries", "ivr.retries", "ivr.retriesHint", { min: 0, max: 9 });
      case "timeout_s":
        return numberInput(
          "timeout_s",
          "ivr.timeout",
          step.type === "collect" ? "ivr.collectTimeoutHint" : "ivr.menuTimeoutHint",
          { min: 1, max: 60 },
        );
      case "min_digits":
        return numberInput("min_digits", "ivr.minDigits", "ivr.minDigitsHint", { min: 1, max: 40 });
      case "max_digits":
        return numberInput("max_digits", "ivr.maxDigits", "ivr.maxDigitsHint", { min: 1, max: 40 });
      case "priority":
        return numberInput("priority", "ivr.priority", "ivr.priorityHint", {
          min: -1000,
          max: 1000,
        });
      case "max_s":
        return numberInput("max_s", "ivr.maxS", "ivr.maxSHint", { min: 5, max: 600 });
      case "queue_id":
        return step.type === "voicemail"
          ? queueSelect("ivr.voicemailQueue", "ivr.voicemailQueueHint", false)
          : queueSelect("ivr.queue", "ivr.queueHint", true);
      case "calendar_id":
        return (
          <IdSelect
            key="calendar_id"
            id={idOf("calendar_id")}
            name="calendar_id"
            label={t("ivr.calendar")}
            hint={calendars.length === 0 ? t("queues.noCalendar") : undefined}
            {...errorOf("calendar_id")}
            placeholder={t("queues.chooseCalendar")}
            items={calendars}
            value={step.calendar_id}
            onChange={(calendar_id) => onChange({ calendar_id })}
          />
        );
      case "callback_digit":
        return (
          <Select
            key="callback_digit"
            label={t("ivr.callbackDigit")}
            hint={t("ivr.callbackDigitHint")}
            {...errorOf("callback_digit")}
            nativeSelectProps={{
              id: idOf("callback_digit"),
              name: "callback_digit",
              value: step.callback_digit,
              onChange: (e) => onChange({ callback_digit: e.target.value }),
            }}
          >
            <option value="">{t("common.noneFeminine")}</option>
            {KEYS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </Select>
        );
      case "options":
        return (
          <OptionRows
            key="options"
            step={step}
            others={others}
            problemsAt={problemsAt}
            onChange={(options) => onChange({ options })}
          />
        );
    }
  };

  // The text first; short fields side by side; the other texts and the
  // menu's choices a row each.
  const wide = (f: StepField) => f === "text" || f === "invalid_text" || f === "options";
  const fields = FIELDS[step.type];
  const short = fields.filter((f) => !wide(f));
  return (
    <fieldset className="fr-fieldset guichet-step" id={stepElement(step.key)} tabIndex={-1}>
      <legend className="fr-fieldset__legend">
        {name} — {t(`ivr.type.${step.type}`)}
        {problemCount > 0 && (
          <>
            {" "}
            <Badge as="span" severity="warning" small>
              {fill(t("ivr.stepProblems"), { n: problemCount })}
            </Badge>
          </>
        )}
      </legend>
      <div className="guichet-grid">
        <Select
          label={t("ivr.type")}
          {...errorOf("type")}
          nativeSelectProps={{
            id: idOf("type"),
            name: "type",
            value: step.type,
            onChange: (e) => onChange({ type: e.target.value as StepType }),
          }}
        >
          {STEP_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`ivr.type.${type}`)}
            </option>
          ))}
        </Select>
        <Input
          label={t("ivr.stepId")}
          hintText={t("ivr.stepIdHint")}
          {...errorOf("id")}
          nativeInputProps={{
            id: idOf("id"),
            name: "id",
            required: true,
            maxLength: 64,
            autoComplete: "off",
            spellCheck: false,
            value: step.id,
            onChange: (e) => onChange({ id: e.target.value }),
          }}
        />
      </div>
      {fields.includes("text") && <div className="fr-fieldset__element">{field("text")}</div>}
      {short.length > 0 && <div className="guichet-grid">{short.map(field)}</div>}
      {fields
        .filter((f) => wide(f) && f !== "text")
        .map((f) => (
          <div className="fr-fieldset__element" key={f}>
            {field(f)}
          </div>
        ))}
      <div className="fr-fieldset__element">
        <div
          className={
            "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left"
          }
        >
          {index > 0 && (
            <Button
              id={idOf("up")}
              type="button"
              size="small"
              priority="tertiary"
              iconId="fr-icon-arrow-up-line"
              onClick={() => onMove(-1)}
              nativeButtonProps={{ "aria-label": `${t("ivr.moveUp")} — ${name}` }}
            >
              {t("ivr.moveUp")}
            </Button>
          )}
          {!last && (
            <Button
              id={idOf("down")}
              type="button"
              size="small"
              priority="tertiary"
              iconId="fr-icon-arrow-down-line"
              onClick={() => onMove(1)}
              nativeButtonProps={{ "aria-label": `${t("ivr.moveDown")} — ${name}` }}
            >
              {t("ivr.moveDown")}
            </Button>
          )}
          <Button
            type="button"
            size="small"
            priority="tertiary"
            iconId="fr-icon-delete-line"
            onClick={onRemove}
            nativeButtonProps={{ "aria-label": `${t("ivr.removeStep")} — ${name}` }}
          >
            {t("ivr.removeStep")}
          </Button>
        </div>
      </div>
    </fieldset>
  );
}

// A link to another step: the steps listed by id and type.
function StepSelect({
  id,
  label,
  hint,
  value,
  others,
  optional,
  errors,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  value: StepRef;
  others: { key: number; label: string }[];
  optional: boolean;
  errors: string[];
  onChange: (ref: StepRef) => void;
}) {
  const t = useAdminT();
  return (
    <Select
      label={label}
      hint={hint}
      {...errorState(errors)}
      nativeSelectProps={{
        id,
        required: !optional,
        value: value === null ? "" : String(value),
        onChange: (e) => onChange(e.target.value ? Number(e.target.value) : null),
      }}
    >
      <option value="" disabled={!optional}>
        {optional ? t("common.noneFeminine") : t("ivr.chooseStep")}
      </option>
      {others.map((s) => (
        <option key={s.key} value={s.key}>
          {s.label}
        </option>
      ))}
    </Select>
  );
}

// A menu's choices: a key and the step it leads to, per row.
function OptionRows({
  step,
  others,
  problemsAt,
  onChange,
}: {
  step: StepForm;
  others: { key: number; label: string }[];
  problemsAt: (field: string) => string[];
  onChange: (options: OptionRow[]) => void;
}) {
  const t = useAdminT();
  const rows = step.options;
  const free = KEYS.filter((k) => !rows.some((r) => r.digit === k));
  const addId = stepElement(step.key, "options");

  const add = () => {
    onChange([...rows, { key: rowKey(), digit: free[0], target: null }]);
    focusLater(stepElement(step.key, `options.${free[0]}`));
  };
  const removeAt = (index: number) => {
    onChange(rows.filter((_, i) => i !== index));
    focusLater(addId);
  };
  const set = (index: number, patch: Partial<OptionRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const optionsErrors = problemsAt("options");

  return (
    <fieldset
      className="fr-fieldset fr-mb-0"
      aria-describedby={optionsErrors.length ? `${addId}-errors` : undefined}
    >
      <legend className="fr-fieldset__legend fr-text--regular">
        {t("ivr.options")}
        <span className="fr-hint-text">{t("ivr.optionsHint")}</span>
      </legend>
      {rows.map((row, i) => {
        const legend = fill(t("ivr.option"), { n: i + 1 });
        return (
          <div className="fr-fieldset__element" key={row.key}>
            <fieldset className="fr-fieldset fr-mb-0">
              <legend className="fr-fieldset__legend fr-text--regular fr-pb-1v">{legend}</legend>
              <div className="guichet-grid">
                <Select
                  label={t("ivr.key")}
                  nativeSelectProps={{
                    id: stepElement(step.key, `options.${row.digit}-key`),
                    value: row.digit,
                    onChange: (e) => set(i, { digit: e.target.value }),
                  }}
                >
                  {KEYS.filter((k) => k === row.digit || free.includes(k)).map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </Select>
                <StepSelect
                  id={stepElement(step.key, `options.${row.digit}`)}
                  label={t("ivr.optionTarget")}
                  value={row.target}
                  others={others}
                  optional={false}
                  errors={problemsAt(`options.${row.digit}`)}
                  onChange={(target) => set(i, { target })}
                />
              </div>
              <RemoveRowButton legend={legend} onClick={() => removeAt(i)} />
            </fieldset>
          </div>
        );
      })}
      {optionsErrors.length > 0 && (
        <p id={`${addId}-errors`} className="fr-error-text fr-fieldset__element">
          {optionsErrors.join(" ")}
        </p>
      )}
      <div className="fr-fieldset__element">
        <Button
          id={addId}
          type="button"
          size="small"
          priority="secondary"
          iconId="fr-icon-add-line"
          disabled={free.length === 0}
          onClick={add}
        >
          {t("ivr.addOption")}
        </Button>
      </div>
    </fieldset>
  );
}
