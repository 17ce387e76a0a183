// The interactions the agent holds: each a card with its call, its
// conversation, its citizen, its timeline, and the wrap-up.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  client,
  settle,
  type AgentFigures,
  type Interaction,
  type InteractionRecord,
  type TimelineEvent,
  type User,
} from "../../api";
import { liveEvents } from "../../events";
import { useLiveReload, useNow } from "../../hooks";
import { currentLang, formatDuration, useT, type TextKey } from "../../i18n";
import { CALL_STATES, CallCard, RecordingPlayer, attributeRows } from "../CallCard";
import type { Lookups } from "../AgentWorkspace";
import { CONVERSATION_CHANNELS, Conversation } from "./Conversation";
import { CitizenPanel } from "./CitizenPanel";
import { Notes } from "./Notes";
import { notifyDesktop } from "./DeskHelp";
import { JoinThread } from "./JoinThread";
import { timeLeft } from "../DeadlinesAtRisk";
import { ping } from "../../sound";
import { sayError } from "../../errors";

export function WorkList({
  user,
  lookups,
  queueName,
  agentState,
  onItems,
}: {
  user: User;
  lookups: Lookups;
  queueName: (id: number) => string;
  agentState: AgentFigures["state"] | null;
  onItems: (items: Interaction[]) => void;
}) {
  const { t } = useT();
  const [items, setItems] = useState<Interaction[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [bounced, setBounced] = useState<string | null>(null);

  const justAccepted = useRef<number | null>(null); // by this agent, its list not read yet
  const reload = useCallback(() => {
    const request = client.GET("/api/v1/agents/{id}/interactions", {
      params: { path: { id: user.id } },
    });
    void settle(request).then((result) => {
      if (!result.ok) return;
      setItems(result.value);
      onItems(result.value);
      // The one just accepted comes on screen: taking it is choosing it.
      const taken = justAccepted.current;
      justAccepted.current = null;
      setSelected((current) =>
        taken !== null && result.value.some((i) => i.id === taken)
          ? taken
          : current !== null && result.value.some((i) => i.id === current)
            ? current
            : (result.value[0]?.id ?? null),
      );
    });
  }, [user.id, onItems]);
  // What changes the list (offers taken, transfers, ends). A message or a
  // call's state does not: its interaction's card shows it; nor does an
  // offer, until it is taken.
  useLiveReload(
    reload,
    (e) => {
      const mine = e.agent_id === user.id && e.interaction_id !== undefined;
      if (mine && e.type === "accepted") justAccepted.current = e.interaction_id ?? null;
      return mine && !NOT_IN_THE_LIST.has(e.type);
    },
    100,
  );

  // Each conversation's tab says who and since when, and how many of the
  // citizen's messages came while another was on screen (they went unseen:
  // "Chat #4 — chat-site-web" said neither).
  const now = useNow();
  const [unread, setUnread] = useState<Map<number, number>>(new Map());
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  useEffect(
    () =>
      liveEvents.subscribe((e) => {
        if (e.type !== "message" || e.from !== "citizen" || e.interaction_id === undefined) return;
        const id = e.interaction_id;
        if (id === selectedRef.current && !document.hidden) return;
        // Not on screen: heard, and seen on the desktop when the tab is hidden.
        ping();
        notifyDesktop(t("work.newMessage"), String(e.text ?? "").slice(0, 120), `message-${id}`);
        if (id === selectedRef.current) return;
        setUnread((counts) => new Map(counts).set(id, (counts.get(id) ?? 0) + 1));
      }),
    [t],
  );
  useEffect(() => {
    if (selected === null) return;
    setUnread((counts) => {
      if (!counts.has(selected)) return counts;
      const next = new Map(counts);
      next.delete(selected);
      return next;
    });
  }, [selected]);
  const asked = useRef(new Set<number>()); // citizens whose name was asked for, once each
  useEffect(() => {
    for (const item of items) {
      if (!item.citizen_id || asked.current.has(item.citizen_id)) continue;
      asked.current.add(item.citizen_id);
      const request = client.GET("/api/v1/citizens/{id}", {
        params: { path: { id: item.citizen_id } },
      });
      void settle(request).then((result) => {
        if (result.ok) setNames((known) => new Map(known).set(item.citizen_id, result.value.name));
      });
    }
  }, [items]);

  // A transfer the colleague did not take bounced back to its queue 30 s
  // later without a word: the agent who sent it is told, and by whom.
  useEffect(
    () =>
      liveEvents.subscribe((e) => {
        if (e.type !== "transfer_bounced" || e.agent_id !== user.id) return;
        const colleague =
          lookups.colleagues.find((c) => c.id === e.colleague_id)?.name ?? `#${String(e.colleague_id)}`;
        const why = t(`transfer.reason.${String(e.reason)}` as TextKey) ?? "";
        setNotice(null); // "Transférée." no longer holds
        setBounced(`${t("transfer.bounced")} (#${String(e.interaction_id)}, ${why} ${colleague}) : ${t("transfer.backInQueue")}`);
      }),
    [user.id, lookups.colleagues, t],
  );

  const current = items.find((i) => i.id === selected) ?? null;
  return (
    <section aria-labelledby="work-title">
      <h2 id="work-title" className="fr-h4">
        {t("work.title")}
      </h2>
      {notice && (
        <Alert
          severity="success"
          small
          description={notice}
          closable
          onClose={() => setNotice(null)}
          className="fr-mb-2w"
        />
      )}
      {bounced && (
        <Alert
          severity="warning"
          small
          description={bounced}
          closable
          onClose={() => setBounced(null)}
          className="fr-mb-2w"
        />
      )}
      {items.length === 0 ? (
        // What to expect depends on the agent's state: an available agent
        // is not told to become available.
        <p>{agentState === "available" ? t("work.emptyAvailable") : t("work.empty")}</p>
      ) : (
        <>
          <ul className="fr-tags-group" aria-label={t("work.title")}>
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  className="fr-tag"
                  aria-pressed={item.id === selected}
                  onClick={() => setSelected(item.id)}
                  data-interaction={item.id}
                >
                  {t(`channel.${item.channel}` as TextKey)} —{" "}
                  {names.get(item.citizen_id) ??
                    (item.citizen_id ? `#${item.citizen_id}` : t("offer.anonymous"))}{" "}
                  ·{" "}
                  {formatDuration((now - Date.parse(item.enqueued_at)) / 1000)}
                  {deadline(item, now, t)}
                  {(unread.get(item.id) ?? 0) > 0 && (
                    <>
                      {" "}
                      <span className="fr-badge fr-badge--sm fr-badge--new fr-ml-1v">
                        {unread.get(item.id)} {t("work.unread")}
                      </span>
                    </>
                  )}
                </button>
              </li>
            ))}
          </ul>
          {current && (
            <InteractionCard
              key={current.id}
              item={current}
              lookups={lookups}
              queueName={queueName}
              onDone={(text) => {
                setNotice(text);
                reload();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function InteractionCard({
  item,
  lookups,
  queueName,
  onDone,
}: {
  item: Interaction;
  lookups: Lookups;
  queueName: (id: number) => string;
  onDone: (notice: string) => void;
}) {
  const { t } = useT();
  const now = useNow();
  const [detail, setDetail] = useState<InteractionRecord | null>(null);
  const [code, setCode] = useState("");
  const [note, setNote] = useState("");
  const [toQueue, setToQueue] = useState("");
  const [toAgent, setToAgent] = useState("");
  const [transferNote, setTransferNote] = useState("");
  const [error, setError] = useState<string | null>(null);

  // Messages come on the event stream with what they say, and are shown as
  // they come, without reading the interaction again. A reload in flight
  // may have read the timeline before one of them: kept until one has it.
  const live = useRef<TimelineEvent[]>([]);
  const sent = useRef(0); // keys for the messages sent here
  const reloadDetail = useCallback(() => {
    const request = client.GET("/api/v1/interactions/{id}", { params: { path: { id: item.id } } });
    void settle(request).then((result) => {
      if (!result.ok) return;
      const shown = withMessages(result.value, live.current);
      live.current = live.current.filter((m) => !shown.read.has(messageKey(m)));
      setDetail(shown.record);
    });
  }, [item.id]);
  useEffect(reloadDetail, [reloadDetail, item.phase]);
  const addMessage = useCallback((message: TimelineEvent) => {
    live.current = [...live.current, message];
    setDetail((shown) => shown && withMessages(shown, [message]).record);
  }, []);
  useEffect(() => {
    live.current = [];
    return liveEvents.subscribe((e) => {
      if (e.type !== "message" || e.interaction_id !== item.id) return;
      addMessage(
        messageEvent(-e.id, e.at, e.from === "citizen" || e.from === "bot" ? e.from : "agent", e.text),
      );
    });
  }, [item.id, addMessage]);
  // The thread and the call update live: a message or a call's change on
  // this interaction reloads it.
  useLiveReload(
    reloadDetail,
    (e) => (e.type === "call" || e.type === "citizen_attachment") && e.interaction_id === item.id,
    50,
  );
  // The call's recording is noted in the timeline just before its end, but
  // the server stores the timeline in the background while the live "ended"
  // goes out at once: the reload above may come before either is stored.
  // Read the interaction again a moment later, for the recording's player.
  useEffect(() => {
    let timer: number | undefined;
    const unsubscribe = liveEvents.subscribe((e) => {
      if (e.type !== "call" || e.interaction_id !== item.id || e.state !== "ended") return;
      window.clearTimeout(timer);
      timer = window.setTimeout(reloadDetail, 500);
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [item.id, reloadDetail]);

  const complete = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/complete", {
        params: { path: { id: item.id } },
        body: {
          ...(code ? { wrapup_code: code } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      }),
    );
    if (result.ok) onDone(t("work.completed"));
    else setError(sayError(result.error, currentLang()));
  };

  const transfer = async (to: { queue_id: number } | { agent_id: number; note?: string }) => {
    setError(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/transfer", {
        params: { path: { id: item.id } },
        body: to,
      }),
    );
    if (result.ok) onDone(t("work.transferred"));
    else setError(sayError(result.error, currentLang()));
  };

  const ready = async () => {
    setError(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/ready", { params: { path: { id: item.id } } }),
    );
    // Gone meanwhile (the wrap-up time ran out): ready all the same.
    if (result.ok || result.error.status === 404) onDone(t("work.readyDone"));
    else setError(sayError(result.error, currentLang()));
  };

  // Accepting an offer or completing removes the button pressed, and the
  // focus fell to the page's body: it comes to the card's title instead
  // (only when it is nowhere: never taken from where the agent types).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) heading.current?.focus();
  }, [item.phase]);

  // Colleagues by name with their state, those who can take it first.
  const [colleagues, setColleagues] = useState<{ id: number; name: string; state?: AgentFigures["state"] }[]>(
    lookups.colleagues,
  );
  const readColleagues = useCallback(() => {
    void settle(client.GET("/api/v1/stats/agents")).then((result) => {
      if (!result.ok) return;
      const rank = (state: string) => (state === "available" ? 0 : state === "paused" ? 1 : 2);
      setColleagues(
        result.value
          .filter((a) => lookups.colleagues.some((c) => c.id === a.agent_id))
          .sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name, "fr"))
          .map((a) => ({ id: a.agent_id, name: a.name, state: a.state })),
      );
    });
  }, [lookups.colleagues]);
  useEffect(() => {
    if (item.phase === "active") readColleagues();
  }, [item.phase, readColleagues]);
  const otherQueues = lookups.queues.filter((q) => q.channel === item.channel && q.id !== item.queue_id);

  const completedAt = detail?.timeline.filter((e) => e.type === "completed").at(-1)?.at;
  const wrapupSeconds = lookups.queues.find((q) => q.id === item.queue_id)?.wrapup_s ?? 0;
  const attributes = attributeRows(item.attributes, t);
  const voicemail = Boolean(item.attributes.voicemail);
  return (
    <article className="fr-card fr-card--no-arrow fr-p-3w" aria-labelledby={`it-${item.id}`}>
      <h3 id={`it-${item.id}`} className="fr-h5" ref={heading} tabIndex={-1}>
        {t(`channel.${item.channel}` as TextKey)} #{item.id} — {queueName(item.queue_id)}{" "}
        {item.phase && (
          <Badge severity={item.phase === "wrapup" ? "warning" : "info"} small>
            {t(`work.phase.${item.phase}` as TextKey)}
          </Badge>
        )}
      </h3>
      <p className="fr-text--sm">
        {t("work.enqueued")} : {new Date(item.enqueued_at).toLocaleTimeString()}
      </p>
      {/* The conversation in the middle, the citizen beside it (below it on
          a narrower screen). */}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-xl-7">
          {item.phase === "wrapup" && (
            // Code and note given: the queue's wrap-up time, and what is left of
            // it; the agent says when they are ready for the next one.
            <div className="fr-mb-2w">
              <p className="fr-mb-1w" role="timer" aria-live="off">
                {t("work.wrapupLeft")} :{" "}
                <strong>
                  {formatDuration(
                    // `now` ticks each second: it may be a moment before the
                    // completion the server stamped.
                    Math.min(
                      wrapupSeconds,
                      Math.max(0, wrapupSeconds - (completedAt ? (now - Date.parse(completedAt)) / 1000 : 0)),
                    ),
                  )}
                </strong>
              </p>
              <Button iconId="fr-icon-check-line" iconPosition="left" onClick={() => void ready()}>
                {t("work.ready")}
              </Button>
            </div>
          )}
          {item.channel === "voice" && !voicemail && (
            <CallCard item={item} timeline={detail?.timeline ?? []} />
          )}
          {attributes.length > 0 && (
            <dl className="guichet-attributes" aria-label={t("work.attributes")}>
              {attributes.map(({ key, label, value }) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
          {voicemail && (
            <RecordingPlayer
              interactionId={item.id}
              kind="voicemail"
              seconds={item.attributes.voicemail_seconds}
            />
          )}
          {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
          <JoinThread item={item} timeline={detail?.timeline ?? []} onJoined={reloadDetail} />

          {CONVERSATION_CHANNELS.includes(item.channel) && (
            <Conversation
              item={item}
              messages={(detail?.timeline ?? []).filter((e) => e.type === "message" || e.type === "attachment")}
              canned={lookups.canned}
              onSent={(m) => addMessage(messageEvent(-(1e9 + ++sent.current), m.at, m.from, m.text))}
            />
          )}

          {item.phase !== "wrapup" && (
            <form onSubmit={complete} className="fr-mt-2w" aria-label={t("work.complete")}>
              {lookups.wrapupCodes.length > 0 && (
                <Select
                  label={t("work.wrapupCode")}
                  nativeSelectProps={{
                    required: true,
                    value: code,
                    onChange: (e) => setCode(e.target.value),
                  }}
                >
                  <option value="">—</option>
                  {lookups.wrapupCodes.map((c) => (
                    <option key={c.id} value={c.name}>
                      {c.name}
                    </option>
                  ))}
                </Select>
              )}
              <Input
                label={t("work.note")}
                textArea
                nativeTextAreaProps={{ value: note, onChange: (e) => setNote(e.target.value), rows: 3 }}
              />
              <Button type="submit" iconId="fr-icon-check-line">
                {t("work.complete")}
              </Button>
            </form>
          )}

          {item.phase === "active" && (
            <fieldset className="fr-fieldset fr-mt-3w">
              <legend className="fr-fieldset__legend">{t("work.transfer")}</legend>
              <div className="fr-fieldset__element">
                {otherQueues.length === 0 ? (
                  // An empty list said nothing: say why.
                  <p className="fr-text--sm">{t("work.noOtherQueue")}</p>
                ) : (
                  <>
                    <Select
                      label={t("work.transferQueue")}
                      nativeSelectProps={{ value: toQueue, onChange: (e) => setToQueue(e.target.value) }}
                    >
                      <option value="">{t("work.chooseQueue")}</option>
                      {otherQueues.map((q) => (
                        <option key={q.id} value={q.id}>
                          {q.name}
                        </option>
                      ))}
                    </Select>
                    <Button
                      priority="secondary"
                      disabled={!toQueue}
                      onClick={() => void transfer({ queue_id: Number(toQueue) })}
                    >
                      {t("work.transfer")}
                    </Button>
                  </>
                )}
              </div>
              <div className="fr-fieldset__element">
                <Select
                  label={t("work.transferAgent")}
                  hint={t("work.transferAgentHint")}
                  nativeSelectProps={{
                    value: toAgent,
                    onChange: (e) => setToAgent(e.target.value),
                    // Their states as they are now, when the agent looks.
                    onFocus: readColleagues,
                  }}
                >
                  <option value="">{t("work.chooseAgent")}</option>
                  {colleagues.map((a) => (
                    <option key={a.id} value={a.id} disabled={a.state === "offline" || a.state === "paused"}>
                      {a.name}
                      {a.state ? ` — ${t(`state.${a.state}` as TextKey)}` : ""}
                    </option>
                  ))}
                </Select>
                <Input
                  label={t("transfer.note")}
                  hintText={t("transfer.noteHint")}
                  textArea
                  nativeTextAreaProps={{
                    value: transferNote,
                    rows: 2,
                    maxLength: 1000,
                    onChange: (e) => setTransferNote(e.target.value),
                  }}
                />
                <Button
                  priority="secondary"
                  disabled={!toAgent}
                  onClick={() =>
                    void transfer({
                      agent_id: Number(toAgent),
                      ...(transferNote.trim() ? { note: transferNote.trim() } : {}),
                    })
                  }
                >
                  {t("work.transfer")}
                </Button>
              </div>
            </fieldset>
          )}

          {detail && (
            <details className="fr-mt-3w">
              <summary>{t("work.timeline")}</summary>
              <ol className="fr-text--sm">
                {detail.timeline.map((e) => (
                  <li key={e.sequence}>
                    {new Date(e.at).toLocaleTimeString()} — {timelineLabel(e, t)}
                  </li>
                ))}
              </ol>
            </details>
          )}
        </div>
        <div className="fr-col-12 fr-col-xl-5">
          {(item.phase === "active" || item.phase === "wrapup") && (
            <Notes
              item={item}
              notes={(detail?.timeline ?? []).filter((e) => e.type === "note")}
              onAdded={reloadDetail}
            />
          )}
          <CitizenPanel item={item} onIdentified={(name) => onDone(`${t("identify.done")} ${name}`)} />
        </div>
      </div>
    </article>
  );
}

// A timeline entry as the history lists it, in words (it listed the API's
// names: "preferred_expired", "offer_timeout"), and a call's state.
function timelineLabel(e: TimelineEvent, t: (key: TextKey) => string): string {
  const state = e.data.state;
  if (e.type === "call" && (CALL_STATES as readonly unknown[]).includes(state)) {
    return `${t("call.title")} — ${t(`call.state.${state}` as TextKey)}`;
  }
  // A mail that came back: why, as the server that refused it said.
  if (e.type === "delivery" && e.data.status === "failed") {
    return `${t("event.delivery_failed")}${e.data.detail ? ` : ${String(e.data.detail)}` : ""}`;
  }
  // The files an email reply carried, by name.
  if (e.type === "files_sent" && Array.isArray(e.data.files)) {
    return `${t("event.files_sent")} : ${(e.data.files as unknown[]).map(String).join(", ")}`;
  }
  const key = `event.${e.type}` as TextKey;
  const said = t(key);
  return said ?? t("event.unknown");
}

// A written request's deadline on its tab (the one the service announced:
// an email's 48 h), or that it passed; nothing for a call or a chat, whose
// deadline was to be answered, and they were.
const WRITTEN_LATER = new Set(["email", "sms", "social", "task", "callback"]);
function deadline(item: Interaction, now: number, t: (key: TextKey) => string): string {
  if (!item.due_at || !WRITTEN_LATER.has(item.channel)) return "";
  const due = Date.parse(item.due_at);
  if (due <= now) return ` · ${t("work.overdue")}`;
  // The date the citizen was given (an email's acknowledgement), and the
  // time left to keep it.
  if (item.answer_due) {
    const day = new Date(due).toLocaleDateString(currentLang() === "fr" ? "fr-FR" : "en-GB", {
      weekday: "short",
      day: "2-digit",
      month: "2-digit",
    });
    return ` · ${t("work.promised")} ${day} (${t("work.left")} ${timeLeft(due - now)})`;
  }
  const sameDay = new Date(due).toDateString() === new Date(now).toDateString();
  const when = new Date(due).toLocaleString([], {
    ...(sameDay ? {} : { day: "2-digit", month: "2-digit" }),
    hour: "2-digit",
    minute: "2-digit",
  });
  return ` · ${t("work.due")} ${when}`;
}

const NOT_IN_THE_LIST = new Set([
  "message",
  "call",
  "offered",
  "rejected",
  "offer_timeout",
  "offer_revoked",
]);

// A message as its timeline keeps it; `sequence`, a key until the timeline
// read again gives its own (negative: the stream's id, or one sent here).
function messageEvent(
  sequence: number,
  at: string,
  from: "agent" | "citizen" | "bot",
  text: unknown,
): TimelineEvent {
  return { sequence, at, type: "message", data: { from, text: String(text ?? "") } };
}

const messageKey = (m: TimelineEvent) => `${m.at}|${String(m.data.from)}|${String(m.data.text)}`;

// The record with the messages it does not have yet (the same message from
// the stream and from the answer to sending it is shown once), and the keys
// of the messages it had.
function withMessages(record: InteractionRecord, messages: TimelineEvent[]) {
  const read = new Set(record.timeline.filter((e) => e.type === "message").map(messageKey));
  const seen = new Set(read);
  const added = messages.filter((m) => {
    const key = messageKey(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    record: added.length ? { ...record, timeline: [...record.timeline, ...added] } : record,
    read,
  };
}
