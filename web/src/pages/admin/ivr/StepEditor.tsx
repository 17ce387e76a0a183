// One step of an IVR flow: its type and id, the fields its type has (what
// it says first; short fields side by side; the other texts and a menu's
// choices a row each), and the buttons that move or remove it. The step at
// fault in a problem says so.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import type { Queue, Schemas } from "../../../api";
import { IdSelect } from "../../../components/formFields";
import { channelLabel } from "../queues/queueSettings";
import { fill } from "../texts";
import { useIvrT, type IvrKey } from "./ivrTexts";
import {
  FIELDS,
  KEYS,
  STEP_TYPES,
  type NumberField,
  type RefField,
  type StepField,
  type StepForm,
  type StepType,
  type TextField,
} from "./flowForm";
import { errorState, stepElement } from "./flowProblems";
import { OptionRows } from "./OptionRows";
import { SaidFields } from "./SaidFields";
import { StepSelect } from "./StepSelect";
import { StepTextInput } from "./StepTextInput";

export function StepEditor({
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
  queues: Queue[];
  calendars: Schemas["Calendar"][];
  recordings: Schemas["Prompt"][];
  problemsAt: (field: string) => string[];
  problemCount: number;
  onChange: (patch: Partial<StepForm>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const t = useIvrT();
  const idOf = (field: string) => stepElement(step.key, field);
  const name = `${fill(t("ivr.step"), { n: index + 1 })} : ${step.id.trim() || "—"}`;
  const errorOf = (field: string) => errorState(problemsAt(field));

  const textInput = (
    field: TextField,
    label: IvrKey,
    hint: IvrKey | null,
    area: boolean,
  ) => (
    <StepTextInput
      key={field}
      step={step}
      field={field}
      label={label}
      hint={hint}
      area={area}
      errors={problemsAt(field)}
      onChange={onChange}
    />
  );

  const numberInput = (
    field: NumberField,
    label: IvrKey,
    hint: IvrKey,
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
    label: IvrKey,
    hint: IvrKey | null,
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
  const queueSelect = (label: IvrKey, hint: IvrKey, voiceOnly: boolean) => {
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

  const field = (f: StepField) => {
    switch (f) {
      case "text":
        return (
          <SaidFields
            key="text"
            step={step}
            recordings={recordings}
            problemsAt={problemsAt}
            onChange={onChange}
          />
        );
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
