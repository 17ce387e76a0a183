// What an agent holds, as the supervisor sees it from the wallboard: each
// interaction with its citizen's wait, put back in its queue or given to a
// colleague. Five interactions stayed "active" on an agent set offline, and
// no screen showed or reassigned them.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useCallback, useState } from "react";
import { client, settle, type AgentFigures, type Interaction } from "../api";
import { sayError } from "../errors";
import { currentLang, formatDuration, useT, type TextKey } from "../i18n";
import { useLiveReload, useNow } from "../hooks";

export function HeldInteractions({
  agent,
  colleagues,
  queueName,
}: {
  agent: AgentFigures;
  colleagues: AgentFigures[];
  queueName: (id: number) => string;
}) {
  const { t } = useT();
  const now = useNow();
  const [items, setItems] = useState<Interaction[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Record<number, string>>({});
  const reload = useCallback(() => {
    void settle(
      client.GET("/api/v1/agents/{id}/interactions", { params: { path: { id: agent.agent_id } } }),
    ).then((result) => {
      if (result.ok) setItems(result.value);
      else setError(sayError(result.error, currentLang()));
    });
  }, [agent.agent_id]);
  // Read at once, then again when something of this agent's moves.
  useLiveReload(reload, (e) => e.agent_id === agent.agent_id, 300);

  const move = async (item: Interaction, to: { queue_id: number } | { agent_id: number }, said: string) => {
    setError(null);
    setDone(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/transfer", {
        params: { path: { id: item.id } },
        body: to,
      }),
    );
    if (result.ok) {
      setDone(`#${item.id} : ${said}`);
      reload();
    } else setError(sayError(result.error, currentLang()));
  };

  const ready = colleagues.filter((c) => c.agent_id !== agent.agent_id && c.state === "available");
  return (
    <div className="guichet-held" role="region" aria-label={`${t("held.title")} — ${agent.name}`}>
      {error && <Alert severity="error" small description={error} className="fr-mb-1w" />}
      {done && <p className="fr-text--sm fr-mb-1w" role="status">{done}</p>}
      {items === null ? (
        <p className="fr-text--sm">{t("common.loading")}</p>
      ) : items.length === 0 ? (
        <p className="fr-text--sm">{t("held.none")}</p>
      ) : (
        <ul className="guichet-found">
          {items.map((item) => (
            <li key={item.id} data-held={item.id}>
              <span id={`held-${item.id}`}>
                {t(`channel.${item.channel}` as TextKey)} #{item.id} — {queueName(item.queue_id)} —{" "}
                {t(`work.phase.${item.phase ?? "active"}` as TextKey)} —{" "}
                {formatDuration((now - Date.parse(item.enqueued_at)) / 1000)}
              </span>
              {item.phase === "active" && (
                <div className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1v">
                  <Button
                    size="small"
                    priority="secondary"
                    nativeButtonProps={{ "aria-describedby": `held-${item.id}` }}
                    onClick={() => void move(item, { queue_id: item.queue_id }, t("held.requeued"))}
                  >
                    {t("held.requeue")}
                  </Button>
                  <select
                    className="fr-select guichet-held__to"
                    aria-label={`${t("held.giveTo")} — #${item.id}`}
                    value={chosen[item.id] ?? ""}
                    onChange={(e) => setChosen((c) => ({ ...c, [item.id]: e.target.value }))}
                  >
                    <option value="">{t("held.chooseColleague")}</option>
                    {ready.map((c) => (
                      <option key={c.agent_id} value={c.agent_id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                  <Button
                    size="small"
                    priority="tertiary"
                    disabled={!chosen[item.id]}
                    nativeButtonProps={{ "aria-describedby": `held-${item.id}` }}
                    onClick={() =>
                      void move(item, { agent_id: Number(chosen[item.id]) }, t("held.given"))
                    }
                  >
                    {t("held.giveTo")}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
