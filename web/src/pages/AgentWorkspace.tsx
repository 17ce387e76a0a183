import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { useCallback, useEffect, useState } from "react";
import {
  client,
  settle,
  type AgentFigures,
  type Interaction,
  type Named,
  type Queue,
  type Schemas,
  type User,
} from "../api";
import { useLiveStatus } from "../hooks";
import { useT } from "../i18n";
import { DeskHelp } from "./workspace/DeskHelp";
import { Offers } from "./workspace/Offers";
import { PhonePanel, StatePanel } from "./workspace/StatePanel";
import { WorkList } from "./workspace/WorkList";

// Names of queues, colleagues, codes: loaded once per visit.
export interface Lookups {
  queues: Queue[];
  colleagues: Named[];
  wrapupCodes: Schemas["WrapupCode"][];
  pauseReasons: Schemas["PauseReason"][];
  canned: Schemas["CannedResponse"][];
}

export function AgentWorkspace({ user }: { user: User }) {
  const { t } = useT();
  const connected = useLiveStatus();
  const [lookups, setLookups] = useState<Lookups>({
    queues: [],
    colleagues: [],
    wrapupCodes: [],
    pauseReasons: [],
    canned: [],
  });

  useEffect(() => {
    void (async () => {
      const [queues, agents, codes, reasons, canned] = await Promise.all([
        settle(client.GET("/api/v1/queues")),
        settle(client.GET("/api/v1/stats/agents")),
        settle(client.GET("/api/v1/wrapup-codes")),
        settle(client.GET("/api/v1/pause-reasons")),
        settle(client.GET("/api/v1/canned-responses")),
      ]);
      setLookups({
        queues: queues.ok ? queues.value : [],
        colleagues: agents.ok
          ? agents.value
              .filter((a) => a.agent_id !== user.id)
              .map((a) => ({ id: a.agent_id, name: a.name }))
          : [],
        wrapupCodes: codes.ok ? codes.value : [],
        pauseReasons: reasons.ok ? reasons.value : [],
        canned: canned.ok ? canned.value : [],
      });
    })();
  }, [user.id]);

  const agentName = useCallback(
    (id: number) => lookups.colleagues.find((a) => a.id === id)?.name ?? `#${id}`,
    [lookups.colleagues],
  );
  const queueName = useCallback(
    (id: number) => lookups.queues.find((q) => q.id === id)?.name ?? `#${id}`,
    [lookups.queues],
  );
  // What the panels tell each other: the agent's state (the work list's
  // empty message depends on it), and whether they are in a wrap-up (their
  // state says so).
  const [agentState, setAgentState] = useState<AgentFigures["state"] | null>(null);
  const [inWrapup, setInWrapup] = useState(false);
  const onItems = useCallback(
    (items: Interaction[]) => setInWrapup(items.some((i) => i.phase === "wrapup")),
    [],
  );

  return (
    <>
      <h1>{t("nav.agent")}</h1>
      {!connected && (
        <Alert severity="warning" small description={t("common.offline")} className="fr-mb-2w" />
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        {/* The side stays in view (sticky): the offers come there, beside
            the conversation, never above it. */}
        <div className="fr-col-12 fr-col-lg-4">
          <div className="guichet-desk-side">
            <StatePanel
              user={user}
              pauseReasons={lookups.pauseReasons}
              inWrapup={inWrapup}
              onState={setAgentState}
            />
            <Offers user={user} queueName={queueName} agentName={agentName} />
            <PhonePanel user={user} />
            <DeskHelp />
          </div>
        </div>
        <div className="fr-col-12 fr-col-lg-8">
          <WorkList
            user={user}
            lookups={lookups}
            queueName={queueName}
            agentState={agentState}
            onItems={onItems}
          />
        </div>
      </div>
    </>
  );
}
