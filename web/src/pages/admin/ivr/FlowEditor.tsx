// The editor of an IVR flow: its name, number and first step, its steps in
// order, and beside them the problems the server finds in the flow as it is
// typed (POST /ivr-flows/check, debounced). The server counts the versions.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useMemo, useRef, useState } from "react";
import { client, settle, type Queue, type Schemas } from "../../../api";
import { FeedbackAlert, problemFromApi, type Feedback } from "../../../components/feedback";
import { focusLater } from "../../../components/focus";
import { FieldGroup, FormButtons, NameInput } from "../../../components/formFields";
import { fill } from "../texts";
import { useIvrT } from "./ivrTexts";
import {
  blankStep,
  bodyOf,
  formOf,
  type FlowForm,
  type FlowProblem,
  type StepForm,
  type StepRef,
} from "./flowForm";
import { PREFIX, errorState, focusProblem, locate, stepElement } from "./flowProblems";
import { ProblemList } from "./ProblemList";
import { RelayFields } from "./RelayFields";
import { StepEditor } from "./StepEditor";

const CHECK_DELAY_MS = 400;

export function FlowEditor({
  flow,
  queues,
  calendars,
  recordings,
  onSaved,
  onClose,
}: {
  flow: Schemas["IvrFlow"] | null;
  queues: Queue[];
  calendars: Schemas["Calendar"][];
  recordings: Schemas["Prompt"][];
  onSaved: (saved: Schemas["IvrFlow"]) => void;
  onClose: () => void;
}) {
  const t = useIvrT();
  const [form, setForm] = useState<FlowForm>(() => formOf(flow));
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  // The last check's answer: its problems, or why it could not run.
  const [checked, setChecked] = useState<{ problems: FlowProblem[] } | { error: string } | null>(
    null,
  );
  const checks = useRef(0);
  const body = useMemo(() => bodyOf(form), [form]);
  // What was last saved (or opened): closing with changes asks first.
  const [savedBody, setSavedBody] = useState(() => JSON.stringify(bodyOf(formOf(flow))));
  const dirty = JSON.stringify(body) !== savedBody;

  // The live check: once typing pauses; only the latest answer counts.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const sequence = ++checks.current;
      // A stored flow is checked as a change of itself (its number is its own).
      const checking = flow ? { ...body, id: flow.id } : body;
      void settle(client.POST("/api/v1/ivr-flows/check", { body: checking })).then((result) => {
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
    const result = await settle(
      flow
        ? client.PUT("/api/v1/ivr-flows/{id}", { params: { path: { id: flow.id } }, body })
        : client.POST("/api/v1/ivr-flows", { body }),
    );
    setBusy(false);
    if (!result.ok) {
      const problem = problemFromApi(result.error, t);
      // The check's own sentence (English), which locate() puts in the
      // user's language with the step it names; the rest as said already.
      const checked = result.error.status === 400 || result.error.status === 409;
      return refuse({
        step: "",
        field: problem.field ?? "",
        message: checked ? result.error.message : problem.message,
      });
    }
    setSavedBody(JSON.stringify(body));
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
      relay: { ...f.relay, start: unlink(f.relay.start) },
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
          <FieldGroup
            legend={t("ivr.general")}
            hint={flow ? fill(t("ivr.savedVersion"), { version: flow.version }) : t("ivr.unsaved")}
          >
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
          </FieldGroup>

          <RelayFields
            relay={form.relay}
            steps={form.steps.map((s, i) => ({ key: s.key, label: stepName(s, i) }))}
            errorsAt={(field) => messagesAt(null, field)}
            onChange={(patch) => update({ relay: { ...form.relay, ...patch } })}
          />

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

          <FormButtons onClose={onClose} dirty={dirty} />
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
