import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Bar } from "react-chartjs-2";
import {
  client,
  isTrafficRow,
  settle,
  trafficCsvHref,
  type TrafficReport,
} from "../api";
import { useLiveReload } from "../hooks";
import { currentLang, formatDuration, formatPercent, useT, type TextKey } from "../i18n";
import { FiguresTable } from "./FiguresTable";
import { Simulation } from "./Simulation";
import { sayError } from "../errors";

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);
// The interface's font in the charts too, once it is loaded.
void document.fonts?.ready.then(() => {
  ChartJS.defaults.font.family = "Marianne, arial, sans-serif";
});

// A report's choices, as their selects offer them.
type By = TrafficReport["by"];
type Interval = TrafficReport["interval"];
const BY: readonly By[] = ["queue", "channel", "agent"];
const INTERVALS: readonly Interval[] = ["total", "day", "60", "15"];

// A select's value as one of its options, which are `values`.
function oneOf<T extends string>(values: readonly T[], value: string): T {
  return values.find((v) => v === value) ?? values[0];
}

// Times in the service's time zone (the report's), whatever the browser's.
function localTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone });
}

// Today in the service's time zone (its reports' days), not the browser's:
// a supervisor abroad, or a browser set to UTC, asked for the wrong day
// around midnight and saw an empty history. "2026-12-07".
function serviceDay(timeZone = "Europe/Paris"): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
}

export function Reports() {
  const { t } = useT();
  return (
    <>
      <h1>{t("reports.title")}</h1>
      <TodayChart />
      <History />
      <Simulation />
    </>
  );
}

// Today, per quarter-hour, all queues or one: reloaded as interactions end.
function TodayChart() {
  const { t } = useT();
  const [report, setReport] = useState<TrafficReport | null>(null);
  const [queue, setQueue] = useState("");

  const reload = useCallback(() => {
    const query = { by: "queue", interval: "15" } as const;
    void settle(client.GET("/api/v1/reports/traffic", { params: { query } })).then((result) => {
      if (result.ok) setReport(result.value);
    });
  }, []);
  useLiveReload(reload, (e) => ["queued", "accepted", "abandoned"].includes(e.type), 2000);

  const queues = useMemo(
    () => [...new Map((report?.rows ?? []).map((r) => [r.key, r.name])).entries()],
    [report],
  );
  // Sum per quarter-hour over the chosen queues.
  const buckets = useMemo(() => {
    const sums = new Map<string, { offered: number; answered: number; abandoned: number; inThreshold: number }>();
    for (const row of (report?.rows ?? []).filter(isTrafficRow)) {
      if (queue && row.key !== queue) continue;
      const sum = sums.get(row.start) ?? { offered: 0, answered: 0, abandoned: 0, inThreshold: 0 };
      sum.offered += row.offered;
      sum.answered += row.answered;
      sum.abandoned += row.abandoned;
      sum.inThreshold += row.answered_in_threshold;
      sums.set(row.start, sum);
    }
    return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [report, queue]);

  const zone = report?.time_zone ?? "Europe/Paris";
  const labels = buckets.map(([start]) => localTime(start, zone));
  const data = {
    labels,
    datasets: [
      { label: t("wall.offered"), data: buckets.map(([, s]) => s.offered), backgroundColor: "#000091" },
      { label: t("wall.answered"), data: buckets.map(([, s]) => s.answered), backgroundColor: "#18753c" },
      { label: t("wall.abandoned"), data: buckets.map(([, s]) => s.abandoned), backgroundColor: "#ce0500" },
    ],
  };
  const total = buckets.reduce((n, [, s]) => n + s.offered, 0);
  return (
    <section aria-labelledby="today-title" className="fr-mb-6w">
      <h2 id="today-title" className="fr-h4">
        {t("reports.today")}
      </h2>
      <Select
        label={t("wall.queue")}
        nativeSelectProps={{ value: queue, onChange: (e) => setQueue(e.target.value) }}
      >
        <option value="">{t("reports.allQueues")}</option>
        {queues.map(([key, name]) => (
          <option key={key} value={key}>
            {name}
          </option>
        ))}
      </Select>
      {buckets.length === 0 ? (
        <p>{t("reports.nothingToday")}</p>
      ) : (
        <>
          <div style={{ maxWidth: "60rem", height: "18rem" }}>
            <Bar
              data={data}
              options={{ responsive: true, maintainAspectRatio: false, animation: false }}
              role="img"
              aria-label={`${t("reports.today")} : ${total} ${t("wall.offered").toLowerCase()}`}
            />
          </div>
          <FiguresTable
            caption={t("reports.today")}
            rows={buckets.map(([start, s]) => ({
              key: start,
              head: localTime(start, zone),
              cells: [
                s.offered,
                s.answered,
                s.abandoned,
                s.answered + s.abandoned > 0
                  ? formatPercent(s.inThreshold / (s.answered + s.abandoned))
                  : "—",
              ],
            }))}
          />
        </>
      )}
    </section>
  );
}

// A date range, per queue, channel or agent; shown and exported as CSV.
function History() {
  const { t } = useT();
  const [from, setFrom] = useState(serviceDay());
  const [to, setTo] = useState(serviceDay());
  const [by, setBy] = useState<By>("queue");
  const [interval, setInterval] = useState<Interval>("day");
  const [report, setReport] = useState<TrafficReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const query = { from, to, by, interval };
  const load = async (event?: React.FormEvent) => {
    event?.preventDefault();
    setError(null);
    const result = await settle(client.GET("/api/v1/reports/traffic", { params: { query } }));
    if (result.ok) setReport(result.value);
    else setError(sayError(result.error, currentLang()));
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const agents = report?.by === "agent";
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title" className="fr-h4">
        {t("reports.history")}
      </h2>
      <form onSubmit={load} aria-label={t("reports.history")}>
        <div className="guichet-grid fr-px-0">
        <Input label={t("reports.from")} nativeInputProps={{ type: "date", value: from, required: true, onChange: (e) => setFrom(e.target.value) }} />
        <Input label={t("reports.to")} nativeInputProps={{ type: "date", value: to, required: true, onChange: (e) => setTo(e.target.value) }} />
        <Select label={t("reports.by")} nativeSelectProps={{ value: by, onChange: (e) => setBy(oneOf(BY, e.target.value)) }}>
          <option value="queue">{t("reports.byQueue")}</option>
          <option value="channel">{t("reports.byChannel")}</option>
          <option value="agent">{t("reports.byAgent")}</option>
        </Select>
        <Select label={t("reports.interval")} nativeSelectProps={{ value: interval, onChange: (e) => setInterval(oneOf(INTERVALS, e.target.value)) }}>
          <option value="total">{t("reports.total")}</option>
          <option value="day">{t("reports.perDay")}</option>
          <option value="60">{t("reports.perHour")}</option>
          <option value="15">{t("reports.perQuarter")}</option>
        </Select>
        </div>
        <div className="fr-btns-group fr-btns-group--inline">
          <Button type="submit">{t("reports.show")}</Button>
          <Button
            priority="secondary"
            iconId="fr-icon-download-line"
            iconPosition="left"
            linkProps={{ href: trafficCsvHref(query, "csv-fr"), download: true }}
          >
            {t("reports.csvSpreadsheet")}
          </Button>
          <Button
            priority="tertiary"
            iconId="fr-icon-download-line"
            iconPosition="left"
            linkProps={{ href: trafficCsvHref(query, "csv"), download: true }}
          >
            {t("reports.csv")}
          </Button>
        </div>
      </form>
      {error && <Alert severity="error" small description={error} className="fr-my-2w" />}
      {report && (
        <div className="fr-table fr-table--bordered fr-mt-2w" data-testid="history">
          <table>
            <caption className="fr-sr-only">{t("reports.history")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.start")}</th>
                <th scope="col">{t(`reports.${report.by}` as TextKey)}</th>
                {agents ? (
                  <>
                    <th scope="col">{t("reports.offers")}</th>
                    <th scope="col">{t("reports.accepted")}</th>
                    <th scope="col">{t("wall.missed")}</th>
                    <th scope="col">{t("wall.handled")}</th>
                  </>
                ) : (
                  <>
                    <th scope="col">{t("wall.offered")}</th>
                    <th scope="col">{t("wall.answered")}</th>
                    <th scope="col">{t("wall.abandoned")}</th>
                    <th scope="col">{t("wall.sl")}</th>
                    <th scope="col">{t("wall.asa")}</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={`${row.start}-${row.key}`}>
                  <td>
                    {new Date(row.start).toLocaleString([], {
                      dateStyle: "short",
                      timeStyle: "short",
                      timeZone: report.time_zone,
                    })}
                  </td>
                  <th scope="row">
                    {report.by === "channel" ? t(`channel.${row.key}` as TextKey) : row.name}
                  </th>
                  {"offers" in row ? (
                    <>
                      <td>{row.offers}</td>
                      <td>{row.accepted}</td>
                      <td>{row.missed}</td>
                      <td>{row.completed}</td>
                    </>
                  ) : (
                    <>
                      <td>{row.offered}</td>
                      <td>{row.answered}</td>
                      <td>{row.abandoned}</td>
                      <td>{row.service_level == null ? "—" : formatPercent(row.service_level)}</td>
                      <td>{formatDuration(row.asa_s)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {report.rows.length === 0 && <p>{t("reports.empty")}</p>}
        </div>
      )}
    </section>
  );
}
