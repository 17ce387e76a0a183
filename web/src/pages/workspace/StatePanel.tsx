// The agent's own state (available, paused with a reason, offline) and the
// number their calls ring (telework).
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useRef, useState } from "react";
import { client, settle, type AgentFigures, type Schemas, type User } from "../../api";
import { liveEvents } from "../../events";
import { useLiveReload, useNow } from "../../hooks";
import { currentLang, formatDuration, useT, type TextKey } from "../../i18n";
import { sayError } from "../../errors";

// What moves an agent's figures of the day.
const TODAY_MOVES = new Set(["offered", "completed", "rejected", "offer_timeout"]);

export function StatePanel({
  user,
  pauseReasons,
  inWrapup,
  onState,
}: {
  user: User;
  pauseReasons: Schemas["PauseReason"][];
  inWrapup: boolean;
  onState: (state: AgentFigures["state"]) => void;
}) {
  const { t } = useT();
  const [mine, setMine] = useState<AgentFigures | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const [loadedAt, setLoadedAt] = useState(Date.now());

  const reload = useCallback(() => {
    void settle(client.GET("/api/v1/stats/agents")).then((result) => {
      if (!result.ok) return;
      setMine(result.value.find((a) => a.agent_id === user.id) ?? null);
      setLoadedAt(Date.now());
    });
  }, [user.id]);
  // Read once (and again after a "reset"); then a state change — the
  // agent's own, or a supervisor's — says the new state itself. Today's
  // figures are read again when one of them moves.
  useLiveReload(reload, (e) => e.agent_id === user.id && TODAY_MOVES.has(e.type), 500);
  useEffect(() => {
    if (mine) onState(mine.state);
  }, [mine, onState]);
  const changed = useCallback((state: AgentFigures["state"], why: string) => {
    setMine((current) => current && { ...current, state, reason: why, time_in_state_s: 0 });
    setLoadedAt(Date.now());
  }, []);
  // A change the agent did not make here (a supervisor's, a logout
  // elsewhere) is said in words, not only shown.
  const mineAsked = useRef<{ state: string; at: number }[]>([]);
  const [told, setTold] = useState<string | null>(null);
  useEffect(
    () =>
      liveEvents.subscribe((e) => {
        if (e.type !== "agent_state" || e.agent_id !== user.id || !isAgentState(e.state)) return;
        const recent = mineAsked.current.filter((c) => Date.now() - c.at < 10_000);
        const own = recent.findIndex((c) => c.state === e.state);
        if (own >= 0) recent.splice(own, 1);
        else {
          setTold(
            `${t("state.changedForYou")} : ${t(`state.${e.state}` as TextKey)}${e.reason ? ` — ${e.reason}` : ""}.`,
          );
        }
        mineAsked.current = recent;
        changed(e.state, e.reason ?? "");
      }),
    [user.id, changed, t],
  );

  // One change at a time, in the order chosen: two sent together could
  // reach the server in the other order, and the agent would be left in
  // the state chosen first.
  const sending = useRef<Promise<void>>(Promise.resolve());
  const choose = (state: AgentFigures["state"], why = "") => {
    mineAsked.current = [...mineAsked.current, { state, at: Date.now() }];
    setTold(null);
    sending.current = sending.current.then(async () => {
      setError(null);
      const reason = state === "paused" && why ? { reason: why } : {};
      const result = await settle(
        client.PUT("/api/v1/agents/{id}/state", {
          params: { path: { id: user.id } },
          body: { state, ...reason },
        }),
      );
      if (!result.ok) {
        setError(sayError(result.error, currentLang()));
        return;
      }
      changed(result.value.state, result.value.reason);
    });
    return sending.current;
  };

  if (!mine) {
    return (
      <section className="fr-mb-4w" aria-labelledby="state-title">
        <h2 id="state-title" className="fr-h4">
          {t("state.title")}
        </h2>
        <p>{t("common.loading")}</p>
      </section>
    );
  }
  const since = mine.time_in_state_s + (now - loadedAt) / 1000;
  const wrapping = inWrapup && mine.state === "available";
  const current = mine.state;
  return (
    <section className="fr-mb-4w" aria-labelledby="state-title">
      <h2 id="state-title" className="fr-h4">
        {t("state.title")}
      </h2>
      <p>
        <Badge
          severity={
            wrapping ? "warning" : current === "available" ? "success" : current === "paused" ? "warning" : "info"
          }
        >
          {t(`state.${current}` as TextKey)}
          {mine.reason ? ` — ${mine.reason}` : ""}
          {wrapping ? ` — ${t("state.inWrapup")}` : ""}
        </Badge>{" "}
        <span className="fr-text--sm">{formatDuration(since)}</span>
      </p>
      <dl className="guichet-today fr-text--sm" aria-label={t("today.title")}>
        <div>
          <dt>{t("today.handled")}</dt>
          <dd data-field="handled_today">{mine.handled_today}</dd>
        </div>
        <div>
          <dt>{t("today.offered")}</dt>
          <dd data-field="offered_today">{mine.offered_today}</dd>
        </div>
        <div>
          <dt>{t("today.missed")}</dt>
          <dd data-field="missed_today">{mine.missed_today}</dd>
        </div>
      </dl>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      {told && (
        <Alert
          severity="info"
          small
          description={told}
          closable
          onClose={() => setTold(null)}
          className="fr-mb-2w"
        />
      )}
      {/* Buttons, not radios: a radio group's arrow keys choose as they move,
          and passing "Pause" on the way to "Hors ligne" recorded a real
          pause, with a reason chosen for the agent. A state changes only
          when its button is pressed. */}
      <fieldset className="fr-fieldset" aria-describedby="state-hint">
        <legend className="fr-fieldset__legend fr-text--regular">{t("state.choose")}</legend>
        <p id="state-hint" className="fr-hint-text fr-mb-1w fr-px-1w">
          {t("state.hint")}
        </p>
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-px-1w">
          {(["available", "paused", "offline"] as const).map((state) => (
            <li key={state}>
              <button
                type="button"
                name="agent-state"
                value={state}
                aria-pressed={current === state}
                className={`fr-btn ${current === state ? "" : "fr-btn--secondary"}`}
                onClick={() =>
                  void choose(state, state === "paused" ? reason || pauseReasons[0]?.name || "" : "")
                }
              >
                {t(state === "paused" ? "state.pause" : (`state.${state}` as TextKey))}
              </button>
            </li>
          ))}
        </ul>
      </fieldset>
      {pauseReasons.length > 0 && (
        <Select
          label={t("state.pauseReason")}
          hint={t("state.pauseReasonHint")}
          nativeSelectProps={{
            value: reason || (current === "paused" ? mine.reason : ""),
            onChange: (e) => setReason(e.target.value),
          }}
        >
          <option value="">—</option>
          {pauseReasons.map((r) => (
            <option key={r.id} value={r.name}>
              {r.name}
            </option>
          ))}
        </Select>
      )}
    </section>
  );
}

// ---- phone number (telework) -------------------------------------------------

export function PhonePanel({ user }: { user: User }) {
  const { t } = useT();
  const [phone, setPhone] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    const request = client.GET("/api/v1/agents/{id}", { params: { path: { id: user.id } } });
    void settle(request).then((result) => {
      if (result.ok) setPhone(result.value.phone ?? "");
    });
  }, [user.id]);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await settle(
      client.PUT("/api/v1/agents/{id}/phone", {
        params: { path: { id: user.id } },
        body: { phone: phone.trim() },
      }),
    );
    setMessage(
      result.ok
        ? { ok: true, text: t("phone.saved") }
        : { ok: false, text: sayError(result.error, currentLang()) },
    );
  };

  return (
    <section className="fr-mb-4w" aria-labelledby="phone-title">
      <h2 id="phone-title" className="fr-h4">
        {t("phone.title")}
      </h2>
      <form onSubmit={save}>
        <Input
          label={t("phone.title")}
          hintText={t("phone.hint")}
          state={message && !message.ok ? "error" : message ? "success" : "default"}
          stateRelatedMessage={message?.text}
          nativeInputProps={{
            name: "phone",
            type: "tel",
            autoComplete: "tel",
            value: phone,
            onChange: (e) => setPhone(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary">
          {t("common.save")}
        </Button>
      </form>
    </section>
  );
}

const isAgentState = (state: unknown): state is AgentFigures["state"] =>
  state === "available" || state === "paused" || state === "offline";
