// The skills a queue requires of its agents, a row each: a skill and its
// minimal level.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Select } from "@codegouvfr/react-dsfr/Select";
import type { Schemas } from "../../../api";
import { errorProps, type Feedback } from "../../../components/feedback";
import { focusLater } from "../../../components/focus";
import { FieldGroup, IdSelect, RemoveRowButton } from "../../../components/formFields";
import { fill, useAdminT } from "../texts";
import { idOf, rowKey, type RequirementRow } from "./formState";

export function SkillRequirements({
  rows,
  skills,
  feedback,
  onChange,
}: {
  rows: RequirementRow[];
  skills: Schemas["Skill"][];
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
    <FieldGroup id={idOf("skills")} legend={t("queues.skills")} hint={t("queues.skillsHint")}>
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
    </FieldGroup>
  );
}
