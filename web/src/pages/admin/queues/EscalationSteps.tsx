// A queue's escalation: steps taken while an interaction waits, a row each —
// after how long, levels relaxed, priority raised, skills dropped.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { Schemas } from "../../../api";
import { errorProps, type Feedback } from "../../../components/feedback";
import { focusLater } from "../../../components/focus";
import { FieldGroup, RemoveRowButton } from "../../../components/formFields";
import { fill, useAdminT, type AdminKey } from "../texts";
import { idOf, rowKey, type StepRow } from "./formState";
import { MAX_PRIORITY } from "./queueSettings";

export function EscalationSteps({
  rows,
  required: requiredSkills,
  skills,
  feedback,
  onChange,
}: {
  rows: StepRow[];
  required: number[];
  skills: Schemas["Skill"][];
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
    <FieldGroup
      id={idOf("escalation")}
      legend={t("queues.escalation")}
      hint={t("queues.escalationHint")}
    >
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
    </FieldGroup>
  );
}
