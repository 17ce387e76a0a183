// A calendar's weekly hours picked, not typed: a row per day, open or not,
// with its time slots. The API keeps them as text ("mon-fri 08:30-12:30,
// 13:30-17:00; sat 09:00-12:00"), which admins had to type with English
// day names; here the text is read into the week and written back from it.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useAdminT } from "./texts";

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];
export interface Slot {
  open: string; // "08:30"
  close: string;
}
export type Week = Record<Day, Slot[]>;

const DAY_NAMES: Record<"fr" | "en", Record<Day, string>> = {
  fr: { mon: "Lundi", tue: "Mardi", wed: "Mercredi", thu: "Jeudi", fri: "Vendredi", sat: "Samedi", sun: "Dimanche" },
  en: { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" },
};

export const emptyWeek = (): Week => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

// The text as the API keeps it, into the week; null when it is not in the
// form this editor writes (it is then edited as text).
export function parseWeek(text: string): Week | null {
  const week = emptyWeek();
  if (!text.trim()) return week;
  for (const group of text.split(";")) {
    const trimmed = group.trim();
    if (!trimmed) continue;
    const space = trimmed.indexOf(" ");
    if (space < 0) return null;
    const days: Day[] = [];
    for (const part of trimmed.slice(0, space).split(",")) {
      const [from, to] = part.split("-") as [string, string | undefined];
      const a = DAYS.indexOf(from as Day);
      const b = to === undefined ? a : DAYS.indexOf(to as Day);
      if (a < 0 || b < 0 || b < a) return null;
      for (let i = a; i <= b; i++) days.push(DAYS[i]);
    }
    for (const range of trimmed.slice(space + 1).split(",")) {
      const [open, close] = range.trim().split("-");
      if (!open || !close || !TIME.test(open) || !TIME.test(close)) return null;
      for (const day of days) week[day].push({ open, close });
    }
  }
  return week;
}

const slotsText = (slots: Slot[]) => slots.map((s) => `${s.open}-${s.close}`).join(",");

// The week as the API keeps it: consecutive days with the same slots in one
// group ("mon-fri 08:30-12:30,13:30-17:00; sat 09:00-12:00").
export function formatWeek(week: Week): string {
  const groups: string[] = [];
  let i = 0;
  // A day's slots as text, those half filled left out.
  const filled = (day: Day) => slotsText(week[day].filter((s) => s.open && s.close));
  while (i < DAYS.length) {
    const slots = filled(DAYS[i]);
    if (!slots) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < DAYS.length && filled(DAYS[j + 1]) === slots) j++;
    groups.push(`${j > i ? `${DAYS[i]}-${DAYS[j]}` : DAYS[i]} ${slots}`);
    i = j + 1;
  }
  return groups.join("; ");
}

// The hours as people read them: "Lundi à vendredi : 08:30–12:30, 13:30–17:00 ;
// samedi : 09:00–12:00". The text itself when it cannot be read.
export function describeWeek(text: string, lang: "fr" | "en"): string {
  const week = parseWeek(text);
  if (!week) return text;
  const names = DAY_NAMES[lang];
  return formatWeek(week)
    .split("; ")
    .filter(Boolean)
    .map((group) => {
      const [days, slots] = group.split(" ");
      const [a, b] = days.split("-") as [Day, Day | undefined];
      const span = b
        ? `${names[a]} ${lang === "fr" ? "à" : "to"} ${names[b].toLowerCase()}`
        : names[a];
      return `${span} : ${slots.replace(/-/g, "–").replace(/,/g, ", ")}`;
    })
    .join(lang === "fr" ? " ; " : "; ");
}

// The week's editor: a fieldset per day (its name the legend), a box to
// open it, its slots as two time fields each.
export function WeeklyHoursEditor({
  week,
  onChange,
  lang,
  idPrefix,
}: {
  week: Week;
  onChange: (week: Week) => void;
  lang: "fr" | "en";
  idPrefix: string;
}) {
  const t = useAdminT();
  const names = DAY_NAMES[lang];
  const set = (day: Day, slots: Slot[]) => onChange({ ...week, [day]: slots });
  return (
    <div id={`${idPrefix}-hours`} tabIndex={-1}>
      {DAYS.map((day) => {
        const slots = week[day];
        const open = slots.length > 0;
        return (
          <fieldset key={day} className="fr-fieldset fr-mb-1w" aria-label={names[day]}>
            <div className="fr-checkbox-group fr-checkbox-group--sm fr-col-12">
              <input
                type="checkbox"
                id={`${idPrefix}-${day}`}
                checked={open}
                onChange={(e) =>
                  set(day, e.target.checked ? [{ open: "09:00", close: "17:00" }] : [])
                }
              />
              <label className="fr-label" htmlFor={`${idPrefix}-${day}`}>
                {`${t("cal.openOn")} ${names[day].toLowerCase()}`}
              </label>
            </div>
            {slots.map((slot, index) => (
              <div key={index} className="guichet-slot fr-px-1w">
                {(["open", "close"] as const).map((edge) => (
                  <div key={edge}>
                    <label className="fr-label" htmlFor={`${idPrefix}-${day}-${index}-${edge}`}>
                      {`${names[day]}, ${t(edge === "open" ? "cal.from" : "cal.to")}`}
                    </label>
                    <input
                      className="fr-input"
                      type="time"
                      id={`${idPrefix}-${day}-${index}-${edge}`}
                      value={slot[edge]}
                      onChange={(e) =>
                        set(day, slots.map((s, i) => (i === index ? { ...s, [edge]: e.target.value } : s)))
                      }
                    />
                  </div>
                ))}
                {slots.length > 1 && (
                  <Button
                    type="button"
                    priority="tertiary"
                    size="small"
                    onClick={() => set(day, slots.filter((_, i) => i !== index))}
                    nativeButtonProps={{ "aria-label": `${t("cal.removeSlot")} — ${names[day]} ${index + 1}` }}
                  >
                    {t("cal.removeSlot")}
                  </Button>
                )}
              </div>
            ))}
            {open && slots.length < 4 && (
              <Button
                type="button"
                priority="tertiary"
                size="small"
                onClick={() => set(day, [...slots, { open: "14:00", close: "17:00" }])}
                nativeButtonProps={{ "aria-label": `${t("cal.addSlot")} — ${names[day]}` }}
              >
                {t("cal.addSlot")}
              </Button>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
