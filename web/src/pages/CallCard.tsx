// A voice interaction in the agent's hands: the call's state (from the
// interaction's timeline, then live), the time in that state and the time
// connected, hold / resume / hang up, and the conversation's recording once
// the call has ended (on queues that record calls); the attributes the IVR
// collected, by their names; the voicemail a caller left. Recordings and
// voicemails are played from the API.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useRef, useState } from "react";
import { client, settle, type Interaction, type TimelineEvent } from "../api";
import { liveEvents } from "../events";
import { useBlobUrl, useNow } from "../hooks";
import { currentLang, useT, type TextKey } from "../i18n";
import { sayError } from "../errors";

export const CALL_STATES = ["ringing", "connected", "on_hold", "ended", "not_answered"] as const;
export type CallState = (typeof CALL_STATES)[number];

// One change of the call's state; `at` in ms since the epoch, server clock.
interface CallChange {
  state: CallState;
  at: number;
}

function changeOf(state: unknown, at: unknown): CallChange | null {
  if (typeof state !== "string" || !(CALL_STATES as readonly string[]).includes(state)) return null;
  const ms = typeof at === "string" ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? null : { state: state as CallState, at: ms };
}

// The call's changes, oldest first: the timeline's, and those pushed live
// since it was read (a change may be in both).
function changesOf(timeline: TimelineEvent[], live: CallChange[]): CallChange[] {
  const stored = timeline
    .filter((e) => e.type === "call")
    .map((e) => changeOf(e.data.state, e.at))
    .filter((c): c is CallChange => c !== null);
  const seen = new Set<string>();
  return [...stored, ...live]
    .filter((c) => {
      const key = `${c.at} ${c.state}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.at - b.at);
}

// The call at `now` (server clock): its state, for how long, and the time
// connected in all (the holds left out). Null before any change is known.
function callFigures(changes: CallChange[], now: number) {
  const last = changes.at(-1);
  if (!last) return null;
  let connectedMs = 0;
  changes.forEach((change, i) => {
    if (change.state === "connected") {
      connectedMs += Math.max(0, (changes[i + 1]?.at ?? now) - change.at);
    }
  });
  return {
    state: last.state,
    inStateS: Math.max(0, (now - last.at) / 1000),
    connectedS: connectedMs / 1000,
  };
}

// The conversation's recording, as the timeline tells it once the call has
// ended ({"file", "seconds"}): its length, when said; null when there is none.
function recordingOf(timeline: TimelineEvent[]): { seconds?: number } | null {
  const recording = timeline.filter((e) => e.type === "recording").at(-1);
  if (!recording) return null;
  const seconds = recording.data.seconds;
  return { seconds: typeof seconds === "number" ? seconds : undefined };
}

const SEVERITY = {
  ringing: "new",
  connected: "success",
  on_hold: "warning",
  ended: "info",
  not_answered: "error",
} as const satisfies Record<CallState, string>;

// "04:07"; past an hour the minutes go on ("75:02").
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function Duration({ seconds }: { seconds: number }) {
  const s = Math.floor(seconds);
  return <time dateTime={`PT${Math.floor(s / 60)}M${s % 60}S`}>{clock(s)}</time>;
}

export function CallCard({ item, timeline }: { item: Interaction; timeline: TimelineEvent[] }) {
  const { t } = useT();
  const now = useNow();
  const [live, setLive] = useState<CallChange[]>([]);
  // How far the server's clock is ahead of ours, as the last live change
  // told: a new state starts at 00:00 whatever the two clocks say.
  const [skew, setSkew] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const controlsHadFocus = useRef(false);

  useEffect(() => {
    const unsubscribe = liveEvents.subscribe((event) => {
      if (event.type !== "call" || event.interaction_id !== item.id) return;
      const change = changeOf(event.state, event.at);
      if (!change) return;
      setSkew(change.at - Date.now());
      setLive((changes) => [...changes, change]);
    });
    return () => {
      unsubscribe();
    };
  }, [item.id]);

  const figures = callFigures(changesOf(timeline, live), now + skew);
  const recording = recordingOf(timeline);
  const state = figures?.state;
  const controllable = state === "connected" || state === "on_hold";

  // The buttons go when the call ends: the focus they held goes to the
  // card's heading rather than back to the top of the page.
  useEffect(() => {
    if (controllable || !controlsHadFocus.current) return;
    controlsHadFocus.current = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost) heading.current?.focus();
  }, [controllable]);

  const control = async (action: "hold" | "resume" | "hangup") => {
    if (busy.current) return; // (not disabled: the button keeps the focus)
    busy.current = true;
    setError(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/call", {
        params: { path: { id: item.id } },
        body: { action },
      }),
    );
    busy.current = false;
    // The new state comes back as a live event.
    if (!result.ok) setError(sayError(result.error, currentLang()));
  };

  return (
    <section className="fr-mb-2w" aria-labelledby={`call-${item.id}-title`}>
      <h4 id={`call-${item.id}-title`} className="fr-h6 fr-mb-1w" tabIndex={-1} ref={heading}>
        {t("call.title")}
      </h4>
      <p className="fr-mb-1w" aria-live="polite">
        {state ? (
          <>
            {t("call.state")} :{" "}
            <Badge as="span" severity={SEVERITY[state]}>
              {t(`call.state.${state}` as TextKey)}
            </Badge>
          </>
        ) : (
          t("call.unknown")
        )}
      </p>
      {figures && (
        <dl className="guichet-attributes fr-text--sm fr-mb-2w">
          <div>
            <dt>{t("call.inState")}</dt>
            <dd>
              <Duration seconds={figures.inStateS} />
            </dd>
          </div>
          <div>
            <dt>{t("call.connected")}</dt>
            <dd>
              <Duration seconds={figures.connectedS} />
            </dd>
          </div>
        </dl>
      )}
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      {controllable && (
        <div
          role="group"
          aria-label={t("call.controls")}
          className="fr-btns-group fr-btns-group--inline fr-btns-group--icon-left"
          onFocus={() => {
            controlsHadFocus.current = true;
          }}
          onBlur={(event) => {
            // Focus moved elsewhere (a button removed with focus gives no target).
            if (event.relatedTarget) controlsHadFocus.current = false;
          }}
        >
          {/* One button for hold and resume: it keeps the focus as the state changes. */}
          <Button
            priority="secondary"
            iconId={state === "connected" ? "fr-icon-pause-circle-line" : "fr-icon-play-line"}
            onClick={() => void control(state === "connected" ? "hold" : "resume")}
          >
            {state === "connected" ? t("call.hold") : t("call.resume")}
          </Button>
          <Button iconId="fr-icon-close-circle-line" onClick={() => void control("hangup")}>
            {t("call.hangup")}
          </Button>
        </div>
      )}
      {recording && (
        <RecordingPlayer
          interactionId={item.id}
          kind="call"
          seconds={recording.seconds?.toString()}
        />
      )}
    </section>
  );
}

// ---- the attributes ----------------------------------------------------------------

// What the IVR and the voice channel set, shown first and by name; the
// voicemail's file and length are its player's.
const NAMED_ATTRIBUTES = [
  "caller_name",
  "caller",
  "number",
  "ivr_path",
  "subject",
  "name",
  "mailbox",
  "claims_thread",
] as const;
// Shown otherwise (a player), or the server's own (where a mail was read).
const PLAYER_ATTRIBUTES = ["voicemail", "voicemail_seconds", "mail"];

// The card's rows for an interaction's attributes: label and value.
export function attributeRows(
  attributes: Record<string, string>,
  t: (key: TextKey) => string,
): { key: string; label: string; value: string }[] {
  const named = NAMED_ATTRIBUTES.filter((key) => attributes[key]).map((key) => ({
    key,
    label: t(`attr.${key}`),
    value:
      key === "ivr_path"
        ? ivrPath(attributes[key], t)
        : key === "claims_thread"
          ? t("attr.claims_thread_value").replace("{n}", attributes[key])
          : attributes[key],
  }));
  const others = Object.entries(attributes)
    .filter(
      ([key]) =>
        !(NAMED_ATTRIBUTES as readonly string[]).includes(key) && !PLAYER_ATTRIBUTES.includes(key),
    )
    .map(([key, value]) => ({ key, label: key, value }));
  return [...named, ...others];
}

// "menu[1]>dossier>file" → "menu (touche 1) → dossier → file".
function ivrPath(path: string, t: (key: TextKey) => string): string {
  return path
    .split(">")
    .map((step) => step.replace(/\[(.)\]$/, (_, key: string) => ` (${t("attr.key")} ${key})`))
    .join(" → ");
}

// ---- the recordings ----------------------------------------------------------------

// The two recordings an interaction may have, both at .../recording: the
// message a caller left ("voicemail"), the conversation with the agent
// ("call"); their texts, and the name of the file downloaded.
type RecordingTexts = Record<"title" | "loading" | "failed" | "download", TextKey>;
const RECORDINGS = {
  voicemail: {
    title: "voicemail.title",
    loading: "voicemail.loading",
    failed: "voicemail.failed",
    download: "voicemail.download",
    file: "message-vocal",
  },
  call: {
    title: "recording.title",
    loading: "recording.loading",
    failed: "recording.failed",
    download: "recording.download",
    file: "enregistrement-appel",
  },
} as const satisfies Record<string, RecordingTexts & { file: string }>;

// An interaction's recording, fetched with the session (an <audio src> to
// the API would do too, but a fetch lets the card say why it failed).
export function RecordingPlayer({
  interactionId,
  kind,
  seconds,
}: {
  interactionId: number;
  kind: keyof typeof RECORDINGS;
  seconds?: string;
}) {
  const { t } = useT();
  const audio = useBlobUrl("interaction", interactionId);
  const texts = RECORDINGS[kind];

  const title = seconds ? `${t(texts.title)} (${seconds} s)` : t(texts.title);
  return (
    <figure className="fr-mx-0 fr-mb-2w">
      <figcaption className="fr-text--bold fr-mb-1w">{title}</figcaption>
      {audio === null && <p className="fr-text--sm">{t(texts.loading)}</p>}
      {audio && "error" in audio && (
        <Alert severity="error" small description={`${t(texts.failed)} ${sayError(audio.error, currentLang())}`} />
      )}
      {audio && "url" in audio && (
        <>
          <audio
            controls
            preload="metadata"
            src={audio.url}
            aria-label={title}
            className="guichet-audio"
          />
          <p className="fr-mt-1w fr-mb-0">
            <a
              className="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left"
              href={audio.url}
              download={`${texts.file}-${interactionId}.wav`}
            >
              {t(texts.download)}
            </a>
          </p>
        </>
      )}
    </figure>
  );
}
