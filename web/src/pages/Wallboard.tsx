import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Fragment, memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { client, settle, type AgentFigures, type QueueFigures, type Schemas } from "../api";
import { useLiveReload, useLiveStatus } from "../hooks";
import { Since } from "../ticker";
import { currentLang, formatDuration, formatPercent, useT, type TextKey } from "../i18n";
import { AccessibleCoverage } from "./AccessibleCoverage";
import { DeadlinesAtRisk } from "./DeadlinesAtRisk";
import { EmailStatus } from "./EmailStatus";
import { AgentEditor } from "./AgentEditor";
import { HeldInteractions } from "./HeldInteractions";
import { sayError } from "../errors";

type AgentState = AgentFigures["state"];

// The supervisor's live view: figures reloaded after events, coalesced to at
// most two reloads a second whatever the traffic; times in state tick locally.
export function Wallboard() {
  const { t } = useT();
  const connected = useLiveStatus();
  const [queues, setQueues] = useState<QueueFigures[]>([]);
  const [agents, setAgents] = useState<AgentFigures[]>([]);
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const [editing, setEditing] = useState<number | null>(null);
  const [filter, setFilter] = useState("");
  const [team, setTeam] = useState("");
  const [stateShown, setStateShown] = useState<"" | AgentState>("");
  const [opened, setOpened] = useState<Set<number>>(new Set()); // agents whose interactions are shown
  const toggle = useCallback(
    (id: number) =>
      setOpened((shown) => {
        const next = new Set(shown);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const [error, setError] = useState<string | null>(null);
  // Once pause reasons exist a pause needs one: the supervisor's pauses use
  // the reason chosen above the table.
  const [pauseReasons, setPauseReasons] = useState<Schemas["PauseReason"][]>([]);
  const [pauseReason, setPauseReason] = useState("");
  const pauseReasonRef = useRef("");
  pauseReasonRef.current = pauseReason || pauseReasons[0]?.name || "";
  useEffect(() => {
    void settle(client.GET("/api/v1/pause-reasons")).then((result) => {
      if (result.ok) setPauseReasons(result.value);
    });
  }, []);

  // When the figures of an update arrived: its render is measured (User
  // Timing "wallboard-update": arrival to the next frame, in the browser's
  // performance timeline).
  const updateArrived = useRef<number | null>(null);
  const reload = useCallback(() => {
    void Promise.all([
      settle(client.GET("/api/v1/stats/queues")),
      settle(client.GET("/api/v1/stats/agents")),
    ]).then(([q, a]) => {
      updateArrived.current = performance.now();
      if (q.ok) setQueues(q.value);
      if (a.ok) setAgents(a.value);
      setLoadedAt(Date.now());
    });
  }, []);
  useLiveReload(reload, () => true, 500);
  useLayoutEffect(() => {
    const start = updateArrived.current;
    if (start === null) return;
    updateArrived.current = null;
    requestAnimationFrame(() =>
      performance.measure("wallboard-update", { start, end: performance.now() }),
    );
  });

  // A supervisor follows some queues and agents: by a part of their name.
  const needle = filter.trim().toLowerCase();
  const shownQueues = useMemo(
    () => (needle ? queues.filter((q) => q.name.toLowerCase().includes(needle)) : queues),
    [queues, needle],
  );
  // Teams and states narrow the agents: a team leader follows their own.
  const shownAgents = useMemo(
    () =>
      agents.filter(
        (a) =>
          (!needle || a.name.toLowerCase().includes(needle) || a.login.toLowerCase().includes(needle)) &&
          (!team || a.team === team) &&
          (!stateShown || a.state === stateShown),
      ),
    [agents, needle, team, stateShown],
  );
  const teams = useMemo(
    () => [...new Set(agents.map((a) => a.team).filter(Boolean))].sort((x, y) => x.localeCompare(y, "fr")),
    [agents],
  );
  const queueName = useCallback(
    (id: number) => queues.find((q) => q.queue_id === id)?.name ?? `#${id}`,
    [queues],
  );
  const agentName = useCallback(
    (id: number) => agents.find((a) => a.agent_id === id)?.name ?? `#${id}`,
    [agents],
  );

  const byState = useMemo(() => {
    const counts = new Map<string, number>();
    for (const agent of agents) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
    return counts;
  }, [agents]);

  const setState = useCallback(async (agent: AgentFigures, state: AgentState) => {
    setError(null);
    const reason = state === "paused" ? pauseReasonRef.current : "";
    const result = await settle(
      client.PUT("/api/v1/agents/{id}/state", {
        params: { path: { id: agent.agent_id } },
        body: { state, ...(reason ? { reason } : {}) },
      }),
    );
    if (!result.ok) setError(sayError(result.error, currentLang()));
  }, []);

  return (
    <>
      <h1>
        {t("wall.title")}{" "}
        <Badge severity={connected ? "success" : "error"} small>
          {connected ? t("common.live") : t("common.offline")}
        </Badge>
      </h1>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      <Input
        label={t("wall.filter")}
        hintText={t("wall.filterHint")}
        nativeInputProps={{
          type: "search",
          value: filter,
          onChange: (e) => setFilter(e.target.value),
        }}
      />
      <div className="fr-grid-row fr-grid-row--gutters">
        {teams.length > 0 && (
          <div className="fr-col-12 fr-col-md-6">
            <Select
              label={t("wall.team")}
              nativeSelectProps={{ value: team, onChange: (e) => setTeam(e.target.value) }}
            >
              <option value="">{t("wall.allTeams")}</option>
              {teams.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
          </div>
        )}
        <div className="fr-col-12 fr-col-md-6">
          <Select
            label={t("wall.stateFilter")}
            nativeSelectProps={{
              value: stateShown,
              onChange: (e) => setStateShown(e.target.value as "" | AgentState),
            }}
          >
            <option value="">{t("wall.allStates")}</option>
            {(["available", "paused", "offline"] as const).map((state) => (
              <option key={state} value={state}>
                {t(`state.${state}` as TextKey)}
              </option>
            ))}
          </Select>
        </div>
      </div>

      <section aria-labelledby="wall-queues" className="fr-mt-3w">
        <h2 id="wall-queues" className="fr-h4">
          {t("wall.queues")}
        </h2>
        <div className="fr-table fr-table--bordered" data-testid="queues">
          <table>
            <caption className="fr-sr-only">{t("wall.queues")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("wall.queue")}</th>
                <th scope="col">{t("wall.waiting")}</th>
                <th scope="col">{t("wall.longest")}</th>
                <th scope="col">{t("wall.ready")}</th>
                <th scope="col">{t("wall.offered")}</th>
                <th scope="col">{t("wall.answered")}</th>
                <th scope="col">{t("wall.abandoned")}</th>
                <th scope="col">
                  {t("wall.sl")} / {t("wall.target")}
                </th>
                <th scope="col">{t("wall.asa")}</th>
              </tr>
            </thead>
            <tbody>
              {shownQueues.map((q) => (
                <QueueRow
                  key={q.queue_id}
                  queue={q}
                  // To the second: the same longest wait is the same instant,
                  // and the row is not re-rendered for it.
                  longestSince={Math.round((loadedAt - q.longest_wait_s * 1000) / 1000) * 1000}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="wall-agents" className="fr-mt-4w">
        <h2 id="wall-agents" className="fr-h4">
          {t("wall.agents")}
        </h2>
        <p aria-label={t("wall.byState")}>
          {["available", "paused", "offline"].map((state) => (
            <span key={state} className="fr-mr-2w">
              <Badge severity={state === "available" ? "success" : state === "paused" ? "warning" : "info"}>
                {t(`state.${state}` as TextKey)} : {byState.get(state) ?? 0}
              </Badge>
            </span>
          ))}
        </p>
        {pauseReasons.length > 0 && (
          <Select
            label={t("wall.pauseReason")}
            nativeSelectProps={{
              value: pauseReason || pauseReasons[0]?.name,
              onChange: (e) => setPauseReason(e.target.value),
            }}
          >
            {pauseReasons.map((r) => (
              <option key={r.id} value={r.name}>
                {r.name}
              </option>
            ))}
          </Select>
        )}
        {editing !== null && (
          <AgentEditor agentId={editing} onClose={() => setEditing(null)} />
        )}
        <div className="fr-table fr-table--bordered fr-table--layout-fixed" data-testid="agents">
          <table>
            <caption className="fr-sr-only">{t("wall.agents")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("wall.agent")}</th>
                <th scope="col">{t("wall.state")}</th>
                <th scope="col">{t("wall.since")}</th>
                <th scope="col">{t("wall.inHand")}</th>
                <th scope="col">{t("wall.handled")}</th>
                <th scope="col">{t("wall.missed")}</th>
                <th scope="col">{t("wall.setState")}</th>
              </tr>
            </thead>
            <tbody>
              {shownAgents.map((a) => (
                <Fragment key={a.agent_id}>
                  <AgentRow
                    agent={a}
                    onState={setState}
                    onEdit={setEditing}
                    opened={opened.has(a.agent_id)}
                    onToggle={toggle}
                  />
                  {opened.has(a.agent_id) && (
                    <tr>
                      <td colSpan={7}>
                        <HeldInteractions agent={a} colleagues={agents} queueName={queueName} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <AccessibleCoverage />
      <DeadlinesAtRisk queueName={queueName} agentName={agentName} />
      <EmailStatus />
    </>
  );
}

// One queue's row: re-rendered only when its figures change (an update
// touches some of 200); its longest wait ticks by itself. DSFR's badge as
// markup, not react-dsfr's component (its hooks cost, a hundred rows over).
const QueueRow = memo(
  function QueueRow({ queue: q, longestSince }: { queue: QueueFigures; longestSince: number }) {
    const { t } = useT();
    return (
      <tr data-queue={q.name}>
        <th scope="row">{q.name}</th>
        <td data-field="waiting">{q.waiting}</td>
        <td data-field="longest">{q.waiting > 0 ? <Since since={longestSince} /> : "—"}</td>
        <td>{q.ready_agents}</td>
        <td>{q.offered_today}</td>
        <td>{q.answered_today}</td>
        <td>{q.abandoned_today}</td>
        <td data-field="service-level">
          {/* No traffic today: no level to colour green. */}
          {q.offered_today > 0 ? (
            <span
              className={`fr-badge fr-badge--sm fr-badge--${levelSeverity(q.service_level_today, q.service_level_target)}`}
            >
              {formatPercent(q.service_level_today)}
            </span>
          ) : (
            <span title={t("wall.noTraffic")}>—</span>
          )}{" "}
          / {formatPercent(q.service_level_target)}
        </td>
        <td>{q.answered_today > 0 ? formatDuration(q.asa_s) : "—"}</td>
      </tr>
    );
  },
  (before, after) => {
    const x = before.queue;
    const y = after.queue;
    return (
      before.longestSince === after.longestSince &&
      x.name === y.name &&
      x.waiting === y.waiting &&
      x.ready_agents === y.ready_agents &&
      x.offered_today === y.offered_today &&
      x.answered_today === y.answered_today &&
      x.abandoned_today === y.abandoned_today &&
      x.service_level_today === y.service_level_today &&
      x.service_level_target === y.service_level_target &&
      x.asa_s === y.asa_s
    );
  },
);

// One agent's row: re-rendered only when its figures change (an update
// touches a few rows of thousands); its time in state ticks by itself.
const AgentRow = memo(
  function AgentRow({
    agent: a,
    onState,
    onEdit,
    opened,
    onToggle,
  }: {
    agent: AgentFigures;
    onState: (agent: AgentFigures, state: AgentState) => Promise<void>;
    onEdit: (id: number) => void;
    opened: boolean;
    onToggle: (id: number) => void;
  }) {
    const { t } = useT();
    const since = a.state_since ? Date.parse(a.state_since) : Date.now() - a.time_in_state_s * 1000;
    return (
      <tr data-agent={a.name}>
        <th scope="row">
          {a.name}
          {a.team && <span className="fr-text--xs fr-mb-0 guichet-team">{a.team}</span>}
        </th>
        <td data-field="state">
          {t(`state.${a.state}` as TextKey)}
          {a.reason ? ` — ${a.reason}` : ""}
        </td>
        <td data-field="since">
          <Since since={since} />
        </td>
        <td data-field="in-hand">
          {a.interactions_in_hand > 0 || opened ? (
            // Plain (not DSFR's fr-link, whose underline is an animated
            // background): 2,000 of them restyle on each update.
            <button
              type="button"
              className="guichet-in-hand"
              aria-expanded={opened}
              aria-label={`${a.interactions_in_hand} — ${t("held.show")} : ${t("held.title")} — ${a.name}`}
              onClick={() => onToggle(a.agent_id)}
            >
              {a.interactions_in_hand} — {t("held.show")}
            </button>
          ) : (
            a.interactions_in_hand
          )}
        </td>
        <td>{a.handled_today}</td>
        <td>{a.missed_today}</td>
        <td>
          {/* Plain buttons with DSFR's classes, not react-dsfr's Button:
              thousands of rows, and an update re-renders hundreds of them
              (the component's hooks and class building cost the most). */}
          <div className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
            {a.state !== "paused" && a.state !== "offline" && (
              <button
                type="button"
                className="fr-btn fr-btn--sm fr-btn--tertiary"
                onClick={() => void onState(a, "paused")}
                aria-label={`${t("state.pause")} — ${a.name}`}
              >
                {t("state.pause")}
              </button>
            )}
            {a.state !== "offline" && (
              <button
                type="button"
                className="fr-btn fr-btn--sm fr-btn--tertiary"
                onClick={() => void onState(a, "offline")}
                aria-label={`${t("state.offline")} — ${a.name}`}
              >
                {t("state.offline")}
              </button>
            )}
            <button
              type="button"
              className="fr-btn fr-btn--sm fr-btn--secondary"
              onClick={() => onEdit(a.agent_id)}
              aria-label={`${t("common.edit")} — ${a.name}`}
            >
              {t("common.edit")}
            </button>
          </div>
        </td>
      </tr>
    );
  },
  (before, after) => {
    const x = before.agent;
    const y = after.agent;
    return (
      before.onState === after.onState &&
      before.onEdit === after.onEdit &&
      before.opened === after.opened &&
      before.onToggle === after.onToggle &&
      x.team === y.team &&
      x.state === y.state &&
      x.reason === y.reason &&
      x.state_since === y.state_since &&
      x.interactions_in_hand === y.interactions_in_hand &&
      x.handled_today === y.handled_today &&
      x.missed_today === y.missed_today &&
      x.name === y.name
    );
  },
);

// Coloured by the queue's own target: met, within 10 points of it, or short.
function levelSeverity(level: number, target: number): "success" | "warning" | "error" {
  if (level >= target) return "success";
  return level >= target - 0.1 ? "warning" : "error";
}
