// Business calendars: weekly hours, time zone, public holidays, closed dates.
// Queues follow them; a change applies at once to those queues.
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useCallback, useState } from "react";
import { client, settle, type Schemas } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
  type Problem,
} from "../../components/feedback";
import { focusField } from "../../components/focus";
import { FormButtons, NameInput } from "../../components/formFields";
import { EditorOrAdd, ListPageHead, byName, useListPage } from "../../components/listPage";
import { fill, useAdminT, type AdminT } from "./texts";
import { currentLang } from "../../i18n";
import { describeWeek, formatWeek, parseWeek, WeeklyHoursEditor, type Week } from "./WeeklyHours";

// Read as it was written: the defaults (time zone, holidays) not filled in.
type Calendar = Schemas["Calendar"];

const labelsOf = (t: AdminT): Record<string, string> => ({
  name: t("common.name"),
  hours: t("cal.hours"),
  time_zone: t("cal.timeZone"),
  french_holidays: t("cal.frenchHolidays"),
  alsace_moselle: t("cal.alsaceMoselle"),
  closed_dates: t("cal.closedDates"),
});

// "2026-12-24" and a real day.
function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

// One date per line (blank lines ignored), checked, sorted, without repeats.
function parseDates(text: string, t: AdminT): string[] | Problem {
  const dates = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; ++i) {
    const line = lines[i].trim();
    if (!line) continue;
    if (!isDate(line)) {
      return { field: "closed_dates", message: fill(t("error.badDate"), { line: i + 1, value: line }) };
    }
    dates.add(line);
  }
  return [...dates].sort();
}

export function CalendarsPage() {
  const t = useAdminT();
  const [calendars, setCalendars] = useState<Calendar[] | null>(null);

  const load = useCallback(async () => {
    const result = await settle(client.GET("/api/v1/calendars"));
    if (result.ok) setCalendars(byName(result.value));
    return [result];
  }, []);

  // The calendar in the panel (null: a new one).
  const page = useListPage<Calendar | null>({
    load,
    openerId: (calendar) => (calendar ? `calendar-${calendar.id}-edit` : "calendar-add"),
    path: "/api/v1/calendars",
  });
  const { editor, open, remove } = page;

  const holidays = (c: Calendar) =>
    c.french_holidays === false
      ? t("cal.holidaysNone")
      : c.alsace_moselle
        ? t("cal.holidaysAlsace")
        : t("cal.holidaysNational");
  const dates = (c: Calendar) => {
    const list = c.closed_dates ?? [];
    if (list.length === 0) return t("common.noneFeminine");
    return list.length <= 4 ? list.join(", ") : fill(t("cal.dates"), { n: list.length });
  };

  return (
    <>
      <ListPageHead page={page} heading={t("admin.calendars")} intro={t("cal.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id="calendar-editor"
        title={(calendar) => (calendar ? `${t("cal.edit")} — ${calendar.name}` : t("cal.new"))}
        add={{ id: "calendar-add", label: t("cal.add"), onClick: () => open(null) }}
      >
        {(calendar) => (
          <CalendarForm calendar={calendar} onSaved={editor.saved} onClose={editor.close} />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t("cal.caption")}
        columns={[
          t("common.name"),
          t("cal.hours"),
          t("cal.timeZone"),
          t("cal.holidays"),
          t("cal.closedDates"),
          t("common.actions"),
        ]}
        items={calendars}
        row={(c) => (
          <tr>
            <th scope="row">{c.name}</th>
            <td>{describeWeek(c.hours, currentLang())}</td>
            <td>{c.time_zone || "Europe/Paris"}</td>
            <td>{holidays(c)}</td>
            <td>{dates(c)}</td>
            <td>
              <RowActions
                idPrefix={`calendar-${c.id}`}
                name={c.name}
                onEdit={() => open(c)}
                onDelete={() => remove(c)}
              />
            </td>
          </tr>
        )}
      />
    </>
  );
}

function CalendarForm({
  calendar,
  onSaved,
  onClose,
}: {
  calendar: Calendar | null;
  onSaved: (saved: Calendar) => void;
  onClose: () => void;
}) {
  const t = useAdminT();
  const prefix = "calendar-editor";
  const [name, setName] = useState(calendar?.name ?? "");
  const [hours, setHours] = useState(calendar?.hours ?? "");
  // Picked day by day; typed only when the stored text is in a form the
  // picker does not write (kept as it is).
  const [week, setWeek] = useState<Week | null>(() =>
    parseWeek(calendar?.hours ?? "mon-fri 09:00-12:00,14:00-17:00"),
  );
  const [timeZone, setTimeZone] = useState(calendar?.time_zone ?? "Europe/Paris");
  const [frenchHolidays, setFrenchHolidays] = useState(calendar?.french_holidays ?? true);
  const [alsaceMoselle, setAlsaceMoselle] = useState(calendar?.alsace_moselle ?? false);
  const [closedDates, setClosedDates] = useState((calendar?.closed_dates ?? []).join("\n"));
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);

  const refuse = (problem: Problem) => {
    setFeedback({ kind: "error", problem });
    focusField(prefix, problem);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    if (!name.trim()) return refuse({ field: "name", message: t("error.required") });
    const weekly = week ? formatWeek(week) : hours.trim();
    if (!weekly) return refuse({ field: "hours", message: t("error.required") });
    const dates = parseDates(closedDates, t);
    if (!Array.isArray(dates)) return refuse(dates);
    const body: Schemas["CalendarInput"] = {
      name: name.trim(),
      hours: weekly,
      ...(timeZone.trim() ? { time_zone: timeZone.trim() } : {}),
      french_holidays: frenchHolidays,
      alsace_moselle: alsaceMoselle,
      ...(dates.length > 0 ? { closed_dates: dates } : {}),
      // Not edited here, but kept: a PUT replaces the whole calendar.
      ...(calendar?.description ? { description: calendar.description } : {}),
    };
    setBusy(true);
    const result = await settle(
      calendar
        ? client.PUT("/api/v1/calendars/{id}", { params: { path: { id: calendar.id } }, body })
        : client.POST("/api/v1/calendars", { body }),
    );
    setBusy(false);
    if (!result.ok) return refuse(problemFromApi(result.error, t));
    setClosedDates(dates.join("\n"));
    setFeedback({ kind: "success", text: t("common.saved") });
    onSaved(result.value);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labelsOf(t)} />
      <NameInput
        id={`${prefix}-name`}
        {...errorProps(feedback, "name")}
        value={name}
        onChange={setName}
      />
      {week ? (
        <fieldset className="fr-fieldset" aria-describedby={`${prefix}-hours-hint`}>
          <legend className="fr-fieldset__legend">{t("cal.hours")}</legend>
          <p id={`${prefix}-hours-hint`} className="fr-hint-text fr-px-1w">
            {formatWeek(week) ? describeWeek(formatWeek(week), currentLang()) : t("cal.closedAllWeek")}
          </p>
          {feedback?.kind === "error" && feedback.problem.field === "hours" && (
            <p className="fr-error-text fr-px-1w">{feedback.problem.message}</p>
          )}
          <WeeklyHoursEditor week={week} onChange={setWeek} lang={currentLang()} idPrefix={prefix} />
        </fieldset>
      ) : (
        <Input
          label={t("cal.hours")}
          hintText={t("cal.hoursHint")}
          {...errorProps(feedback, "hours")}
          nativeInputProps={{
            id: `${prefix}-hours`,
            name: "hours",
            required: true,
            autoComplete: "off",
            spellCheck: false,
            value: hours,
            onChange: (e) => setHours(e.target.value),
          }}
        />
      )}
      <Input
        label={t("cal.timeZone")}
        hintText={t("cal.timeZoneHint")}
        {...errorProps(feedback, "time_zone")}
        nativeInputProps={{
          id: `${prefix}-time_zone`,
          name: "time_zone",
          autoComplete: "off",
          spellCheck: false,
          value: timeZone,
          onChange: (e) => setTimeZone(e.target.value),
        }}
      />
      <Checkbox
        id={`${prefix}-holidays`}
        legend={t("cal.holidaysLegend")}
        options={[
          {
            label: t("cal.frenchHolidays"),
            nativeInputProps: {
              name: "french_holidays",
              checked: frenchHolidays,
              onChange: (e) => setFrenchHolidays(e.target.checked),
            },
          },
          {
            label: t("cal.alsaceMoselle"),
            hintText: t("cal.alsaceMoselleHint"),
            nativeInputProps: {
              name: "alsace_moselle",
              checked: alsaceMoselle,
              onChange: (e) => setAlsaceMoselle(e.target.checked),
            },
          },
        ]}
      />
      <Input
        textArea
        label={t("cal.closedDates")}
        hintText={t("cal.closedDatesHint")}
        {...errorProps(feedback, "closed_dates")}
        nativeTextAreaProps={{
          id: `${prefix}-closed_dates`,
          name: "closed_dates",
          rows: 4,
          autoComplete: "off",
          spellCheck: false,
          value: closedDates,
          onChange: (e) => setClosedDates(e.target.value),
        }}
      />
      <FormButtons onClose={onClose} />
    </form>
  );
}
