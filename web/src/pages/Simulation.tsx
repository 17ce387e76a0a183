import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useState } from "react";
import { Bar } from "react-chartjs-2";
import { client, isTrafficRow, settle, type Schemas } from "../api";
import { currentLang, formatDuration, formatPercent, useT } from "../i18n";
import { FiguresTable } from "./FiguresTable";
import { sayError } from "../errors";

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

// What-if: today's configuration (queues, agents, their skills) against a
// traffic profile — today's arrivals scaled, or a steady rate — before
// changing anything.
export function Simulation() {
  const { t } = useT();
  const [profile, setProfile] = useState<"today" | "steady">("today");
  const [factor, setFactor] = useState(120);
  const [perHour, setPerHour] = useState(20);
  const [aht, setAht] = useState(180);
  const [patience, setPatience] = useState(120);
  const [agents, setAgents] = useState<"connected" | "all">("connected");
  const [prediction, setPrediction] = useState<Schemas["WhatIfReport"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const arrivals: Record<string, number[]> = {};
    let dayStart = "08:00";
    if (profile === "today") {
      // Today's arrivals per quarter-hour and queue, from the first
      // quarter-hour with traffic (the simulated day starts there).
      const query = { by: "queue", interval: "15" } as const;
      const today = await settle(client.GET("/api/v1/reports/traffic", { params: { query } }));
      const rows = today.ok ? today.value.rows.filter(isTrafficRow) : [];
      if (rows.length > 0) {
        const first = Date.parse(rows[0].start);
        for (const row of rows) {
          const index = Math.round((Date.parse(row.start) - first) / 900_000);
          if (index < 0 || index >= 96) continue;
          (arrivals[row.key] ??= new Array(96).fill(0))[index] = (row.offered * factor) / 100;
        }
        dayStart = new Date(first).toLocaleTimeString("fr-FR", {
          hour: "2-digit",
          minute: "2-digit",
          timeZone: "Europe/Paris",
        });
      }
      if (Object.keys(arrivals).length === 0) {
        setBusy(false);
        setError(t("sim.noTrafficToday"));
        return;
      }
    } else {
      const queues = await settle(client.GET("/api/v1/queues"));
      for (const q of queues.ok ? queues.value : []) arrivals[String(q.id)] = new Array(40).fill(perHour / 4);
    }
    const result = await settle(
      client.POST("/api/v1/simulations", {
        body: {
          arrivals,
          aht_s: aht,
          ...(patience > 0 ? { patience_s: patience } : {}),
          agents,
          day_start: dayStart,
        },
      }),
    );
    setBusy(false);
    if (result.ok) setPrediction(result.value);
    else setError(sayError(result.error, currentLang()));
  };

  const shown = (prediction?.intervals ?? []).filter((i) => i.offered > 0);
  return (
    <section aria-labelledby="sim-title" className="fr-mt-6w">
      <h2 id="sim-title" className="fr-h4">
        {t("sim.title")}
      </h2>
      <p>{t("sim.intro")}</p>
      <form onSubmit={run} aria-label={t("sim.title")}>
        <RadioButtons
          legend={t("sim.profile")}
          name="profile"
          orientation="horizontal"
          options={[
            {
              label: t("sim.today"),
              nativeInputProps: { checked: profile === "today", onChange: () => setProfile("today") },
            },
            {
              label: t("sim.steady"),
              nativeInputProps: { checked: profile === "steady", onChange: () => setProfile("steady") },
            },
          ]}
        />
        <div className="guichet-grid fr-px-0">
          {profile === "today" ? (
            <Input
              label={t("sim.factor")}
              nativeInputProps={{ type: "number", min: 0, max: 1000, value: factor, onChange: (e) => setFactor(Number(e.target.value)) }}
            />
          ) : (
            <Input
              label={t("sim.perHour")}
              nativeInputProps={{ type: "number", min: 0, value: perHour, onChange: (e) => setPerHour(Number(e.target.value)) }}
            />
          )}
          <Input
            label={t("sim.aht")}
            nativeInputProps={{ type: "number", min: 1, value: aht, onChange: (e) => setAht(Number(e.target.value)) }}
          />
          <Input
            label={t("sim.patience")}
            hintText={t("sim.patienceHint")}
            nativeInputProps={{ type: "number", min: 0, value: patience, onChange: (e) => setPatience(Number(e.target.value)) }}
          />
          <Select
            label={t("sim.agents")}
            nativeSelectProps={{ value: agents, onChange: (e) => setAgents(e.target.value as "connected" | "all") }}
          >
            <option value="connected">{t("sim.connected")}</option>
            <option value="all">{t("sim.all")}</option>
          </Select>
        </div>
        <Button type="submit" disabled={busy} iconId="fr-icon-play-line" iconPosition="left">
          {t("sim.run")}
        </Button>
      </form>
      {error && <Alert severity="error" small description={error} className="fr-my-2w" />}
      {prediction && (
        <div className="fr-mt-3w" data-testid="prediction">
          <p role="status">
            {t("sim.result")} : {prediction.agents} {t("wall.agents").toLowerCase()},{" "}
            {prediction.overall.offered} {t("wall.offered").toLowerCase()}, {t("wall.sl").toLowerCase()}{" "}
            <strong>{formatPercent(prediction.overall.service_level)}</strong>, {t("wall.asa").toLowerCase()}{" "}
            {formatDuration(prediction.overall.asa_s)}.
          </p>
          {shown.length > 0 && (
            <div style={{ maxWidth: "60rem", height: "16rem" }}>
              <Bar
                data={{
                  labels: shown.map((i) => clock(i.start_s)),
                  datasets: [
                    {
                      label: t("wall.sl"),
                      data: shown.map((i) => Math.round(i.service_level * 1000) / 10),
                      backgroundColor: "#000091",
                    },
                  ],
                }}
                options={{
                  responsive: true,
                  maintainAspectRatio: false,
                  animation: false,
                  scales: { y: { min: 0, max: 100 } },
                }}
                role="img"
                aria-label={`${t("sim.chart")} : ${formatPercent(prediction.overall.service_level)}`}
              />
            </div>
          )}
          <FiguresTable
            caption={t("sim.chart")}
            moreColumns={[t("wall.asa")]}
            rows={shown.map((i) => ({
              key: i.start_s,
              head: clock(i.start_s),
              cells: [
                i.offered,
                i.answered,
                i.abandoned,
                formatPercent(i.service_level),
                formatDuration(i.asa_s),
              ],
            }))}
          />
        </div>
      )}
    </section>
  );
}
