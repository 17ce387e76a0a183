// A menu's choices: a key and the step it leads to, per row.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { focusLater } from "../../../components/focus";
import { RemoveRowButton } from "../../../components/formFields";
import { fill } from "../texts";
import { useIvrT } from "./ivrTexts";
import { KEYS, rowKey, type OptionRow, type StepForm } from "./flowForm";
import { stepElement } from "./flowProblems";
import { StepSelect } from "./StepSelect";

export function OptionRows({
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
  const t = useIvrT();
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
