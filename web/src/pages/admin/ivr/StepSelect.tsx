// A link from a step to another: the steps listed by id and type.
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useIvrT } from "./ivrTexts";
import type { StepRef } from "./flowForm";
import { errorState } from "./flowProblems";

export function StepSelect({
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
  const t = useIvrT();
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
