// A flow's relay provider for deaf, hard-of-hearing and aphasic callers
// (décret 2017-875): its name and page (linked beside the number on the
// service's website), the numbers it calls from, the step its calls start at.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { FieldGroup } from "../../../components/formFields";
import { useIvrT } from "./ivrTexts";
import type { RelayForm, StepRef } from "./flowForm";
import { PREFIX, errorState } from "./flowProblems";
import { StepSelect } from "./StepSelect";

export function RelayFields({
  relay,
  steps,
  errorsAt,
  onChange,
}: {
  relay: RelayForm;
  steps: { key: number; label: string }[];
  errorsAt: (field: string) => string[];
  onChange: (patch: Partial<RelayForm>) => void;
}) {
  const t = useIvrT();
  return (
    <FieldGroup legend={t("ivr.relay")} hint={t("ivr.relayHint")}>
      <div className="guichet-grid">
        <Input
          label={t("ivr.relayName")}
          {...errorState(errorsAt("relay.name"))}
          nativeInputProps={{
            id: `${PREFIX}-relay.name`,
            name: "relay_name",
            maxLength: 100,
            value: relay.name,
            onChange: (e) => onChange({ name: e.target.value }),
          }}
        />
        <Input
          label={t("ivr.relayUrl")}
          {...errorState(errorsAt("relay.url"))}
          nativeInputProps={{
            id: `${PREFIX}-relay.url`,
            name: "relay_url",
            type: "url",
            maxLength: 500,
            value: relay.url,
            onChange: (e) => onChange({ url: e.target.value }),
          }}
        />
        <Input
          textArea
          label={t("ivr.relayCallers")}
          hintText={t("ivr.relayCallersHint")}
          {...errorState(errorsAt("relay.callers"))}
          nativeTextAreaProps={{
            id: `${PREFIX}-relay.callers`,
            name: "relay_callers",
            rows: 2,
            value: relay.callers,
            onChange: (e) => onChange({ callers: e.target.value }),
          }}
        />
        <StepSelect
          id={`${PREFIX}-relay.start`}
          label={t("ivr.relayStart")}
          hint={t("ivr.relayStartHint")}
          value={relay.start}
          others={steps}
          optional
          errors={errorsAt("relay.start")}
          onChange={(start: StepRef) => onChange({ start })}
        />
      </div>
    </FieldGroup>
  );
}
