import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  get,
  post,
  put,
  type AgentFigures,
  type AgentProfile,
  type Channel,
  type CitizenView,
  type Interaction,
  type Named,
  type Offer,
  type Queue,
  type TimelineEvent,
  type User,
} from "../api";
import { liveEvents } from "../events";
import { useLiveReload, useLiveStatus, useNow } from "../hooks";
import { formatDuration, useT, type TextKey } from "../i18n";
import { chime } from "../sound";
import { CALL_STATES, CallCard, RecordingPlayer, attributeRows } from "./CallCard";

// Names of queues, colleagues, codes: loaded once per visit.
interface Lookups {
  queues: Queue[];
  colleagues: Named[];
  wrapupCodes: Named[];
  pauseReasons: Named[];
  canned: { id: number; name: string; text: string }[];
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
        get<Queue[]>("/api/v1/queues"),
        get<AgentFigures[]>("/api/v1/stats/agents"),
        get<Named[]>("/api/v1/wrapup-codes"),
        get<Named[]>("/api/v1/pause-reasons"),
        get<Lookups["canned"]>("/api/v1/canned-responses"),
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

  const queueName = (id: number) => lookups.queues.find((q) => q.id === id)?.name ?? `#${id}`;

  return (
    <>
      <h1>{t("nav.agent")}</h1>
      {!connected && (
        <Alert severity="warning" small description={t("common.offline")} className="fr-mb-2w" />
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-4">
          <StatePanel user={user} pauseReasons={lookups.pauseReasons} />
          <PhonePanel user={user} />
        </div>
        <div className="fr-col-12 fr-col-lg-8">
          <Offers user={user} queueName={queueName} />
          <WorkList user={user} lookups={lookups} queueName={queueName} />
        </div>
      </div>
    </>
  );
}

// ---- state ------------------------------------------------------------------

function StatePanel({ user, pauseReasons }: { user: User; pauseReasons: Named[] }) {
  const { t } = useT();
  const [mine, setMine] = useState<AgentFigures | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const [loadedAt, setLoadedAt] = useState(Date.now());

  const reload = useCallback(() => {
    void get<AgentFigures[]>("/api/v1/stats/agents").then((result) => {
      if (!result.ok) return;
      setMine(result.value.find((a) => a.agent_id === user.id) ?? null);
      setLoadedAt(Date.now());
    });
  }, [user.id]);
  useLiveReload(reload, (e) => e.type === "agent_state" && e.agent_id === user.id);

  const choose = async (state: string, why = "") => {
    setError(null);
    const body: Record<string, string> = { state };
    if (state === "paused" && why) body.reason = why;
    const result = await put(`/api/v1/agents/${user.id}/state`, body);
    if (!result.ok) setError(result.error.message);
    reload();
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
  const current = mine.state;
  return (
    <section className="fr-mb-4w" aria-labelledby="state-title">
      <h2 id="state-title" className="fr-h4">
        {t("state.title")}
      </h2>
      <p>
        <Badge severity={current === "available" ? "success" : current === "paused" ? "warning" : "info"}>
          {t(`state.${current}` as TextKey)}
          {mine.reason ? ` — ${mine.reason}` : ""}
        </Badge>{" "}
        <span className="fr-text--sm">{formatDuration(since)}</span>
      </p>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      <RadioButtons
        legend={t("state.choose")}
        name="agent-state"
        options={[
          {
            label: t("state.available"),
            nativeInputProps: {
              value: "available",
              checked: current === "available",
              onChange: () => void choose("available"),
            },
          },
          {
            label: t("state.pause"),
            nativeInputProps: {
              value: "paused",
              checked: current === "paused",
              onChange: () => void choose("paused", reason || pauseReasons[0]?.name || ""),
            },
          },
          {
            label: t("state.offline"),
            nativeInputProps: {
              value: "offline",
              checked: current === "offline",
              onChange: () => void choose("offline"),
            },
          },
        ]}
      />
      {pauseReasons.length > 0 && (
        <Select
          label={t("state.pause")}
          nativeSelectProps={{
            value: reason || (current === "paused" ? mine.reason : ""),
            onChange: (e) => {
              setReason(e.target.value);
              if (e.target.value) void choose("paused", e.target.value);
            },
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

function PhonePanel({ user }: { user: User }) {
  const { t } = useT();
  const [phone, setPhone] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void get<AgentProfile>(`/api/v1/agents/${user.id}`).then((result) => {
      if (result.ok) setPhone(result.value.phone ?? "");
    });
  }, [user.id]);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await put(`/api/v1/agents/${user.id}/phone`, { phone: phone.trim() });
    setMessage(
      result.ok ? { ok: true, text: t("phone.saved") } : { ok: false, text: result.error.message },
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

// ---- offers ---------------------------------------------------------------------

function Offers({ user, queueName }: { user: User; queueName: (id: number) => string }) {
  const { t } = useT();
  const [offers, setOffers] = useState<Offer[]>([]);
  const now = useNow(250);

  // The offers are read once (and again after a reset); then each live
  // event says what changed: an offer made is shown from the event itself,
  // an offer answered, expired or withdrawn goes. Only the citizen's name is
  // asked for: the offer waits for it a moment (an agent decides on it),
  // then shows without it, named when it comes.
  const gone = useRef(new Set<number>());  // answered, expired, withdrawn: never shown again
  const show = useCallback((offer: Offer) => {
    if (gone.current.has(offer.id)) return;
    setOffers((shown) => {
      const known = shown.find((o) => o.id === offer.id);
      if (!known) return [...shown, offer];
      return known.citizen_name ? shown : shown.map((o) => (o.id === offer.id ? offer : o));
    });
  }, []);
  const announce = useCallback(
    (offer: Offer) => {
      let shown = false;
      const showOnce = (o: Offer) => {
        if (!shown) chime();
        shown = true;
        show(o);
      };
      if (!offer.citizen_id) return showOnce(offer);
      const fallback = window.setTimeout(() => showOnce(offer), 300);
      void get<{ name: string }>(`/api/v1/citizens/${offer.citizen_id}`).then((result) => {
        window.clearTimeout(fallback);
        showOnce(result.ok ? { ...offer, citizen_name: result.value.name } : offer);
      });
    },
    [show],
  );
  const reload = useCallback(() => {
    void get<Offer[]>("/api/v1/offers").then((result) => {
      if (result.ok) setOffers(result.value);
    });
  }, []);
  useEffect(() => {
    reload();
    return liveEvents.subscribe((event) => {
      if (event.type === "reset") return reload();
      if (event.agent_id !== user.id || event.offer_id === undefined) return;
      const id = event.offer_id;
      if (event.type === "offered") {
        const offer: Offer = {
          id,
          interaction_id: event.interaction_id ?? 0,
          queue_id: event.queue_id ?? 0,
          channel: (event.channel ?? "task") as Channel,
          citizen_id: event.citizen_id ?? 0,
          deadline: event.deadline ?? event.at,
        };
        announce(offer);
      } else {
        gone.current.add(id);
        setOffers((shown) => shown.filter((o) => o.id !== id));
      }
    });
  }, [reload, announce, user.id]);

  const answer = async (offer: Offer, accept: boolean) => {
    const result = await post(`/api/v1/offers/${offer.id}/${accept ? "accept" : "reject"}`);
    // Answered (or gone meanwhile): no longer an offer, whatever the event says later.
    if (result.ok || result.error.status === 404) {
      gone.current.add(offer.id);
      setOffers((shown) => shown.filter((o) => o.id !== offer.id));
    }
  };

  if (offers.length === 0) return null;
  return (
    <section aria-labelledby="offers-title" className="fr-mb-4w">
      <h2 id="offers-title" className="fr-h4">
        {t("offer.title")}
      </h2>
      {offers.map((offer) => {
        const remaining = Math.max(0, (Date.parse(offer.deadline) - now) / 1000);
        return (
          <div
            key={offer.id}
            role="alertdialog"
            aria-labelledby={`offer-${offer.id}-title`}
            className="fr-callout fr-callout--orange-terre-battue fr-mb-2w guichet-offer"
          >
            <h3 id={`offer-${offer.id}-title`} className="fr-callout__title fr-h5">
              {t(`channel.${offer.channel}` as TextKey)} — {queueName(offer.queue_id)}
            </h3>
            <p className="fr-callout__text fr-text--md">
              {t("offer.citizen")} :{" "}
              {offer.citizen_name || (offer.citizen_id ? `#${offer.citizen_id}` : t("offer.anonymous"))}
              <br />
              {t("offer.remaining")} : <strong>{Math.ceil(remaining)} s</strong>
            </p>
            <progress
              max={30}
              value={Math.min(30, remaining)}
              aria-label={t("offer.remaining")}
              className="guichet-countdown"
            />
            <div className="fr-btns-group fr-btns-group--inline fr-mt-2w">
              <Button
                iconId="fr-icon-check-line"
                onClick={() => void answer(offer, true)}
                nativeButtonProps={{ autoFocus: true }}
              >
                {t("offer.accept")}
              </Button>
              <Button
                priority="secondary"
                iconId="fr-icon-close-line"
                onClick={() => void answer(offer, false)}
              >
                {t("offer.decline")}
              </Button>
            </div>
          </div>
        );
      })}
    </section>
  );
}

// ---- the interactions in hand -------------------------------------------------------

function WorkList({
  user,
  lookups,
  queueName,
}: {
  user: User;
  lookups: Lookups;
  queueName: (id: number) => string;
}) {
  const { t } = useT();
  const [items, setItems] = useState<Interaction[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(() => {
    void get<Interaction[]>(`/api/v1/agents/${user.id}/interactions`).then((result) => {
      if (!result.ok) return;
      setItems(result.value);
      setSelected((current) =>
        current !== null && result.value.some((i) => i.id === current)
          ? current
          : (result.value[0]?.id ?? null),
      );
    });
  }, [user.id]);
  useLiveReload(reload, (e) => e.agent_id === user.id && e.interaction_id !== undefined, 100);

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
      {items.length === 0 ? (
        <p>{t("work.empty")}</p>
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
                >
                  {t(`channel.${item.channel}` as TextKey)} #{item.id} — {queueName(item.queue_id)}
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
  const [detail, setDetail] = useState<Interaction | null>(null);
  const [code, setCode] = useState("");
  const [note, setNote] = useState("");
  const [toQueue, setToQueue] = useState("");
  const [toAgent, setToAgent] = useState("");
  const [error, setError] = useState<string | null>(null);

  const reloadDetail = useCallback(() => {
    void get<Interaction>(`/api/v1/interactions/${item.id}`).then((result) => {
      if (result.ok) setDetail(result.value);
    });
  }, [item.id]);
  useEffect(reloadDetail, [reloadDetail, item.phase]);
  // The thread and the call update live: a message or a call's change on
  // this interaction reloads it.
  useLiveReload(
    reloadDetail,
    (e) => (e.type === "message" || e.type === "call") && e.interaction_id === item.id,
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
    const body: Record<string, string> = {};
    if (code) body.wrapup_code = code;
    if (note.trim()) body.note = note.trim();
    const result = await post(`/api/v1/interactions/${item.id}/complete`, body);
    if (result.ok) onDone(t("work.completed"));
    else setError(result.error.message);
  };

  const transfer = async (body: Record<string, number>) => {
    setError(null);
    const result = await post(`/api/v1/interactions/${item.id}/transfer`, body);
    if (result.ok) onDone(t("work.transferred"));
    else setError(result.error.message);
  };

  const completedAt = detail?.timeline?.filter((e) => e.type === "completed").at(-1)?.at;
  const attributes = attributeRows(item.attributes ?? {}, t);
  const voicemail = Boolean(item.attributes?.voicemail);
  return (
    <article className="fr-card fr-card--no-arrow fr-p-3w" aria-labelledby={`it-${item.id}`}>
      <h3 id={`it-${item.id}`} className="fr-h5">
        {t(`channel.${item.channel}` as TextKey)} #{item.id} — {queueName(item.queue_id)}{" "}
        {item.phase && (
          <Badge severity={item.phase === "wrapup" ? "warning" : "info"} small>
            {t(`work.phase.${item.phase}` as TextKey)}
          </Badge>
        )}
      </h3>
      <p className="fr-text--sm">
        {t("work.enqueued")} : {new Date(item.enqueued_at).toLocaleTimeString()}
        {item.phase === "wrapup" && completedAt && (
          <>
            {" "}
            — {t("work.wrapupTimer")}{" "}
            <strong>{formatDuration((now - Date.parse(completedAt)) / 1000)}</strong>
          </>
        )}
      </p>
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

      {CONVERSATION_CHANNELS.includes(item.channel) && (
        <Conversation
          item={item}
          messages={(detail?.timeline ?? []).filter((e) => e.type === "message")}
          canned={lookups.canned}
          onSent={reloadDetail}
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
            <Select
              label={t("work.transferQueue")}
              nativeSelectProps={{ value: toQueue, onChange: (e) => setToQueue(e.target.value) }}
            >
              <option value="">{t("work.chooseQueue")}</option>
              {lookups.queues
                .filter((q) => q.channel === item.channel && q.id !== item.queue_id)
                .map((q) => (
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
          </div>
          <div className="fr-fieldset__element">
            <Select
              label={t("work.transferAgent")}
              nativeSelectProps={{ value: toAgent, onChange: (e) => setToAgent(e.target.value) }}
            >
              <option value="">{t("work.chooseAgent")}</option>
              {lookups.colleagues.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </Select>
            <Button
              priority="secondary"
              disabled={!toAgent}
              onClick={() => void transfer({ agent_id: Number(toAgent) })}
            >
              {t("work.transfer")}
            </Button>
          </div>
        </fieldset>
      )}

      {detail?.timeline && (
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
      <CitizenPanel citizenId={item.citizen_id} />
    </article>
  );
}

// A timeline entry as the history lists it: its type, and a call's state.
function timelineLabel(e: TimelineEvent, t: (key: TextKey) => string): string {
  const state = e.data.state;
  if (e.type !== "call" || !(CALL_STATES as readonly unknown[]).includes(state)) return e.type;
  return `${t("call.title")} — ${t(`call.state.${state}` as TextKey)}`;
}

// ---- the conversation (chat, SMS, social, email) ------------------------------------------

const CONVERSATION_CHANNELS = ["chat", "sms", "social", "email"];

function Conversation({
  item,
  messages,
  canned,
  onSent,
}: {
  item: Interaction;
  messages: { sequence: number; at: string; data: Record<string, unknown> }[];
  canned: Lookups["canned"];
  onSent: () => void;
}) {
  const { t } = useT();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    const result = await post(`/api/v1/interactions/${item.id}/messages`, { text: text.trim() });
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setText("");
    onSent();
  };
  return (
    <section className="fr-mt-2w" aria-labelledby={`thread-${item.id}`}>
      <h4 id={`thread-${item.id}`} className="fr-h6">
        {t("thread.title")}
      </h4>
      <ol className="guichet-thread" aria-live="polite">
        {messages.map((m) => {
          const mine = m.data.from === "agent";
          return (
            <li key={m.sequence} className={mine ? "guichet-thread__agent" : "guichet-thread__citizen"}>
              <span className="fr-text--xs">
                {mine ? t("thread.agent") : t("thread.citizen")} —{" "}
                {new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </span>
              <p className="fr-mb-0">{String(m.data.text ?? "")}</p>
            </li>
          );
        })}
        {messages.length === 0 && <li>{t("thread.empty")}</li>}
      </ol>
      {item.phase === "active" && (
        <form onSubmit={send} aria-label={t("thread.reply")}>
          {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
          {canned.length > 0 && (
            <Select
              label={t("thread.canned")}
              nativeSelectProps={{
                value: "",
                onChange: (e) => {
                  const chosen = canned.find((c) => String(c.id) === e.target.value);
                  if (chosen) setText((current) => (current ? `${current} ${chosen.text}` : chosen.text));
                },
              }}
            >
              <option value="">{t("thread.cannedChoose")}</option>
              {canned.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
          <Input
            label={t("thread.reply")}
            textArea
            nativeTextAreaProps={{
              value: text,
              rows: 3,
              maxLength: 4000,
              onChange: (e) => setText(e.target.value),
            }}
          />
          <Button type="submit" iconId="fr-icon-send-plane-line" iconPosition="left">
            {t("thread.send")}
          </Button>
        </form>
      )}
    </section>
  );
}

// ---- the citizen's 360° view ---------------------------------------------------------

function CitizenPanel({ citizenId }: { citizenId: number }) {
  const { t } = useT();
  const [citizen, setCitizen] = useState<CitizenView | null>(null);
  useEffect(() => {
    if (!citizenId) return;
    void get<CitizenView>(`/api/v1/citizens/${citizenId}`).then((result) => {
      if (result.ok) setCitizen(result.value);
    });
  }, [citizenId]);

  return (
    <section className="fr-mt-3w" aria-labelledby="citizen-title">
      <h4 id="citizen-title" className="fr-h6">
        {t("citizen.title")}
      </h4>
      {!citizenId || !citizen ? (
        <p className="fr-text--sm">{t("citizen.none")}</p>
      ) : (
        <>
          <p>
            <strong>{citizen.name}</strong>
          </p>
          <p className="fr-text--sm">
            {t("citizen.contacts")} : {citizen.contacts.map((c) => `${c.kind} ${c.value}`).join(", ")}
          </p>
          <h5 className="fr-text--md fr-mb-1w">{t("citizen.history")}</h5>
          <div className="fr-table fr-table--bordered">
            <table>
              <caption className="fr-sr-only">{t("citizen.history")}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("work.enqueued")}</th>
                  <th scope="col">{t("citizen.channel")}</th>
                  <th scope="col">{t("citizen.outcome")}</th>
                  <th scope="col">{t("work.note")}</th>
                </tr>
              </thead>
              <tbody>
                {(citizen.interactions ?? []).map((i) => (
                  <tr key={i.id}>
                    <td>{i.id}</td>
                    <td>{new Date(i.enqueued_at).toLocaleString()}</td>
                    <td>{t(`channel.${i.channel}` as TextKey)}</td>
                    <td>
                      {t(`status.${i.status}` as TextKey)}
                      {i.wrapup_code ? ` — ${i.wrapup_code}` : ""}
                    </td>
                    <td>{(i.notes ?? []).map((n) => n.note).filter(Boolean).join(" · ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
