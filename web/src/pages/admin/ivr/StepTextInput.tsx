// A text a step holds: what it says or says on a wrong key (a text area),
// or the name of what it collects (a line).
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useIvrT, type IvrKey } from "./ivrTexts";
import type { StepForm, TextField } from "./flowForm";
import { errorState, stepElement } from "./flowProblems";

export function StepTextInput({
  step,
  field,
  label,
  hint,
  area,
  errors,
  onChange,
}: {
  step: StepForm;
  field: TextField;
  label: IvrKey;
  hint: IvrKey | null;
  area: boolean;
  errors: string[];
  onChange: (patch: Partial<StepForm>) => void;
}) {
  const t = useIvrT();
  const id = stepElement(step.key, field);
  return area ? (
    <Input
      textArea
      label={t(label)}
      hintText={hint ? t(hint) : undefined}
      {...errorState(errors)}
      nativeTextAreaProps={{
        id,
        name: field,
        rows: 2,
        maxLength: 1000,
        value: step[field],
        onChange: (e) => onChange({ [field]: e.target.value }),
      }}
    />
  ) : (
    <Input
      label={t(label)}
      hintText={hint ? t(hint) : undefined}
      {...errorState(errors)}
      nativeInputProps={{
        id,
        name: field,
        maxLength: 64,
        autoComplete: "off",
        spellCheck: false,
        value: step[field],
        onChange: (e) => onChange({ [field]: e.target.value }),
      }}
    />
  );
}
