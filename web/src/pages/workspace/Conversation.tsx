// The messages of a written interaction (chat, SMS, social, email), and
// the agent's reply.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useRef, useState } from "react";
import { client, settle, uploadReplyFile, type Interaction, type Schemas, type TimelineEvent } from "../../api";
import { currentLang, useT } from "../../i18n";
import type { Lookups } from "../AgentWorkspace";
import { sayError } from "../../errors";
import { liveEvents } from "../../events";
import { KnowledgeSearch } from "./KnowledgeSearch";

export const CONVERSATION_CHANNELS = ["chat", "sms", "social", "email"];

// A citizen's file ("attachment" in the timeline), downloaded with the
// session when asked: never opened in the page.
function AttachmentLink({ interactionId, file }: { interactionId: number; file: Record<string, unknown> }) {
  const { t } = useT();
  const [failed, setFailed] = useState<string | null>(null);
  const name = String(file.name ?? "fichier");
  const download = async () => {
    setFailed(null);
    const result = await settle<Blob>(
      client.GET("/api/v1/interactions/{id}/attachment", {
        params: { path: { id: interactionId }, query: { file: String(file.id ?? "") } },
        parseAs: "blob",
      }),
    );
    if (!result.ok) {
      setFailed(sayError(result.error, currentLang()));
      return;
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(result.value);
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
  };
  return (
    <>
      <Button
        type="button"
        priority="tertiary no outline"
        size="small"
        iconId="fr-icon-download-line"
        iconPosition="left"
        onClick={() => void download()}
      >
        {`${t("thread.download")} ${name}`}
      </Button>
      {failed && <p className="fr-error-text">{failed}</p>}
    </>
  );
}

// A mail as its sender formatted it, made safe by the server and shown in
// a sandboxed frame; its remote images (which tell the sender it was read)
// only when the agent asks.
function MailView({
  interactionId,
  file,
  at,
}: {
  interactionId: number;
  file: Record<string, unknown>;
  at: string;
}) {
  const { t } = useT();
  const [remote, setRemote] = useState(false);
  const remoteImages = Number(file.remote_images ?? 0);
  const src = `/api/v1/interactions/${interactionId}/mail?file=${encodeURIComponent(String(file.id ?? ""))}${
    remote ? "&remote=1" : ""
  }`;
  return (
    <details className="fr-mb-2w">
      <summary>
        {t("thread.formatted")} ({new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })})
      </summary>
      {remoteImages > 0 && !remote && (
        <p className="fr-text--sm fr-mb-1w">
          {t("thread.remoteBlocked").replace("{n}", String(remoteImages))}{" "}
          <Button type="button" size="small" priority="tertiary" onClick={() => setRemote(true)}>
            {t("thread.remoteShow")}
          </Button>
        </p>
      )}
      <iframe
        title={t("thread.formatted")}
        src={src}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        style={{ width: "100%", height: "24rem", border: "1px solid var(--border-default-grey)", background: "#fff" }}
      />
    </details>
  );
}

export function Conversation({
  item,
  messages,
  canned,
  onSent,
}: {
  item: Interaction;
  messages: TimelineEvent[];
  canned: Lookups["canned"];
  onSent: (message: Schemas["Message"]) => void;
}) {
  const { t } = useT();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const reply = useRef<HTMLTextAreaElement>(null);
  // A web chat's citizen sees the agent typing and their messages read;
  // the agent sees the citizen typing and reading (other media: nothing).
  const [citizenTyping, setCitizenTyping] = useState(false);
  const [readAt, setReadAt] = useState<string | null>(null);
  const lastTyping = useRef(0);
  const chat = item.channel === "chat";
  // Real-time text (an accessible chat): each side sees the other's draft
  // as it is typed; ours goes whole, at most every 300 ms.
  const rtt = chat && item.attributes.mode === "rtt";
  const [citizenDraft, setCitizenDraft] = useState("");
  const draft = useRef({ timer: 0, sentAt: 0, sent: "", text: "" });
  const sendDraft = () => {
    const d = draft.current;
    d.timer = 0;
    d.sentAt = Date.now();
    if (d.text === d.sent) return;
    d.sent = d.text;
    void settle(client.POST("/api/v1/interactions/{id}/rtt", { params: { path: { id: item.id } }, body: { text: d.text } }));
  };
  const draftChanged = (value: string) => {
    const d = draft.current;
    d.text = value;
    if (!d.timer) d.timer = window.setTimeout(sendDraft, Math.max(0, 300 - (Date.now() - d.sentAt)));
  };
  useEffect(() => () => window.clearTimeout(draft.current.timer), []);
  // Typed, or an article or canned response inserted: the citizen sees it.
  useEffect(() => {
    if (rtt) draftChanged(text);
  }, [rtt, text]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    let timer: number | undefined;
    const unsubscribe = liveEvents.subscribe((e) => {
      if (e.interaction_id !== item.id) return;
      if (e.type === "citizen_typing") {
        setCitizenTyping(true);
        window.clearTimeout(timer);
        timer = window.setTimeout(() => setCitizenTyping(false), 4000);
      } else if (e.type === "citizen_read") {
        setReadAt(e.at);
      } else if (e.type === "citizen_rtt") {
        const data = e.data as { text?: unknown } | undefined;
        setCitizenDraft(typeof data?.text === "string" ? data.text : "");
      } else if (e.type === "message" && e.from === "citizen") {
        setCitizenTyping(false);
        setCitizenDraft("");
      }
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [item.id]);
  // The citizen's messages on screen are read: told once they arrive.
  const citizenCount = messages.filter((m) => m.data.from === "citizen").length;
  useEffect(() => {
    if (!chat || citizenCount === 0 || item.phase !== "active" || document.hidden) return;
    void settle(client.POST("/api/v1/interactions/{id}/read", { params: { path: { id: item.id } } }));
  }, [chat, citizenCount, item.id, item.phase]);
  // An article or a canned response goes after what is typed; the focus
  // back in the reply, to read it over and send.
  const insert = (addition: string) => {
    setText((current) => (current.trim() ? `${current.trimEnd()}\n${addition}` : addition));
    reply.current?.focus();
  };
  // An email reply's files: uploaded as soon as chosen, sent with it.
  const email = item.channel === "email";
  const [files, setFiles] = useState<{ id: string; name: string; size: number }[]>([]);
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const attach = async (chosen: FileList | null) => {
    if (!chosen) return;
    setError(null);
    setUploading(true);
    for (const file of Array.from(chosen)) {
      const kept = await uploadReplyFile(item.id, file);
      if (!kept.ok) {
        setError(`${file.name} : ${sayError(kept.error, currentLang())}`);
        continue;
      }
      setFiles((current) => [...current, { id: kept.value.id, name: kept.value.name, size: kept.value.size }]);
    }
    setUploading(false);
    if (fileInput.current) fileInput.current.value = "";
  };
  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!text.trim() || uploading) return;
    setError(null);
    // The last draft must not come after the message (the citizen would see
    // it again as being typed).
    window.clearTimeout(draft.current.timer);
    draft.current = { timer: 0, sentAt: Date.now(), sent: text, text };
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/messages", {
        params: { path: { id: item.id } },
        body: { text: text.trim(), ...(files.length > 0 ? { files: files.map((f) => f.id) } : {}) },
      }),
    );
    if (!result.ok) {
      setError(sayError(result.error, currentLang()));
      return;
    }
    setText("");
    setFiles([]);
    draft.current = { timer: 0, sentAt: Date.now(), sent: "", text: "" };
    onSent(result.value);
  };
  return (
    <section className="fr-mt-2w" aria-labelledby={`thread-${item.id}`}>
      <h4 id={`thread-${item.id}`} className="fr-h6">
        {t("thread.title")}
      </h4>
      <ol className="guichet-thread" aria-live="polite">
        {messages.map((m) => {
          if (m.type === "attachment" && m.data.html === true) return null; // below, as formatted
          if (m.type === "attachment") {
            return (
              <li
                key={m.sequence}
                className={m.data.from === "agent" ? "guichet-thread__agent" : "guichet-thread__citizen"}
              >
                <AttachmentLink interactionId={item.id} file={m.data} />
              </li>
            );
          }
          const mine = m.data.from === "agent";
          const bot = m.data.from === "bot";
          return (
            <li
              key={m.sequence}
              className={mine ? "guichet-thread__agent" : bot ? "guichet-thread__bot" : "guichet-thread__citizen"}
            >
              <span className="fr-text--xs">
                {mine ? t("thread.agent") : bot ? t("thread.bot") : t("thread.citizen")} —{" "}
                {new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </span>
              <p className="fr-mb-0">{String(m.data.text ?? "")}</p>
            </li>
          );
        })}
        {messages.length === 0 && <li>{t("thread.empty")}</li>}
      </ol>
      {messages
        .filter((m) => m.type === "attachment" && m.data.html === true)
        .map((m) => (
          <MailView key={m.sequence} interactionId={item.id} file={m.data} at={m.at} />
        ))}
      {rtt && citizenDraft && (
        <div className="guichet-thread__citizen guichet-thread__draft fr-mb-1w">
          <span className="fr-text--xs">{t("thread.citizenDraft")}</span>
          <p className="fr-mb-0">{citizenDraft}</p>
        </div>
      )}
      {rtt && <p className="fr-text--xs fr-mb-1w">{t("thread.rtt")}</p>}
      {chat && (
        <p className="fr-text--xs fr-mb-1w" aria-live="polite">
          {citizenTyping
            ? t("thread.citizenTyping")
            : readAt
              ? `${t("thread.readAt")} ${new Date(readAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`
              : ""}
        </p>
      )}
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
              ref: reply,
              value: text,
              rows: 3,
              maxLength: rtt ? 2000 : 4000, // a real-time text draft: the chat's limit
              onChange: (e) => {
                setText(e.target.value);
                if (!rtt && chat && Date.now() - lastTyping.current > 3000) {
                  lastTyping.current = Date.now();
                  void settle(
                    client.POST("/api/v1/interactions/{id}/typing", { params: { path: { id: item.id } } }),
                  );
                }
              },
              // Enter sends, Shift+Enter breaks the line (as in every chat);
              // not while an input method composes a character.
              onKeyDown: (e) => {
                if (e.key !== "Enter" || e.shiftKey || e.nativeEvent.isComposing) return;
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              },
              "aria-describedby": `thread-keys-${item.id}`,
            }}
          />
          <p id={`thread-keys-${item.id}`} className="fr-hint-text fr-mb-1w">
            {t("shortcuts.send")} · {t("shortcuts.newline")}
          </p>
          {email && (
            <div className="fr-upload-group fr-mb-2w">
              <label className="fr-label" htmlFor={`reply-files-${item.id}`}>
                {t("thread.attach")}
                <span className="fr-hint-text">{t("thread.attachHint")}</span>
              </label>
              <input
                ref={fileInput}
                id={`reply-files-${item.id}`}
                className="fr-upload"
                type="file"
                multiple
                accept="application/pdf,image/jpeg,image/png"
                disabled={uploading || files.length >= 5}
                onChange={(e) => void attach(e.target.files)}
              />
              {files.length > 0 && (
                <ul className="fr-tags-group fr-mt-1w" aria-label={t("thread.attached")}>
                  {files.map((f) => (
                    <li key={f.id}>
                      <button
                        type="button"
                        className="fr-tag fr-tag--dismiss"
                        aria-label={`${t("thread.detach")} ${f.name}`}
                        onClick={() => setFiles((current) => current.filter((x) => x.id !== f.id))}
                      >
                        {f.name} ({Math.max(1, Math.round(f.size / 1024))} Ko)
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <Button type="submit" iconId="fr-icon-send-plane-line" iconPosition="left">
            {t("thread.send")}
          </Button>
        </form>
      )}
      {item.phase === "active" && <KnowledgeSearch onInsert={insert} />}
    </section>
  );
}
