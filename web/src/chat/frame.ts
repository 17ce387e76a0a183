// The citizen's web chat, in Guichet's frame on the service's website
// (public/chat/widget.js opens it): the service's hours and wait before,
// the conversation with the bot then an advisor, and what resuming needs
// (the conversation's token and the messages not yet acknowledged) kept in
// this tab's sessionStorage from the start — never before. Plain DOM, no
// framework: it is what citizens load on a 2 Mbit/s line.
import { say, waitText, type Lang } from "./texts";

interface Article {
  id: number;
  title: string;
  excerpt: string;
  links: { title: string; url: string }[];
}
interface ChatEvent {
  seq?: number;
  type: string;
  from?: "citizen" | "bot" | "agent";
  text?: string;
  at?: string;
  client_id?: string;
  articles?: Article[];
  asks?: string;
  status?: "bot" | "waiting" | "with_agent" | "ended";
  position?: number;
  expected_wait_s?: number;
  by?: string;
  up_to?: number;
  code?: string;
  message?: string;
  closes_at?: string;
  field?: string;
  messages?: boolean; // "closed": a message may be left
  attachment?: { id: string; name: string; type: string; size: number };
}
// ("rtt": the agent's draft as it is now, in "text".)
interface Service {
  id: number;
  name: string;
  open: boolean;
  opens_at?: string;
  agents_ready: number;
  expected_wait_s: number;
  bot: boolean;
  messages: boolean;
  rtt: boolean; // real-time text: each side sees the other typing
  rtt_service?: number; // the real-time text service offered from this one
}
interface Saved {
  token: string;
  pending: { client_id: string; text: string }[];
}

const MAX = 2000;
const params = new URLSearchParams(location.search);
const serviceId = Number(params.get("service"));
const storageKey = `guichet-chat:${serviceId}`;
let lang: Lang = params.get("lang") === "en" ? "en" : "fr";
let service: Service | null = null;
let saved: Saved | null = null;
let socket: WebSocket | null = null;
let lastSeq = 0;
let phase: ChatEvent["status"] = "bot";
let retryMs = 1000;
let lastTyping = 0;
let typingTimer = 0;
let lastStatus: ChatEvent | null = null;

const root = document.getElementById("chat")!;

// ---- small DOM helpers ---------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}
const t = (key: Parameters<typeof say>[1], values?: Record<string, string | number>) =>
  say(lang, key, values);
const time = (iso?: string) =>
  iso
    ? new Date(iso).toLocaleTimeString(lang === "fr" ? "fr-FR" : "en-GB", {
        hour: "2-digit",
        minute: "2-digit",
      })
    : "";

// Where resuming is kept: this frame's sessionStorage — or, where the
// browser refuses storage to a frame of another site (third-party storage
// blocked), the website's own sessionStorage, through the loader.
const ownStorage = (() => {
  try {
    sessionStorage.getItem(storageKey);
    return true;
  } catch {
    return false;
  }
})();

// The website embedding the frame, as the loader names it (the queue's
// chat_origins decide which may, by CSP frame-ancestors): what is posted to
// the parent goes to that origin only — the state resuming needs holds the
// token. A page of its own has no parent to post to.
const parentOrigin = (() => {
  const named = params.get("origin") ?? "";
  try {
    if (named && new URL(named).origin === named) return named;
  } catch {
    /* not an origin */
  }
  return location.ancestorOrigins?.[0] ?? "*";
})();

function keep(value: string | null) {
  if (ownStorage) {
    if (value === null) sessionStorage.removeItem(storageKey);
    else sessionStorage.setItem(storageKey, value);
  } else {
    parent.postMessage({ type: "guichet-chat:save", value }, parentOrigin);
  }
}

function kept(): Promise<string | null> {
  if (ownStorage) return Promise.resolve(sessionStorage.getItem(storageKey));
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(null), 500);
    window.addEventListener("message", function answer(event) {
      if (event.source !== parent || event.data?.type !== "guichet-chat:state") return;
      window.removeEventListener("message", answer);
      window.clearTimeout(timer);
      resolve(typeof event.data.value === "string" ? event.data.value : null);
    });
    parent.postMessage({ type: "guichet-chat:restore" }, parentOrigin);
  });
}

function save() {
  if (saved) keep(JSON.stringify(saved));
}

// ---- the frame: header, then before or during ---------------------------

const heading = el("h1", { class: "fr-h5 fr-mb-0", id: "chat-title", tabindex: "-1" });
const languageButton = el("button", { type: "button", class: "fr-btn fr-btn--tertiary-no-outline fr-btn--sm" });
const closeButton = el("button", { type: "button", class: "fr-btn--close fr-btn" });
const body = el("div", { class: "chat-body" });
root.append(
  el("header", { class: "chat-header" }, heading, el("div", { class: "chat-header__tools" }, languageButton, closeButton)),
  body,
);
closeButton.addEventListener("click", () => parent.postMessage("guichet-chat:close", parentOrigin));
// A page of its own (the link beside a phone number), not in a website's
// frame: nothing to close.
closeButton.hidden = window.top === window;
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") parent.postMessage("guichet-chat:close", parentOrigin);
});
languageButton.addEventListener("click", () => {
  lang = lang === "fr" ? "en" : "fr";
  render();
});

function renderHeader() {
  document.documentElement.lang = lang;
  heading.textContent = service?.name ?? "";
  document.title = t("title", { service: service?.name ?? "" });
  languageButton.textContent = t("language");
  languageButton.title = t("languageTitle");
  languageButton.lang = lang === "fr" ? "en" : "fr";
  closeButton.textContent = t("close");
}

function render() {
  renderHeader();
  if (saved) renderConversation();
  else renderBefore();
}

// ---- before: hours, wait, start -----------------------------------------

function renderBefore() {
  body.replaceChildren();
  if (!service) {
    body.append(el("div", { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert" }, el("p", {}, t("unavailable"))));
    return;
  }
  if (!service.open) {
    const when = service.opens_at ? whenText(service.opens_at) : "";
    body.append(
      el("div", { class: "fr-alert fr-alert--info fr-alert--sm fr-mb-2w" },
        el("p", {}, t("closed") + (when ? " " + t("opensAt", { when }) : "") +
          (service.bot ? " " + t(service.messages ? "closedBot" : "closedBotOnly") : ""))),
    );
    if (!service.bot) {
      if (service.messages) body.append(leaveForm());
      return;
    }
  } else {
    const presence = service.agents_ready > 0 ? t("open") : t("openNobody");
    body.append(
      el("p", { class: "fr-mb-1w" }, presence + " " + t("wait", { wait: waitText(lang, service.expected_wait_s) })),
    );
  }
  if (service.bot) body.append(el("p", { class: "fr-text--sm" }, t("bot")));
  if (service.rtt) body.append(el("p", { class: "fr-text--sm" }, t("rttIntro")));
  if (service.rtt_service) {
    body.append(
      el("p", { class: "fr-text--sm" },
        el("a", { class: "fr-link", href: `/chat/frame.html?service=${service.rtt_service}&lang=${lang}${
          params.get("origin") ? `&origin=${encodeURIComponent(params.get("origin")!)}` : ""}` }, t("rttLink"))),
    );
  }
  const name = el("input", { class: "fr-input", id: "chat-name", name: "name", maxlength: "100", autocomplete: "name" });
  const start = el("button", { type: "submit", class: "fr-btn" }, t("start"));
  const form = el(
    "form",
    {},
    el("div", { class: "fr-input-group" },
      el("label", { class: "fr-label", for: "chat-name" }, t("name"), el("span", { class: "fr-hint-text" }, t("nameHint"))),
      name),
    el("p", { class: "fr-text--xs" }, t("privacy")),
    start,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    start.disabled = true;
    start.textContent = t("starting");
    const answer = await fetch(`/chat/v1/services/${serviceId}/conversations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name.value.trim(), language: lang }),
    }).catch(() => null);
    if (!answer?.ok) {
      start.disabled = false;
      start.textContent = t("start");
      const problem = answer ? ((await answer.json()) as { error?: { message?: string } }).error?.message : "";
      form.prepend(el("div", { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert" }, el("p", {}, problem || t("unavailable"))));
      return;
    }
    const started = (await answer.json()) as { token: string };
    saved = { token: started.token, pending: [] };
    save();
    lastSeq = 0;
    render();
    connect();
    input.focus();
  });
  body.append(form);
}

function whenText(iso: string): string {
  return new Date(iso).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// A message for the service when nobody can chat: a written request it
// answers by email or phone. `after`: what to do once it is passed on.
let leaveForms = 0;
function leaveForm(after?: () => void): HTMLElement {
  // One at a time, each with ids of its own (labels point at its fields).
  document.querySelectorAll("form.chat-leave").forEach((old) => old.closest("li")?.remove() ?? old.remove());
  const n = ++leaveForms;
  const contact = el("input", { class: "fr-input", id: `chat-contact-${n}`, name: "contact", autocomplete: "email", required: "", maxlength: "254", "aria-describedby": `chat-contact-hint-${n}` });
  const text = el("textarea", { class: "fr-input", id: `chat-leave-text-${n}`, name: "text", rows: "4", required: "", maxlength: String(MAX) });
  const name = el("input", { class: "fr-input", id: `chat-leave-name-${n}`, name: "name", autocomplete: "name", maxlength: "100" });
  const problem = el("div", {});
  const submit = el("button", { type: "submit", class: "fr-btn fr-btn--sm" }, t("leaveSend"));
  const form = el(
    "form",
    { class: "chat-leave", "aria-labelledby": `chat-leave-title-${n}`, novalidate: "" },
    el("h2", { class: "fr-h6 fr-mb-1w", id: `chat-leave-title-${n}` }, t("leave")),
    el("p", { class: "fr-text--sm" }, t("leaveIntro")),
    problem,
    el("div", { class: "fr-input-group" }, el("label", { class: "fr-label", for: `chat-leave-name-${n}` }, t("name")), name),
    el("div", { class: "fr-input-group" },
      el("label", { class: "fr-label", for: `chat-contact-${n}` }, t("contact"), el("span", { class: "fr-hint-text", id: `chat-contact-hint-${n}` }, t("contactHint"))),
      contact),
    el("div", { class: "fr-input-group" }, el("label", { class: "fr-label", for: `chat-leave-text-${n}` }, t("leaveText")), text),
    submit,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const missing = !contact.value.trim() ? contact : !text.value.trim() ? text : null;
    if (missing) {
      problem.replaceChildren(el("div", { class: "fr-alert fr-alert--error fr-alert--sm fr-mb-1w", role: "alert" }, el("p", {}, t("required"))));
      missing.focus();
      return;
    }
    submit.disabled = true;
    const answer = await fetch(`/chat/v1/services/${serviceId}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name.value.trim(), contact: contact.value.trim(), text: text.value.trim() }),
    }).catch(() => null);
    submit.disabled = false;
    if (!answer?.ok) {
      const said = answer ? ((await answer.json()) as { error?: { message?: string; field?: string } }).error : undefined;
      problem.replaceChildren(el("div", { class: "fr-alert fr-alert--error fr-alert--sm fr-mb-1w", role: "alert" }, el("p", {}, said?.message || t("unavailable"))));
      (said?.field === "contact" ? contact : text).focus();
      return;
    }
    const done = el("div", { class: "fr-alert fr-alert--success fr-alert--sm", role: "status", tabindex: "-1" }, el("p", {}, t("left")));
    form.replaceWith(done);
    done.focus();
    after?.();
  });
  return form;
}

// ---- during: the log, the status, the reply -----------------------------

const log = el("ol", { class: "chat-log" });
// The log region around the list: a list keeps its items' semantics.
const logRegion = el("div", { role: "log", "aria-live": "polite" }, log);
const statusLine = el("p", { class: "chat-status fr-text--sm", role: "status" });
const typingLine = el("p", { class: "chat-typing fr-text--sm", "aria-live": "polite" });
// Real-time text: the advisor's words as they type them. Not a live
// region: read out at every letter it would drown the messages, which are.
const agentDraft = el("p", { class: "chat-text fr-mb-0" });
const agentDraftLabel = el("p", { class: "chat-meta fr-text--xs fr-mb-0" });
const agentDraftBox = el("div", { class: "chat-message chat-message--agent chat-draft", hidden: "" }, agentDraftLabel, agentDraft);
const idleBox = el("div", {});
const input = el("textarea", { class: "fr-input", id: "chat-message", rows: "2", maxlength: String(MAX), "aria-describedby": "chat-message-hint" });
const sendButton = el("button", { type: "submit", class: "fr-btn fr-btn--sm" });
const personButton = el("button", { type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm" });
const endButton = el("button", { type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm" });
const transcriptButton = el("button", { type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm" });
const newButton = el("button", { type: "button", class: "fr-btn fr-btn--sm" });
const messageLabel = el("label", { class: "fr-label", for: "chat-message" });
const messageHint = el("p", { class: "fr-hint-text", id: "chat-message-hint" });
// A file for the advisor (not for the bot): checked here first, then by
// the service, which reads its type from its content.
const MAX_FILE = 5 * 1024 * 1024;
const FILE_TYPES = ["application/pdf", "image/jpeg", "image/png"];
const fileInput = el("input", { type: "file", class: "fr-upload", id: "chat-file", accept: FILE_TYPES.join(","), "aria-describedby": "chat-file-hint" });
const fileLabelText = el("span", {});
const fileHint = el("span", { class: "fr-hint-text", id: "chat-file-hint" });
const fileLabel = el("label", { class: "fr-label", for: "chat-file" }, fileLabelText, fileHint);
const fileGroup = el("div", { class: "fr-upload-group fr-mt-1w" }, fileLabel, fileInput);
const replyForm = el("form", { class: "chat-reply" },
  el("div", { class: "fr-input-group fr-mb-1w" }, messageLabel, input, messageHint), sendButton, fileGroup);

function renderConversation() {
  logRegion.setAttribute("aria-label", t("log"));
  messageLabel.textContent = t("message");
  messageHint.textContent = service?.rtt ? t("rttHint") : t("messageHint", { max: MAX });
  agentDraftLabel.textContent = t("agentDraft");
  fileLabelText.textContent = t("attach");
  fileHint.textContent = t("attachHint");
  sendButton.textContent = t("send");
  personButton.textContent = t("person");
  endButton.textContent = t("end");
  transcriptButton.textContent = t("transcript");
  newButton.textContent = t("newChat");
  if (!body.contains(log)) {
    body.replaceChildren(
      logRegion,
      agentDraftBox,
      typingLine,
      statusLine,
      idleBox,
      replyForm,
      el("div", { class: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w" }, personButton, endButton, transcriptButton, newButton),
    );
  }
  if (lastStatus) showStatus(lastStatus);
  updateControls();
}

function updateControls() {
  const ended = phase === "ended";
  replyForm.hidden = ended;
  personButton.hidden = phase !== "bot";
  fileGroup.hidden = phase !== "waiting" && phase !== "with_agent";
  endButton.hidden = ended;
  newButton.hidden = !ended;
}

input.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
  e.preventDefault();
  replyForm.requestSubmit();
});
// Real-time text: the draft, whole, at most every 300 ms (RFC 4103's
// buffering time): the advisor sees each letter and each correction.
let draftTimer = 0;
let draftSentAt = 0;
let draftSent = "";
function sendDraft() {
  draftTimer = 0;
  draftSentAt = Date.now();
  if (input.value === draftSent) return;
  draftSent = input.value;
  send({ type: "rtt", text: input.value });
}
input.addEventListener("input", () => {
  if (service?.rtt) {
    if (!draftTimer) draftTimer = window.setTimeout(sendDraft, Math.max(0, 300 - (Date.now() - draftSentAt)));
    return;
  }
  if (phase !== "with_agent" || Date.now() - lastTyping < 3000) return;
  lastTyping = Date.now();
  send({ type: "typing" });
});
replyForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !saved) return;
  const client_id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  saved.pending.push({ client_id, text });
  save();
  showPending(client_id, text);
  send({ type: "message", client_id, text });
  window.clearTimeout(draftTimer);
  draftTimer = 0;
  draftSent = "";
  input.value = "";
  input.focus();
});
fileInput.addEventListener("change", async () => {
  const file = fileInput.files?.[0];
  fileInput.value = "";
  if (!file || !saved) return;
  const item = messageItem({ type: "message", from: "citizen", text: file.name }, t("sending"));
  log.append(item);
  scrollDown();
  const refused = (why: string) => {
    item.querySelector(".chat-meta")!.textContent = `${t("you")} · ${t("notSent", { why })}`;
  };
  if (!FILE_TYPES.includes(file.type)) return refused(t("badType"));
  if (file.size > MAX_FILE) return refused(t("tooBig"));
  const answer = await fetch(`/chat/v1/attachments?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${saved.token}`, "Content-Type": "application/octet-stream" },
    body: file,
  }).catch(() => null);
  if (answer?.ok) {
    item.remove(); // its message comes on the stream, with its link
    return;
  }
  const said = answer?.status === 413 ? { field: "size" }
    : answer ? ((await answer.json().catch(() => ({}))) as { error?: { field?: string; message?: string } }).error
    : undefined;
  refused(said?.field === "type" ? t("badType") : said?.field === "size" ? t("tooBig") : (said?.message ?? t("unavailable")));
});

// A file of the conversation, fetched with the citizen's token, saved.
async function download(id: string, name: string) {
  if (!saved) return;
  const answer = await fetch(`/chat/v1/attachments?id=${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${saved.token}` },
  }).catch(() => null);
  if (!answer?.ok) return;
  const link = el("a", { href: URL.createObjectURL(await answer.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

personButton.addEventListener("click", () => send({ type: "person" }));
endButton.addEventListener("click", () => send({ type: "end" }));
newButton.addEventListener("click", () => {
  keep(null);
  saved = null;
  phase = "bot";
  lastStatus = null;
  log.replaceChildren();
  socket?.close();
  socket = null;
  void load();
});
transcriptButton.addEventListener("click", async () => {
  if (!saved) return;
  const answer = await fetch("/chat/v1/transcript", { headers: { Authorization: `Bearer ${saved.token}` } });
  if (!answer.ok) return;
  const link = el("a", { href: URL.createObjectURL(await answer.blob()), download: "conversation.txt" });
  document.body.append(link);
  link.click();
  link.remove();
});

function send(action: object) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(action));
}

// A message's text with its web addresses as links (an advisor pastes an
// article's page), built node by node: nothing of it is ever HTML.
function linked(text: string): (Node | string)[] {
  const parts: (Node | string)[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)»]/g)) {
    parts.push(text.slice(last, match.index));
    parts.push(el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, match[0]));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

// The newest message in view, unless the citizen scrolled up to read.
function scrollDown() {
  if (body.scrollHeight - body.scrollTop - body.clientHeight < 200) body.scrollTop = body.scrollHeight;
}

// A citizen's message not yet acknowledged: "envoi…" until its echo.
function showPending(client_id: string, text: string) {
  if (log.querySelector(`[data-client-id="${CSS.escape(client_id)}"]`)) return;
  const item = messageItem({ type: "message", from: "citizen", text, client_id }, t("sending"));
  item.dataset.pending = "1";
  log.append(item);
}

function messageItem(event: ChatEvent, mark = ""): HTMLLIElement {
  const who = event.from === "citizen" ? t("you") : event.from === "bot" ? t("assistant") : t("advisor");
  const meta = el("p", { class: "chat-meta fr-text--xs fr-mb-0" }, [who, time(event.at), mark].filter(Boolean).join(" · "));
  const item = el("li", { class: `chat-message chat-message--${event.from}` }, meta, el("p", { class: "chat-text fr-mb-0" }, ...linked(event.text ?? "")));
  if (event.client_id) item.dataset.clientId = event.client_id;
  if (event.attachment) {
    const { id, name } = event.attachment;
    const button = el("button", { type: "button", class: "fr-btn fr-btn--tertiary-no-outline fr-btn--sm" }, t("download", { name }));
    button.addEventListener("click", () => void download(id, name));
    item.append(button);
  }
  if (event.seq) item.dataset.seq = String(event.seq);
  for (const article of event.articles ?? []) {
    const link = article.links[0];
    const title = link
      ? el("a", { href: link.url, target: "_blank", rel: "noopener noreferrer" }, article.title)
      : el("strong", {}, article.title);
    item.append(el("div", { class: "chat-article" }, el("p", { class: "fr-mb-0" }, title), el("p", { class: "fr-text--sm fr-mb-0" }, article.excerpt)));
  }
  if (event.asks === "answered") {
    const yes = el("button", { type: "button", class: "fr-btn fr-btn--sm" }, t("yes"));
    const no = el("button", { type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm" }, t("no"));
    const group = el("div", { class: "chat-feedback", role: "group", "aria-label": t("answered") },
      el("p", { class: "fr-text--sm fr-mb-1v" }, t("answered")), yes, no);
    const answer = (answered: boolean) => {
      send({ type: "feedback", answered });
      group.remove();
      input.focus();
    };
    yes.addEventListener("click", () => answer(true));
    no.addEventListener("click", () => answer(false));
    item.append(group);
  }
  return item;
}

function showStatus(event: ChatEvent) {
  lastStatus = event;
  phase = event.status;
  const text =
    event.status === "bot" ? t("statusBot")
    : event.status === "waiting" ? t("statusWaiting", { position: event.position ?? 1, wait: waitText(lang, event.expected_wait_s ?? 0) })
    : event.status === "with_agent" ? t("statusWithAgent")
    : event.by === "agent" ? t("endedByAgent")
    : event.by === "closed" ? t("endedClosed")
    : t("statusEnded");
  if (statusLine.textContent !== text) statusLine.textContent = text;
  // A new advisor, waiting again, the end: the last one's words go.
  if (event.status !== "with_agent") showAgentDraft("");
  // Ended: a message form not sent is no longer offered (also on a replay).
  if (event.status === "ended") log.querySelectorAll("form.chat-leave").forEach((f) => f.closest("li")?.remove());
  updateControls();
}

function showAgentDraft(text: string) {
  agentDraft.textContent = text;
  agentDraftBox.hidden = !text;
  if (text) scrollDown();
}

function onEvent(event: ChatEvent) {
  if (event.seq) {
    if (event.seq <= lastSeq) return; // replayed twice: shown once
    lastSeq = event.seq;
  }
  switch (event.type) {
    case "message": {
      if (event.client_id && saved) {
        // Its echo: kept by the service, "remis".
        saved.pending = saved.pending.filter((p) => p.client_id !== event.client_id);
        save();
        log.querySelector(`[data-client-id="${CSS.escape(event.client_id)}"]`)?.remove();
      }
      if (event.from === "agent") {
        typingLine.textContent = "";
        showAgentDraft("");
      }
      // Earlier questions are answered: only the last answer asks.
      if (event.from !== "bot") log.querySelectorAll(".chat-feedback").forEach((g) => g.remove());
      log.append(messageItem(event, event.from === "citizen" ? t("delivered") : ""));
      // What is still on its way stays last.
      log.querySelectorAll("[data-pending]").forEach((pending) => log.append(pending));
      scrollDown();
      if (event.from === "agent" && document.visibilityState === "visible") send({ type: "read", up_to: event.seq });
      break;
    }
    case "status":
      showStatus(event);
      break;
    case "read":
      for (const item of log.querySelectorAll<HTMLLIElement>(".chat-message--citizen[data-seq]")) {
        if (Number(item.dataset.seq) <= (event.up_to ?? 0)) {
          const meta = item.querySelector(".chat-meta")!;
          if (!meta.textContent!.endsWith(t("read"))) meta.textContent = meta.textContent!.replace(` · ${t("delivered")}`, "") + ` · ${t("read")}`;
        }
      }
      break;
    case "rtt":
      showAgentDraft(event.text ?? "");
      break;
    case "typing":
      typingLine.textContent = t("typing");
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(() => (typingLine.textContent = ""), 4000);
      break;
    case "idle_warning": {
      const still = el("button", { type: "button", class: "fr-btn fr-btn--sm" }, t("stillHere"));
      still.addEventListener("click", () => {
        send({ type: "extend" });
        idleBox.replaceChildren();
        input.focus();
      });
      idleBox.replaceChildren(el("div", { class: "fr-alert fr-alert--warning fr-alert--sm", role: "alert" }, el("p", {}, t("idle", { when: time(event.closes_at) })), still));
      still.focus();
      break;
    }
    case "idle_extended":
      idleBox.replaceChildren();
      break;
    case "closed":
      // Nobody to hand over to: a message may be left, then the chat ends.
      if (event.messages && phase !== "ended") {
        const form = leaveForm(() => send({ type: "end" }));
        log.append(el("li", { class: "chat-message chat-message--bot" }, form));
      }
      break;
    case "error": {
      if (event.client_id && saved) {
        saved.pending = saved.pending.filter((p) => p.client_id !== event.client_id);
        save();
        const item = log.querySelector(`[data-client-id="${CSS.escape(event.client_id)}"] .chat-meta`);
        // In the citizen's words, not the server's.
        const why =
          event.code === "rate_limited" ? t("tooMany")
          : event.field === "text" ? t("tooLong", { max: MAX })
          : (event.message ?? "");
        if (item) item.textContent = `${t("you")} · ${t("notSent", { why })}`;
      }
      break;
    }
  }
}

// ---- the stream: connect, resume, reconnect ------------------------------

// The network gone (the browser says so): the stream is closed at once and
// retried; back, it reconnects without waiting.
window.addEventListener("offline", () => socket?.close());
window.addEventListener("online", () => {
  if (saved && !socket) {
    retryMs = 1000;
    connect();
  }
});

function connect() {
  if (!saved || socket) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/chat/v1/stream?token=${encodeURIComponent(saved.token)}&after=${lastSeq}`);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    retryMs = 1000;
    if (statusLine.dataset.offline) {
      delete statusLine.dataset.offline;
      if (lastStatus) showStatus(lastStatus);
    }
    // What was not acknowledged goes again: its client_id makes it once.
    for (const p of saved?.pending ?? []) ws.send(JSON.stringify({ type: "message", ...p }));
    // And the draft as it is now, for the advisor.
    if (service?.rtt && input.value) {
      draftSent = input.value;
      ws.send(JSON.stringify({ type: "rtt", text: input.value }));
    }
  };
  ws.onmessage = (message) => {
    try {
      onEvent(JSON.parse(String(message.data)) as ChatEvent);
    } catch {
      /* not an event: ignored */
    }
  };
  ws.onclose = (closed) => {
    if (socket !== ws) return;
    socket = null;
    if (closed.code === 1008 || !saved) return;
    if (!opened) void forgetIfGone();
    statusLine.dataset.offline = "1";
    statusLine.textContent = t("offline");
    window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

// A conversation the service no longer knows (its token expired, the
// service restarted): forgotten here too, and a new one may start.
async function forgetIfGone() {
  if (!saved) return;
  const answer = await fetch("/chat/v1/transcript", { headers: { Authorization: `Bearer ${saved.token}` } }).catch(() => null);
  if (answer?.status !== 404) return;
  keep(null);
  saved = null;
  lastStatus = null;
  log.replaceChildren();
  render();
}

async function load() {
  const answer = await fetch(`/chat/v1/services/${serviceId}`).catch(() => null);
  service = answer?.ok ? ((await answer.json()) as Service) : null;
  const resume = await kept();
  saved = resume ? (JSON.parse(resume) as Saved) : null;
  render();
  if (saved) {
    for (const p of saved.pending) showPending(p.client_id, p.text);
    connect();
  }
  heading.focus();
}

void load();
