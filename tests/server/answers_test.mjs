// The API as docs/openapi.json describes it, checked against the real
// server: a working session (an admin sets up the service, a supervisor
// brings interactions in, an agent takes, writes, transfers and completes
// them, citizens are found and merged, figures and reports are read) where
// every body sent is checked against the operation's request schema and
// every answer against the schema of its status. A field renamed, a type
// changed or an answer not documented fails here, as the web client's
// types (generated from the same document) would fail `tsc`.
//
// Every operation is called at least once, except the few only a live call
// can reach (the voice tests drive those). Answers with a status the
// document does not list are printed: the document should say them.
//
// Usage: node tests/server/answers_test.mjs --guichet path/to/guichet
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flags, freePort, healthy, toneWav } from "../../web/e2e/support.mjs";

const require = createRequire(new URL("../../web/tools/openapi/package.json", import.meta.url));
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const { guichet } = flags();
const document = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url)));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, "openapi");

// Only a live call reaches these (tests/channels/voice/*); the WebSocket is
// tests/server/events_test.cpp's.
const notHere = new Set([
  "GET /api/v1/events",
  "POST /api/v1/interactions/{id}/call",
  "GET /api/v1/interactions/{id}/recording",
]);

const work = mkdtempSync(join(tmpdir(), "guichet-answers-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let log = "";
const failures = [];
const undocumented = new Set();
const covered = new Set();
const fail = (message) => {
  console.error(`FAIL: ${message}\n--- serve.log\n${log.slice(-3000)}`);
  process.exit(1);
};
process.on("unhandledRejection", (e) => fail(e.stack ?? String(e)));

const password = "answers-admin-password-1";
spawnSync(guichet, ["user", "add", "--name", "admin", "--role", "admin", "--data", join(work, "data")],
  { input: `${password}\n` });
const server = spawn(guichet, [
  "serve", "--data", join(work, "data"), "--listen", `127.0.0.1:${port}`, "--access-log", "false",
  "--sip-listen", `127.0.0.1:${21000 + Math.floor(Math.random() * 20000)}`,
  "--sip-phone-networks", "127.0.0.0/8",
], { stdio: ["ignore", "pipe", "pipe"] });
server.stdout.on("data", (d) => (log += d));
server.stderr.on("data", (d) => (log += d));
process.on("exit", () => {
  server.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});
if (!(await healthy(base))) fail("the server did not answer");

// "/api/v1/queues/12" → "/api/v1/queues/{id}", as the document names it.
function template(method, path) {
  const bare = path.split("?")[0];
  for (const documented of Object.keys(document.paths)) {
    const pattern = new RegExp(`^${documented.replace(/\{[^}]+\}/g, "[0-9]+")}$`);
    if (pattern.test(bare) && document.paths[documented][method.toLowerCase()]) return documented;
  }
  return null;
}

const pointer = (...parts) =>
  "openapi#/" + parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

function check(schemaRef, value, what) {
  const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef });
  if (!validate(value)) {
    failures.push(`${what}: ${ajv.errorsText(validate.errors, { separator: "; " })}\n  ${
      JSON.stringify(value).slice(0, 400)}`);
  }
}

// Calls the API; checks what was sent and what came back against the
// document; returns {status, body}.
// `invalid`: a body the document refuses, sent on purpose.
async function call(token, method, path, body, { raw, type, invalid } = {}) {
  const documented = template(method, path);
  const key = `${method} ${documented ?? path}`;
  if (!documented) failures.push(`${key}: not in the document`);
  covered.add(key);
  const operation = documented ? document.paths[documented][method.toLowerCase()] : null;
  const sentType = type ?? "application/json";
  if (body !== undefined && !raw && !invalid && operation?.requestBody?.content?.[sentType]?.schema) {
    check(pointer("paths", documented, method.toLowerCase(), "requestBody", "content", sentType,
      "schema"), body, `${key} request`);
  }
  const headers = { "Content-Type": sentType };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0];
  const bytes = Buffer.from(await response.arrayBuffer());
  const parsed = contentType === "application/json" && bytes.length ? JSON.parse(bytes) : null;
  if (!operation) return { status: response.status, body: parsed };
  let answer = operation.responses?.[String(response.status)];
  if (answer?.$ref) answer = ajv.getSchema(`openapi${answer.$ref}`)?.schema ?? answer;
  const status = String(response.status);
  if (!answer) {
    if (status.startsWith("2")) failures.push(`${key}: ${status} is not documented`);
    else undocumented.add(`${key} ${status}`);
    if (parsed && !status.startsWith("2")) {
      check(pointer("components", "schemas", "Error"), parsed, `${key} ${status}`);
    }
    return { status: response.status, body: parsed };
  }
  const ref = operation.responses[status].$ref;
  const content = ref ? document.components.responses.Error.content : answer.content;
  if (response.status === 204 || !content) {
    if (bytes.length) failures.push(`${key} ${status}: a body where the document says none`);
  } else if (!content[contentType]) {
    failures.push(`${key} ${status}: ${contentType || "no content type"} where the document says ${
      Object.keys(content).join(", ")}`);
  } else if (content[contentType].schema && contentType === "application/json") {
    const schemaRef = ref
      ? pointer("components", "schemas", "Error")
      : pointer("paths", documented, method.toLowerCase(), "responses", status, "content",
        contentType, "schema");
    check(schemaRef, parsed, `${key} ${status}`);
  }
  return { status: response.status, body: parsed };
}

async function expect(status, pending) {
  const result = await pending;
  if (result.status !== status) {
    fail(`expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

async function login(username, secret) {
  const session = await expect(200, call(null, "POST", "/api/v1/session",
    { username, password: secret }));
  return session.token;
}

// ---- the session -------------------------------------------------------------------

await expect(200, call(null, "GET", "/healthz"));
await expect(200, call(null, "GET", "/readyz"));
await expect(200, call(null, "GET", "/api/v1/openapi.json"));
await expect(200, call(null, "GET", "/metrics"));
await expect(401, call(null, "GET", "/api/v1/session"));
const admin = await login("admin", password);
await expect(200, call(admin, "GET", "/api/v1/session"));

// The admin sets up the service.
const sup = await expect(201, call(admin, "POST", "/api/v1/users", {
  username: "sophie", display_name: "Sophie Martin", role: "supervisor",
  password: "sophie-password-1234",
}));
const lea = await expect(201, call(admin, "POST", "/api/v1/users", {
  username: "lea", display_name: "Léa Dubois", role: "agent", password: "lea-password-123456",
}));
await expect(200, call(admin, "GET", "/api/v1/users"));
await expect(200, call(admin, "PUT", `/api/v1/users/${lea.id}`, { display_name: "Léa Dubois-Roy" }));
const supervisor = await login("sophie", "sophie-password-1234");
const agent = await login("lea", "lea-password-123456");

const documents = async (path, first, second, change) => {
  const made = await expect(201, call(admin, "POST", path, first));
  const other = await expect(201, call(admin, "POST", path, second));
  await expect(200, call(admin, "GET", path));
  await expect(200, call(admin, "GET", `${path}/${made.id}`));
  await expect(200, call(admin, "PUT", `${path}/${made.id}`, { ...first, ...change }));
  await expect(204, call(admin, "DELETE", `${path}/${other.id}`));
  await expect(404, call(admin, "GET", `${path}/${other.id}`));
  return made;
};
const civil = await documents("/api/v1/skills", { name: "etat_civil" }, { name: "urbanisme" },
  { description: "Actes de naissance, mariage, décès" });
await documents("/api/v1/wrapup-codes", { name: "renseigne" }, { name: "sans_suite" },
  { description: "Renseigné" });
await documents("/api/v1/pause-reasons", { name: "dejeuner" }, { name: "formation" },
  { description: "Déjeuner" });
await documents("/api/v1/canned-responses", { name: "accueil", text: "Bonjour, je vous écoute." },
  { name: "fin", text: "Bonne journée." }, { text: "Bonjour, que puis-je pour vous ?" });
// The knowledge base: a draft, published, changed, searched, withdrawn.
const births = await documents("/api/v1/articles",
  { title: "Obtenir un acte de naissance", body: "Une copie intégrale, gratuite, à la mairie.",
    tags: ["extrait"], links: [{ title: "Service-Public.fr", url: "https://www.service-public.fr/" }] },
  { title: "Brouillon", body: "À écrire." }, { body: "Une copie intégrale ou un extrait, gratuits." });
await expect(200, call(supervisor, "POST", `/api/v1/articles/${births.id}/publish`));
await expect(200, call(agent, "GET", "/api/v1/knowledge/search?q=acte%20de%20naissance&limit=3"));
await expect(400, call(agent, "GET", "/api/v1/knowledge/search?q="));
await expect(403, call(agent, "GET", "/api/v1/articles"));
await expect(409, call(admin, "POST", "/api/v1/articles", { title: "Obtenir un acte de naissance", body: "x" }));
await expect(200, call(supervisor, "POST", `/api/v1/articles/${births.id}/withdraw`));
await expect(200, call(supervisor, "POST", `/api/v1/articles/${births.id}/publish`));
const calendar = await documents("/api/v1/calendars",
  { name: "mairie", hours: "mon-fri 08:30-12:30,13:30-17:00" },
  { name: "samedi", hours: "sat 09:00-12:00" }, { closed_dates: ["2026-12-24"] });
await expect(400, call(admin, "POST", "/api/v1/queues", { name: "x", channel: "fax" },
  { invalid: true }));
const tasks = await documents("/api/v1/queues",
  { name: "etat-civil", channel: "task", skills: [{ skill_id: civil.id, min_level: 1 }] },
  { name: "provisoire", channel: "task" }, { sl_threshold_s: 60, sl_target: 0.9, wrapup_s: 120 });
const chat = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "chat-site-web", channel: "chat", calendar_id: calendar.id, accept_when_closed: true }));
// The citizen's web chat, without an account.
// Messages left when nobody can chat: kept as emails (lea takes none).
const chatMessages = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "messages-du-chat", channel: "email" }));
const webChat = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "chat-24h", channel: "chat", chat_origins: ["https://www.saint-exemple.fr"],
    chat_message_queue_id: chatMessages.id }));
await expect(201, call(null, "POST", `/chat/v1/services/${webChat.id}/messages`,
  { name: "Lucie", contact: "06 12 34 56 78", text: "Pouvez-vous me rappeler ?" }));
await expect(400, call(null, "POST", `/chat/v1/services/${webChat.id}/messages`,
  { contact: "pas un contact", text: "x" }));
await expect(400, call(admin, "POST", "/api/v1/queues",
  { name: "chat-x", channel: "chat", chat_origins: ["https://www.saint-exemple.fr/chat"] }, { invalid: true }));
await expect(200, call(null, "GET", `/chat/v1/services/${webChat.id}`));
await expect(404, call(null, "GET", `/chat/v1/services/${civil.id}`));
const started = await expect(201, call(null, "POST", `/chat/v1/services/${webChat.id}/conversations`,
  { name: "Lucie", language: "fr" }));
await expect(426, call(null, "GET", `/chat/v1/stream?token=${started.token}`));
await expect(200, call(started.token, "GET", "/chat/v1/transcript"));
await expect(404, call("not-a-token", "GET", "/chat/v1/transcript"));
await expect(401, call(started.token, "GET", "/api/v1/session")); // a chat token opens nothing else
// A file for the advisor: not to the bot; then, waiting for a person, a
// PNG kept and a Word document refused for its type.
const scan = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const octets = { raw: true, type: "application/octet-stream" };
await expect(409, call(started.token, "POST", "/chat/v1/attachments?name=scan.png", scan, octets));
// (Asking for a skill nobody here holds: it waits, offered to nobody.)
const lsf = await expect(201, call(admin, "POST", "/api/v1/skills", { name: "lsf" }));
const direct = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "chat-direct", channel: "chat", chat_bot: false, skills: [{ skill_id: lsf.id, min_level: 1 }] }));
const waiting = await expect(201, call(null, "POST", `/chat/v1/services/${direct.id}/conversations`, {}));
const file = await expect(201, call(waiting.token, "POST", "/chat/v1/attachments?name=carte%20grise.png",
  scan, octets));
await expect(400, call(waiting.token, "POST", "/chat/v1/attachments?name=lettre.docx",
  Buffer.from("504b0304", "hex"), octets));
await expect(200, call(waiting.token, "GET", `/chat/v1/attachments?id=${file.id}`));
await expect(404, call(started.token, "GET", `/chat/v1/attachments?id=${file.id}`)); // another's
const directChats = await expect(200, call(admin, "GET", `/api/v1/interactions?queue_id=${direct.id}`));
await expect(200, call(admin, "GET",
  `/api/v1/interactions/${directChats.interactions[0].id}/attachment?file=${file.id}`));
await expect(404, call(admin, "GET",
  `/api/v1/interactions/${directChats.interactions[0].id}/attachment?file=../../guichet.db`));
// An agent's files go out by email only (tests/channels/email sends them).
await expect(409, call(admin, "POST",
  `/api/v1/interactions/${directChats.interactions[0].id}/attachments?name=scan.png`, scan, octets));
await expect(409, call(admin, "POST", `/api/v1/interactions/${directChats.interactions[0].id}/messages`,
  { text: "voici", files: [file.id] }));
await expect(404, call(admin, "GET",
  `/api/v1/interactions/${directChats.interactions[0].id}/mail?file=${file.id}`)); // not a mail's HTML
// Joining another's thread: email conversations only (tests/channels/email joins one).
await expect(404, call(admin, "POST", `/api/v1/interactions/${directChats.interactions[0].id}/join-thread`));
await expect(404, call(admin, "GET", `/api/v1/interactions/${directChats.interactions[0].id}/join-thread`));
const callbacks = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "rappels", channel: "callback" }));
const voice = await expect(201, call(admin, "POST", "/api/v1/queues",
  { name: "standard", channel: "voice", callback_queue_id: callbacks.id }));

// Agents' profiles, states and phones.
await expect(200, call(admin, "PUT", `/api/v1/agents/${lea.id}`,
  { skills: [{ skill_id: civil.id, level: 3 }], capacity: { task: 1, chat: 2, voice: 1 } }));
await expect(200, call(admin, "PUT", `/api/v1/agents/${sup.id}`, { capacity: { task: 1 } }));
await expect(200, call(agent, "GET", "/api/v1/agents"));
await expect(200, call(agent, "GET", `/api/v1/agents/${lea.id}`));
await expect(200, call(agent, "PUT", `/api/v1/agents/${lea.id}/phone`,
  { phone: "sip:lea@127.0.0.1:5062" }));
await expect(200, call(agent, "PUT", `/api/v1/agents/${lea.id}/state`,
  { state: "paused", reason: "dejeuner" }));
await expect(200, call(agent, "PUT", `/api/v1/agents/${lea.id}/state`, { state: "available" }));

// Citizens.
const jeanne = await expect(201, call(supervisor, "POST", "/api/v1/citizens",
  { name: "Jeanne Dupont", contacts: [{ kind: "phone", value: "06 12 34 56 78" }] }));
const duplicate = await expect(201, call(supervisor, "POST", "/api/v1/citizens",
  { name: "J. Dupont", contacts: [{ kind: "email", value: "Jeanne.Dupont@exemple.fr" }] }));
await expect(200, call(supervisor, "GET", "/api/v1/citizens?q=0612345678"));
await expect(201, call(supervisor, "POST", `/api/v1/citizens/${jeanne.id}/contacts`,
  { kind: "email", value: "jd@exemple.fr" }));

// The agent's offers, once there is one (a declined interaction comes back
// after a moment).
async function offered() {
  for (let i = 0; i < 100; i++) {
    const now = await expect(200, call(agent, "GET", "/api/v1/offers"));
    if (now.length) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
  return fail("no offer came");
}

// A working morning: a task offered, declined, offered again, accepted,
// completed; a chat written both ways and transferred; a call turned into a
// callback; another abandoned.
const task = await expect(201, call(supervisor, "POST", "/api/v1/interactions", {
  channel: "task", queue_id: tasks.id, citizen_id: duplicate.id, priority: 5,
  attributes: { dossier: "N-2026-0042" },
}));
let offers = await expect(200, call(agent, "GET", "/api/v1/offers"));
if (offers.length !== 1) fail(`one offer expected: ${JSON.stringify(offers)}`);
await expect(200, call(agent, "POST", `/api/v1/offers/${offers[0].id}/reject`));
await expect(200, call(agent, "PUT", `/api/v1/agents/${lea.id}/state`, { state: "available" }));
offers = await offered();
await expect(200, call(agent, "POST", `/api/v1/offers/${offers[0].id}/accept`));
await expect(200, call(agent, "GET", `/api/v1/agents/${lea.id}/interactions`));
// While handling it: a note of their own, the citizen searched and named.
await expect(204, call(agent, "POST", `/api/v1/interactions/${task.id}/typing`));
await expect(204, call(agent, "POST", `/api/v1/interactions/${task.id}/read`));
// Real-time text is a web chat's (an accessible chat queue's): not a task's.
await expect(404, call(agent, "POST", `/api/v1/interactions/${task.id}/rtt`, { text: "Bonj" }));
await expect(201, call(agent, "POST", `/api/v1/interactions/${task.id}/notes`,
  { note: "Pièce d'identité reçue." }));
await expect(200, call(agent, "GET", "/api/v1/citizens?q=Jeanne"));
await expect(200, call(agent, "POST", `/api/v1/interactions/${task.id}/citizen`,
  { citizen_id: jeanne.id }));
await expect(200, call(agent, "POST", `/api/v1/interactions/${task.id}/complete`,
  { wrapup_code: "renseigne", note: "Acte envoyé par courrier." }));
// Ready before the queue's two minutes of wrap-up; once only.
await expect(200, call(agent, "POST", `/api/v1/interactions/${task.id}/ready`));
await expect(404, call(agent, "POST", `/api/v1/interactions/${task.id}/ready`)); // no longer held
await expect(200, call(supervisor, "POST", `/api/v1/citizens/${jeanne.id}/merge`,
  { duplicate_id: duplicate.id }));
await expect(200, call(supervisor, "GET", `/api/v1/citizens/${jeanne.id}`));

const conversation = await expect(201, call(supervisor, "POST", "/api/v1/interactions",
  { channel: "chat", queue_id: chat.id, citizen_id: jeanne.id }));
await expect(201, call(supervisor, "POST", `/api/v1/interactions/${conversation.id}/messages`,
  { from: "citizen", text: "Bonjour, je voudrais un acte de naissance." }));
offers = await offered();
await expect(200, call(agent, "POST", `/api/v1/offers/${offers[0].id}/accept`));
await expect(201, call(agent, "POST", `/api/v1/interactions/${conversation.id}/messages`,
  { text: "Bonjour ! Pour quelle commune ?" }));
await expect(200, call(agent, "GET", `/api/v1/interactions/${conversation.id}`));
await expect(200, call(agent, "POST", `/api/v1/interactions/${conversation.id}/transfer`,
  { queue_id: chat.id }));

// Nobody free: the calls wait.
await expect(200, call(supervisor, "PUT", `/api/v1/agents/${lea.id}/state`,
  { state: "paused", reason: "dejeuner" }));
const call1 = await expect(201, call(supervisor, "POST", "/api/v1/interactions",
  { channel: "voice", queue_id: voice.id }));
await expect(200, call(supervisor, "POST", `/api/v1/interactions/${call1.id}/callback`));
const call2 = await expect(201, call(supervisor, "POST", "/api/v1/interactions",
  { channel: "voice", queue_id: voice.id }));
await expect(200, call(supervisor, "POST", `/api/v1/interactions/${call2.id}/abandon`));
const page = await expect(200, call(supervisor, "GET", "/api/v1/interactions?limit=2"));
await expect(200, call(supervisor, "GET",
  `/api/v1/interactions?limit=2&before_id=${page.next_before_id}`));
await expect(200, call(supervisor, "GET", `/api/v1/interactions?status=completed`));

// What supervisors read.
await expect(200, call(agent, "GET", "/api/v1/stats/queues"));
await expect(200, call(supervisor, "GET", "/api/v1/stats/agents"));
await expect(200, call(supervisor, "GET", "/api/v1/stats/voice"));
const line = await expect(201, call(supervisor, "POST", "/api/v1/queues",
  { name: "ligne-accueil", channel: "voice", hours: "mon-fri 08:30-17:00" }));
await expect(201, call(supervisor, "POST", "/api/v1/queues",
  { name: "texte-temps-reel", channel: "chat", chat_rtt: true, chat_hours_queue_id: line.id }));
const coverage = await expect(200, call(supervisor, "GET", "/api/v1/stats/accessible"));
if (coverage.queues.length !== 1 || coverage.queues[0].week.length !== 7) {
  fail(`the accessible coverage: ${JSON.stringify(coverage)}`);
}
await expect(403, call(agent, "GET", "/api/v1/stats/accessible"));
// A mailbox (its servers unreachable here: tests/channels/email drives real ones).
const mailQueue = await expect(201, call(supervisor, "POST", "/api/v1/queues",
  { name: "courriel", channel: "email", answer_within_days: 10 }));
const mailbox = await expect(201, call(admin, "POST", "/api/v1/mailboxes", {
  name: "Accueil", address: "accueil@mairie.test", display_name: "Mairie", queue_id: mailQueue.id,
  imap_url: "imaps://127.0.0.1:1/INBOX", imap_user: "accueil", imap_password: "secret",
  smtp_url: "smtp://127.0.0.1:1", smtp_user: "accueil", smtp_password: "secret",
}));
if (!mailbox.imap_password_set || "imap_password" in mailbox) fail(`a mailbox's password: ${JSON.stringify(mailbox)}`);
await expect(400, call(admin, "POST", "/api/v1/mailboxes", { ...mailbox, id: undefined, name: "Autre",
  imap_password_set: undefined, smtp_password_set: undefined, version: undefined, queue_id: line.id }));
await expect(200, call(admin, "GET", "/api/v1/mailboxes"));
await expect(200, call(admin, "GET", `/api/v1/mailboxes/${mailbox.id}`));
await expect(200, call(admin, "PUT", `/api/v1/mailboxes/${mailbox.id}`, {
  name: "Accueil", address: "accueil@mairie.test", queue_id: mailQueue.id, signature: "01 23 45 67 89",
  imap_url: "imaps://127.0.0.1:1/INBOX", imap_user: "accueil", smtp_url: "smtp://127.0.0.1:1", smtp_user: "accueil",
}));
// A kept password never goes to a server it was not given for.
await expect(400, call(admin, "PUT", `/api/v1/mailboxes/${mailbox.id}`, {
  name: "Accueil", address: "accueil@mairie.test", queue_id: mailQueue.id,
  imap_url: "imaps://imap.ailleurs.example/INBOX", imap_user: "accueil", smtp_url: "smtp://127.0.0.1:1", smtp_user: "accueil",
}));
await expect(403, call(supervisor, "GET", "/api/v1/mailboxes"));
const tried = await expect(200, call(admin, "POST", "/api/v1/mailboxes/test", { id: mailbox.id,
  imap_url: "imaps://127.0.0.1:1/INBOX", imap_user: "accueil", smtp_url: "smtp://127.0.0.1:1", smtp_user: "accueil" }));
if (tried.imap.ok || tried.imap.field !== "server") fail(`the connection test: ${JSON.stringify(tried)}`);
await expect(200, call(supervisor, "GET", "/api/v1/stats/email"));
await expect(403, call(agent, "GET", "/api/v1/stats/email"));
await expect(200, call(supervisor, "GET", "/api/v1/stats/deadlines"));
await expect(403, call(agent, "GET", "/api/v1/stats/deadlines"));
await expect(204, call(admin, "DELETE", `/api/v1/mailboxes/${mailbox.id}`));
await expect(404, call(admin, "GET", `/api/v1/mailboxes/${mailbox.id}`));
await expect(200, call(supervisor, "GET", "/api/v1/reports/traffic?by=queue&interval=60"));
await expect(200, call(supervisor, "GET", "/api/v1/reports/traffic?by=agent"));
await expect(200, call(supervisor, "GET", "/api/v1/reports/traffic?by=channel&format=csv"));
await expect(200, call(supervisor, "POST", "/api/v1/simulations",
  { arrivals: { [tasks.id]: [4, 8, 6] }, interval_s: 900, aht_s: 240, patience_s: 120 }));
await expect(200, call(supervisor, "GET", "/api/v1/audit"));

// Who runs the service: a town hall, its links and its logo.
await expect(200, call(null, "GET", "/api/v1/identity"));
await expect(200, call(admin, "PUT", "/api/v1/identity", {
  name: "Mairie de Saint-Exemple", state_service: false, accessibility: "partially compliant",
  accessibility_url: "https://www.saint-exemple.fr/accessibilite", legal_notice_url: "/mentions-legales",
}));
const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
const withLogo = await expect(200, call(admin, "PUT", "/api/v1/identity/logo", png,
  { raw: true, type: "image/png" }));
await expect(200, call(null, "GET", withLogo.logo_url));
await expect(204, call(admin, "DELETE", "/api/v1/identity/logo"));
await expect(404, call(null, "GET", "/api/v1/identity/logo"));

// The phone's side: a recording, and a flow that plays it.
const prompt = await expect(201, call(admin, "POST", "/api/v1/prompts?name=accueil",
  toneWav(0.5), { raw: true, type: "audio/wav" }));
await expect(200, call(admin, "GET", "/api/v1/prompts"));
await expect(200, call(admin, "GET", `/api/v1/prompts/${prompt.id}`));
await expect(200, call(admin, "GET", `/api/v1/prompts/${prompt.id}/audio`));
const steps = [
  { id: "bienvenue", type: "prompt", audio_id: prompt.id, next: "horaires" },
  { id: "horaires", type: "hours", calendar_id: calendar.id, open: "file", closed: "fermee" },
  { id: "file", type: "queue", queue_id: voice.id, callback_digit: "1" },
  { id: "fermee", type: "prompt", text: "La mairie est fermée.", next: "fin" },
  { id: "fin", type: "hangup" },
];
await expect(200, call(admin, "POST", "/api/v1/ivr-flows/check",
  { name: "Accueil", number: "0140000000", steps: steps.slice(1) }));
const flow = await expect(201, call(admin, "POST", "/api/v1/ivr-flows",
  { name: "Accueil", number: "0140000000", steps }));
await expect(200, call(admin, "GET", "/api/v1/ivr-flows"));
await expect(200, call(admin, "GET", `/api/v1/ivr-flows/${flow.id}`));
await expect(409, call(admin, "DELETE", `/api/v1/prompts/${prompt.id}`)); // a flow plays it
await expect(200, call(admin, "PUT", `/api/v1/ivr-flows/${flow.id}`,
  { name: "Accueil", number: "0140000000", steps: [steps[2]] }));
await expect(204, call(admin, "DELETE", `/api/v1/ivr-flows/${flow.id}`));
await expect(204, call(admin, "DELETE", `/api/v1/prompts/${prompt.id}`));

await expect(204, call(agent, "DELETE", "/api/v1/session"));

// ---- what it showed ----------------------------------------------------------------

const missing = [];
for (const [path, operations] of Object.entries(document.paths)) {
  for (const method of Object.keys(operations)) {
    if (method === "parameters") continue;
    const key = `${method.toUpperCase()} ${path}`;
    if (!covered.has(key) && !notHere.has(key)) missing.push(key);
  }
}
if (undocumented.size) {
  console.log(`answers the document does not list (${undocumented.size}):\n  ${
    [...undocumented].join("\n  ")}`);
}
if (missing.length) failures.push(`operations never called:\n  ${missing.join("\n  ")}`);
if (failures.length) fail(`${failures.length} answers differ from docs/openapi.json:\n${
  failures.join("\n")}`);
console.log(`answers_test: ${covered.size} operations called, every answer as documented`);
process.exit(0);
