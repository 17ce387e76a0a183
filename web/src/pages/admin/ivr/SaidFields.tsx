// What a step says: the choice between a text for speech synthesis and an
// uploaded recording, then the text or the recording (with a player). For a
// hang-up, either may stay empty.
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import type { Schemas } from "../../../api";
import { IdSelect } from "../../../components/formFields";
import { RecordingPlayer, recordingLabel } from "./Recordings";
import { useIvrT } from "./ivrTexts";
import type { StepForm } from "./flowForm";
import { errorState, stepElement } from "./flowProblems";
import { StepTextInput } from "./StepTextInput";

export function SaidFields({
  step,
  recordings,
  problemsAt,
  onChange,
}: {
  step: StepForm;
  recordings: Schemas["Prompt"][];
  problemsAt: (field: string) => string[];
  onChange: (patch: Partial<StepForm>) => void;
}) {
  const t = useIvrT();
  const idOf = (field: string) => stepElement(step.key, field);
  const optional = step.type === "hangup";
  const chosen = recordings.find((r) => String(r.id) === step.audio_id);
  return (
    <div>
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
        <StepTextInput
          step={step}
          field="text"
          label="ivr.text"
          hint={optional ? "ivr.hangupTextHint" : "ivr.textHint"}
          area
          errors={problemsAt("text")}
          onChange={onChange}
        />
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
            {...errorState(problemsAt("audio_id"))}
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
}
