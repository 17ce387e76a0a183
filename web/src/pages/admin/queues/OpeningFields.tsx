// When a queue is open: always, by its own hours, or by a business
// calendar; and whether it still takes interactions while closed.
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import type { Schemas } from "../../../api";
import { errorProps } from "../../../components/feedback";
import { IdSelect } from "../../../components/formFields";
import { useAdminT } from "../texts";
import { idOf } from "./formState";
import type { FormSection } from "./QueueFields";

export function OpeningFields({
  form,
  feedback,
  update,
  calendars,
}: FormSection & { calendars: Schemas["Calendar"][] }) {
  const t = useAdminT();
  return (
    <>
      <RadioButtons
        id={idOf("opening")}
        legend={t("queues.opening")}
        name="opening"
        orientation="horizontal"
        options={(
          [
            ["always", "queues.openingAlways"],
            ["hours", "queues.openingHours"],
            ["calendar", "queues.openingCalendar"],
          ] as const
        ).map(([value, label]) => ({
          label: t(label),
          nativeInputProps: {
            value,
            checked: form.opening === value,
            onChange: () => update({ opening: value }),
          },
        }))}
      />
      {form.opening === "hours" && (
        <Input
          label={t("queues.hours")}
          hintText={t("cal.hoursHint")}
          {...errorProps(feedback, "hours")}
          nativeInputProps={{
            id: idOf("hours"),
            name: "hours",
            required: true,
            autoComplete: "off",
            spellCheck: false,
            value: form.hours,
            onChange: (e) => update({ hours: e.target.value }),
          }}
        />
      )}
      {form.opening === "calendar" &&
        (calendars.length === 0 && !form.calendar_id ? (
          <p>{t("queues.noCalendar")}</p>
        ) : (
          <IdSelect
            id={idOf("calendar_id")}
            name="calendar_id"
            label={t("queues.calendar")}
            {...errorProps(feedback, "calendar_id")}
            placeholder={t("queues.chooseCalendar")}
            items={calendars}
            value={form.calendar_id}
            onChange={(calendar_id) => update({ calendar_id })}
          />
        ))}
      {form.opening !== "always" && (
        <Checkbox
          className="fr-mb-3w"
          options={[
            {
              label: t("queues.acceptWhenClosed"),
              hintText: t("queues.acceptWhenClosedHint"),
              nativeInputProps: {
                name: "accept_when_closed",
                checked: form.accept_when_closed,
                onChange: (e) => update({ accept_when_closed: e.target.checked }),
              },
            },
          ]}
        />
      )}
    </>
  );
}
