// Where the problems of a flow are, what they say, and where the focus goes:
// the ids of the editor's elements, each problem found in its step and field,
// and the props that mark a field in error.
import { sayMessage } from "../../../errors";
import { currentLang } from "../../../i18n";
import { fill } from "../texts";
import { type IvrKey, type IvrT } from "./ivrTexts";
import type { FlowForm, FlowProblem } from "./flowForm";

export const PREFIX = "ivr-editor";

export interface Located {
  stepKey: number | null;
  field: string; // the step's field ("text", "options.1") or the flow's ("number")
  target: string; // the id of the element to focus
  text: string; // where, then what
}

export const stepElement = (key: number, field?: string) =>
  field ? `ivr-step-${key}-${field}` : `ivr-step-${key}`;

function fieldLabelOf(field: string, t: IvrT): string | null {
  const labels: Record<string, IvrKey> = {
    name: "common.name",
    number: "ivr.number",
    relay: "ivr.relay",
    "relay.name": "ivr.relayName",
    "relay.url": "ivr.relayUrl",
    "relay.callers": "ivr.relayCallers",
    "relay.start": "ivr.relayStart",
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
export function locate(problem: FlowProblem, form: FlowForm, t: IvrT): Located {
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
  if (field.startsWith("relay.callers[")) field = "relay.callers"; // one box for them all
  const english = problem.message.replace(/^step '[^']*': /, "");
  const lang = currentLang();
  // Known, in the user's language; else as it came (said already, or new).
  const message = sayMessage(english, lang) ?? english;
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
export function errorState(messages: string[]) {
  if (messages.length === 0) return {};
  return { state: "error" as const, stateRelatedMessage: messages.join(" ") };
}

// Focus the field a problem names; its step when the field is not shown.
export function focusProblem(located: Located): void {
  window.setTimeout(() => {
    const element =
      document.getElementById(located.target) ??
      (located.stepKey !== null ? document.getElementById(stepElement(located.stepKey)) : null) ??
      document.getElementById(`${PREFIX}-steps`);
    element?.focus();
  }, 0);
}
