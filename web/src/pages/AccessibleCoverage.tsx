// Accessible reception on the supervisor's wallboard (décret 2017-875): the
// real-time text channel's hours against its phone line's this week, and
// today's coverage by the agents trained for it — where nobody was. Nothing
// shown where no queue is real-time text.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { useEffect, useState } from "react";
import { client, settle, type Schemas } from "../api";
import { currentLang, formatDuration, formatPercent, useT } from "../i18n";

type Coverage = Schemas["AccessibleCoverage"]["queues"][number];
type Stretch = Schemas["Stretch"];

const RELOAD_MS = 60_000;

// Hours in the service's time zone, wherever the supervisor's browser is.
let timeZone = "Europe/Paris";

function hour(iso: string): string {
  return new Date(iso).toLocaleTimeString(currentLang() === "fr" ? "fr-FR" : "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
}

function stretchesText(stretches: Stretch[], closed: string): string {
  return stretches.length === 0 ? closed : stretches.map((s) => `${hour(s.from)}–${hour(s.to)}`).join(", ");
}

function dayText(date: string): string {
  // A local day: noon keeps it that day whatever the browser's zone.
  return new Date(`${date}T12:00:00`).toLocaleDateString(currentLang() === "fr" ? "fr-FR" : "en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
  });
}

export function AccessibleCoverage() {
  const [queues, setQueues] = useState<Coverage[]>([]);
  useEffect(() => {
    const load = () =>
      void settle(client.GET("/api/v1/stats/accessible")).then((result) => {
        if (!result.ok) return;
        timeZone = result.value.time_zone;
        setQueues(result.value.queues);
      });
    load();
    const timer = window.setInterval(load, RELOAD_MS);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <>
      {queues.map((q) => (
        <QueueCoverage key={q.queue_id} coverage={q} />
      ))}
    </>
  );
}

function QueueCoverage({ coverage: c }: { coverage: Coverage }) {
  const { t } = useT();
  const id = `wall-accessible-${c.queue_id}`;
  const share = c.open_today_s > 0 ? c.covered_today_s / c.open_today_s : 1;
  return (
    <section aria-labelledby={id} className="fr-mt-4w">
      <h2 id={id} className="fr-h4">
        {t("coverage.title")} — {c.name}
      </h2>
      <p>
        {t("coverage.today")
          .replace("{since}", hour(c.since))
          .replace("{open}", formatDuration(c.open_today_s))
          .replace("{covered}", formatDuration(c.covered_today_s))
          .replace("{share}", formatPercent(share))}{" "}
        {t("coverage.trained")
          .replace("{now}", String(c.trained_signed_in))
          .replace("{all}", String(c.trained))}
      </p>
      {c.trained === 0 && (
        <p>
          <Badge severity="error">{t("coverage.nobodyTrained")}</Badge>
        </p>
      )}
      <p>
        {c.gaps_today.length === 0
          ? t("coverage.noGap")
          : `${t("coverage.gaps")} ${stretchesText(c.gaps_today, "")}`}
      </p>
      <div className="fr-table fr-table--bordered">
        <table>
          <caption>{t("coverage.week")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("coverage.day")}</th>
              <th scope="col">
                {t("coverage.phone")}
                {c.phone_queue_name ? ` (${c.phone_queue_name})` : ""}
              </th>
              <th scope="col">{t("coverage.accessible")}</th>
            </tr>
          </thead>
          <tbody>
            {c.week.map((day) => {
              const phone = stretchesText(day.phone, t("coverage.closed"));
              const accessible = stretchesText(day.accessible, t("coverage.closed"));
              return (
                <tr key={day.date}>
                  <th scope="row">{dayText(day.date)}</th>
                  <td>{c.phone_queue_id ? phone : t("coverage.noLine")}</td>
                  <td>{accessible}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
