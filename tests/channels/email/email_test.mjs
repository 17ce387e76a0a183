// The email channel against a real Dovecot and Postfix on loopback
// (mailservers.sh): a citizen's mail becomes an interaction of its queue,
// acknowledged with its reference and the right deadline; the agent's
// reply reaches the citizen's mailbox with its threading headers; replies
// join their conversation by headers or, without them, by the [GU-n]
// reference — never from another address; a bounce marks the mail failed;
// an auto-reply is never answered; the IMAP server going down and coming
// back loses and doubles nothing; a kill -9 with a reply not yet sent
// sends it once after the restart.
//
// node email_test.mjs --guichet PATH
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { flags, freePort, healthy } from "../../../web/e2e/support.mjs";

const args = flags();
const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, "mailservers.sh");
const figures = {};
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}
async function until(what, test, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- the mail servers -------------------------------------------------------
const mail = mkdtempSync("/tmp/gm.");
const firstPort = 30000 + 10 * Math.floor(Math.random() * 2000);
const started = execFileSync(script, ["start", mail, String(firstPort)], { encoding: "utf8" });
const ports = Object.fromEntries(started.trim().split(/\s+/).map((kv) => kv.split("=")));
process.on("exit", () => {
  spawnSync(script, ["stop", mail]);
  rmSync(mail, { recursive: true, force: true });
});
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
process.on("unhandledRejection", (e) => { console.error(e); process.exit(1); });

// A mail sent as from the Internet (no sign-in), as a citizen's client does.
function sendMail(from, to, raw) {
  const sent = spawnSync("curl", ["-s", "--url", `smtp://127.0.0.1:${ports.smtp_in}`, "--mail-from", from,
    "--mail-rcpt", to, "-T", "-"], { input: raw.replace(/\r?\n/g, "\r\n") });
  if (sent.status !== 0) throw new Error(`curl smtp: ${sent.status} ${sent.stderr}`);
}
// The mails in `address`'s mailbox, as files (headers parsed roughly).
function inbox(address) {
  const box = join(ports.mail, address, "Maildir");
  const out = [];
  for (const sub of ["new", "cur"]) {
    if (!existsSync(join(box, sub))) continue;
    for (const name of readdirSync(join(box, sub))) {
      const raw = readFileSync(join(box, sub, name), "utf8");
      const [head] = raw.split(/\r?\n\r?\n/);
      const headers = {};
      for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] ??= line.slice(colon + 1).trim();
      }
      out.push({ raw, headers, body: decodedBody(raw) });
    }
  }
  return out;
}
// The text of a mail Guichet composed (quoted-printable, UTF-8).
function decodedBody(raw) {
  const body = raw.split(/\r?\n\r?\n/).slice(1).join("\n\n");
  if (!/quoted-printable/i.test(raw)) return body;
  const bytes = Buffer.from(body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1");
  return bytes.toString("utf8");
}
function subjectOf(m) {
  // RFC 2047 words, UTF-8 (b or q)
  return m.headers.subject.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc, text) =>
    enc.toLowerCase() === "b" ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi,
        (__, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"));
}
function citizenMail({ from, name, subject, text, id, inReplyTo, references, extra = "", parts }) {
  const headers = [`From: ${name} <${from}>`, "To: Mairie <accueil@mairie.test>", `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`, `Message-ID: <${id}>`, "MIME-Version: 1.0"];
  if (inReplyTo) headers.push(`In-Reply-To: <${inReplyTo}>`);
  if (references) headers.push(`References: ${references.map((r) => `<${r}>`).join(" ")}`);
  if (extra) headers.push(extra);
  if (!parts) return `${headers.join("\n")}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${text}\n`;
  const boundary = "b-" + id.replace(/[^a-z0-9]/gi, "");
  let out = `${headers.join("\n")}\nContent-Type: multipart/mixed; boundary="${boundary}"\n\n--${boundary}\n` +
    `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${text}\n`;
  for (const p of parts) {
    out += `--${boundary}\nContent-Type: ${p.type}; name="${p.name}"\nContent-Disposition: attachment; filename="${p.name}"\n` +
      `Content-Transfer-Encoding: base64\n\n${Buffer.from(p.content).toString("base64").replace(/(.{76})/g, "$1\n")}\n`;
  }
  return out + `--${boundary}--\n`;
}

// ---- Guichet ----------------------------------------------------------------
const data = mkdtempSync(join("/tmp", "guichet-email-"));
process.on("exit", () => rmSync(data, { recursive: true, force: true }));
const users = { admin: ["admin", "admin-password-1234"], agent1: ["agent", "agent1-password-123"] };
for (const [name, [role, password]] of Object.entries(users)) {
  const added = spawnSync(args.guichet, ["user", "add", "--name", name, "--role", role, "--data", data],
    { input: password + "\n" });
  if (added.status !== 0) throw new Error(`user add ${name}: ${added.stderr}`);
}
const httpPort = await freePort();
const base = `http://127.0.0.1:${httpPort}`;
let server = null;
let log = "";
async function startServer() {
  server = spawn(args.guichet, ["serve", "--data", data, "--listen", `127.0.0.1:${httpPort}`,
    "--access-log", "false", "--mail-ca", ports.ca], { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout.on("data", (d) => (log += d));
  server.stderr.on("data", (d) => (log += d));
  if (!(await healthy(base))) throw new Error("the server did not answer");
}
process.on("exit", () => server?.kill("SIGKILL"));
process.on("exit", (code) => { if (code !== 0) console.error(`--- serve.log\n${log.slice(-6000)}`); });
await startServer();
const tokens = {};
async function api(user, method, path, body) {
  if (!tokens[user]) {
    const login = await fetch(`${base}/api/v1/session`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: user, password: users[user][1] }) });
    tokens[user] = (await login.json()).token;
  }
  const response = await fetch(`${base}${path}`, { method,
    headers: { Authorization: `Bearer ${tokens[user]}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const emailInteractions = async () =>
  (await api("admin", "GET", "/api/v1/interactions?limit=500")).interactions.filter((i) => i.channel === "email");
const timeline = async (id) => (await api("admin", "GET", `/api/v1/interactions/${id}`)).timeline;

const ids = Object.fromEntries((await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]));
const queue = await api("admin", "POST", "/api/v1/queues",
  { name: "courriel", channel: "email", answer_within_days: 5 });  // open all hours: its deadline counts Monday to Friday
await api("admin", "PUT", `/api/v1/agents/${ids.agent1}`, { capacity: { email: 1 } });

// Mail there before the mailbox is set up: one read, one not.
sendMail("ancien@exemple.fr", "accueil@mairie.test", citizenMail({ from: "ancien@exemple.fr", name: "Ancien",
  subject: "Vieux message lu", text: "Déjà traité.", id: "old-read@exemple.fr" }));
sendMail("ancien@exemple.fr", "accueil@mairie.test", citizenMail({ from: "ancien@exemple.fr", name: "Ancien",
  subject: "Vieux message non lu", text: "Pas encore lu.", id: "old-unread@exemple.fr" }));
await until("the two old mails delivered", () => inbox("accueil@mairie.test").length === 2);
const imapsUrl = `imaps://127.0.0.1:${ports.imaps}/INBOX`;
spawnSync("curl", ["-s", "--cacert", ports.ca, imapsUrl, "-u", "accueil@mairie.test:secret",
  "-X", "STORE 1 +FLAGS (\\Seen)"]);

// The connection test says what failed.
const mailbox = {
  name: "Accueil", address: "accueil@mairie.test", display_name: "Mairie de Saint-Exemple", queue_id: queue.id,
  imap_url: imapsUrl, imap_user: "accueil@mairie.test",
  smtp_url: `smtp://127.0.0.1:${ports.submission}`, smtp_user: "accueil@mairie.test",
  signature: "Service état civil – 01 23 45 67 89",
};
const wrong = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_password: "faux", smtp_password: "secret" });
check(wrong.imap.ok === false && wrong.imap.field === "password" && wrong.smtp.ok === true,
  `a wrong IMAP password is named (${JSON.stringify(wrong.imap)})`);
const down = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_url: `imaps://127.0.0.1:${firstPort + 9}/INBOX`, imap_password: "secret", smtp_password: "secret" });
check(down.imap.ok === false && down.imap.field === "server", "an unreachable server is named");
const right = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_password: "secret", smtp_password: "secret" });
check(right.imap.ok && right.smtp.ok, "the right passwords sign in to both");
const created = await api("admin", "POST", "/api/v1/mailboxes",
  { ...mailbox, imap_password: "secret", smtp_password: "secret" });
check(created.imap_password_set && created.smtp_password_set && !("imap_password" in created) &&
  !JSON.stringify(created).includes("secret\""), "the passwords are kept, never shown");
const audit = JSON.stringify(await api("admin", "GET", "/api/v1/audit?limit=20"));
check(!audit.includes("\"secret\""), "nor written in the audit log");

// A first connection takes the unread mail only.
const old = await until("the unread old mail taken", async () => {
  const all = await emailInteractions();
  return all.length >= 1 ? all : null;
});
await new Promise((r) => setTimeout(r, 500));
const oldOnes = await emailInteractions();
check(oldOnes.length === 1 && oldOnes[0].attributes.subject === "Vieux message non lu",
  `a first connection takes what is unread, not the history (${oldOnes.map((i) => i.attributes.subject)})`);

// ---- a citizen's request ------------------------------------------------------
const pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const sentAt = Date.now();
sendMail("lucie.martin@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "lucie.martin@exemple.fr", name: "Lucie Martin", subject: "Demande d'acte de naissance",
  text: "Bonjour,\nje voudrais une copie intégrale de mon acte de naissance.\nMerci.", id: "lucie-1@exemple.fr",
  parts: [{ name: "pièce d'identité.pdf", type: "application/pdf", content: pdf },
    { name: "virus.exe", type: "application/octet-stream", content: "MZ\x90\x00" }],
}));
const lucie = await until("Lucie's request routed", async () =>
  (await emailInteractions()).find((i) => i.attributes.subject === "Demande d'acte de naissance"));
figures.mail_to_interaction_ms = Date.now() - sentAt;
const ack = await until("the acknowledgement received", () =>
  inbox("lucie.martin@exemple.fr").find((m) => subjectOf(m).startsWith("Accusé de réception")));
figures.mail_to_acknowledgement_ms = Date.now() - sentAt;
// Five working days after today (Paris), weekends and French holidays skipped
// (a queue without hours counts Monday to Friday).
function expectedDeadline(from, days) {
  const holidays = new Set(["2026-12-25", "2027-01-01", "2027-04-05", "2027-05-01", "2027-05-08", "2027-05-06",
    "2027-05-17", "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"]);
  const paris = new Date(from.toLocaleString("en-US", { timeZone: "Europe/Paris" }));
  const d = new Date(Date.UTC(paris.getFullYear(), paris.getMonth(), paris.getDate()));
  for (let left = days; left > 0;) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = d.toISOString().slice(0, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !holidays.has(iso)) left--;
  }
  return d.toISOString().slice(0, 10);
}
const deadline = expectedDeadline(new Date(), 5);
check(subjectOf(ack).includes(`[GU-${lucie.id}]`), "the acknowledgement names the reference in its subject");
check(ack.body.includes(`GU-${lucie.id}`) && ack.body.includes(`answer by ${deadline}`) &&
  ack.body.includes("au plus tard le"), `it announces the deadline (${deadline})`);
check(ack.body.includes("Nous avons bien reçu votre message du") && ack.body.includes("01 23 45 67 89") &&
  ack.body.includes("accueil@mairie.test"), "the date received and the service's contact details");
check(ack.headers["in-reply-to"] === "<lucie-1@exemple.fr>" && ack.headers["auto-submitted"] === "auto-replied",
  "threaded to the request, marked as sent by a machine");
check(ack.body.includes("virus.exe") && !ack.body.includes("identité.pdf ("),
  "the refused file is named to the sender, the PDF taken");
const lucieTimeline = await timeline(lucie.id);
check(lucieTimeline.some((e) => e.type === "message" && e.data.text.includes("copie intégrale")),
  "the mail's text is in the interaction");
const attachment = lucieTimeline.find((e) => e.type === "attachment");
check(attachment && attachment.data.name === "pièce d'identité.pdf" && attachment.data.type === "application/pdf",
  "the PDF is kept as a file of the interaction");
await until("the acknowledgement noted", async () => (await timeline(lucie.id)).some((e) => e.type === "acknowledged"));

// ---- the agent replies ------------------------------------------------------
await api("agent1", "PUT", `/api/v1/agents/${ids.agent1}/state`, { state: "available" });
// Mail is pushed to the agent (accepted at once, as the engine does for email).
async function acceptFor(interaction) {
  await until(`${interaction} in the agent's hands`, async () =>
    (await api("admin", "GET", `/api/v1/interactions/${interaction}`)).phase === "active");
}
// The old mail came first: answered and completed.
await acceptFor(oldOnes[0].id);
await api("agent1", "POST", `/api/v1/interactions/${oldOnes[0].id}/complete`, {});
await acceptFor(lucie.id);
const file = await fetch(`${base}/api/v1/interactions/${lucie.id}/attachment?file=${attachment.data.id}`,
  { headers: { Authorization: `Bearer ${tokens.agent1}` } });
check(file.status === 200 && (await file.text()) === pdf, "the agent downloads the PDF as sent");
const replyAt = Date.now();
await api("agent1", "POST", `/api/v1/interactions/${lucie.id}/messages`,
  { from: "agent", text: "Bonjour Madame Martin,\nvotre acte vous sera envoyé par courrier cette semaine." });
const reply = await until("the reply received", () =>
  inbox("lucie.martin@exemple.fr").find((m) => subjectOf(m).startsWith("Re: Demande d'acte")));
figures.reply_to_mailbox_ms = Date.now() - replyAt;
check(subjectOf(reply) === `Re: Demande d'acte de naissance [GU-${lucie.id}]`, `the reply's subject (${subjectOf(reply)})`);
check(reply.headers["in-reply-to"] === "<lucie-1@exemple.fr>" &&
  reply.headers.references.includes("<lucie-1@exemple.fr>"), "threaded by In-Reply-To and References");
check(/^"?Mairie de Saint-Exemple"? <accueil@mairie.test>$/.test(reply.headers.from), `from the service's address (${reply.headers.from})`);
check(reply.body.includes("envoyé par courrier") && reply.body.includes("-- \n") &&
  reply.body.includes("> je voudrais une copie intégrale"), "the text, the signature, the citizen's text quoted");
await until("the delivery noted", async () =>
  (await timeline(lucie.id)).some((e) => e.type === "delivery" && e.data.status === "sent"));
const replyId = reply.headers["message-id"].replace(/[<>]/g, "");

// ---- replies join their thread ------------------------------------------------
sendMail("lucie.martin@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "lucie.martin@exemple.fr", name: "Lucie Martin", subject: `Re: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "Merci beaucoup !\n\nLe lun. 7 déc. 2026 à 10:02, Mairie a écrit :\n> votre acte vous sera envoyé",
  id: "lucie-2@exemple.fr", inReplyTo: replyId, references: ["lucie-1@exemple.fr", replyId] }));
await until("the reply joins by its headers", async () =>
  (await timeline(lucie.id)).some((e) => e.type === "message" && e.data.text === "Merci beaucoup !"));
check(true, "a reply joins by In-Reply-To, its quoted history folded away");
// A client that drops the headers: the subject's reference.
sendMail("lucie.martin@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "Lucie.Martin@Exemple.fr", name: "Lucie", subject: `RE: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "J'oubliais : c'est pour un mariage.", id: "lucie-3@exemple.fr" }));
await until("the headerless reply joins by reference", async () =>
  (await timeline(lucie.id)).some((e) => e.type === "message" && e.data.text.includes("pour un mariage")));
check(true, "a reply without threading headers joins by the [GU-n] reference");
// Someone else quoting the reference does not join Lucie's thread.
sendMail("marc@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "marc@exemple.fr", name: "Marc", subject: `Re: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "Je suis son frère, pouvez-vous me l'envoyer ?", id: "marc-1@exemple.fr", inReplyTo: replyId }));
const marc = await until("Marc's mail", async () =>
  (await emailInteractions()).find((i) => i.attributes.claims_thread === String(lucie.id)));
check(marc.id !== lucie.id && !(await timeline(lucie.id)).some((e) => e.data?.text?.includes("son frère")),
  "another sender never joins the thread: a new interaction, naming the thread it claims");

// ---- automatic mail ---------------------------------------------------------
const acksBefore = inbox("lucie.martin@exemple.fr").filter((m) => subjectOf(m).startsWith("Accusé")).length;
sendMail("lucie.martin@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "lucie.martin@exemple.fr", name: "Lucie Martin", subject: "Absence du bureau",
  text: "Je suis absente jusqu'au 15.", id: "lucie-ooo@exemple.fr", inReplyTo: replyId,
  extra: "Auto-Submitted: auto-replied" }));
sendMail("robot@liste.exemple.fr", "accueil@mairie.test", citizenMail({
  from: "robot@liste.exemple.fr", name: "Lettre d'information", subject: "Lettre n° 12",
  text: "Nouvelles de la semaine", id: "list-12@liste.exemple.fr", extra: "List-Id: <infos.liste.exemple.fr>" }));
await until("the auto-reply noted", async () => (await timeline(lucie.id)).some((e) => e.type === "automatic_mail"));
await until("the list mail set aside", async () =>
  (await api("admin", "GET", "/api/v1/stats/email")).quarantine.some((q) => q.subject === "Lettre n° 12"));
await new Promise((r) => setTimeout(r, 1000));
check(inbox("lucie.martin@exemple.fr").filter((m) => subjectOf(m).startsWith("Accusé")).length === acksBefore &&
  inbox("robot@liste.exemple.fr").length === 0, "an auto-reply and a list are never answered");
check(!(await emailInteractions()).some((i) => i.attributes.subject === "Lettre n° 12"), "nor routed");

// ---- a bounce -----------------------------------------------------------------
sendMail("bob@nowhere.test", "accueil@mairie.test", citizenMail({
  from: "bob@nowhere.test", name: "Bob", subject: "Question", text: "Une question.", id: "bob-1@nowhere.test" }));
const bob = await until("Bob's request", async () =>
  (await emailInteractions()).find((i) => i.attributes.subject === "Question"));
await until("the acknowledgement to Bob bounced", async () =>
  (await timeline(bob.id)).some((e) => e.type === "delivery" && e.data.status === "failed"), 30000);
const bounce = (await timeline(bob.id)).find((e) => e.type === "delivery" && e.data.status === "failed");
check(/no such mailbox/.test(bounce.data.detail ?? ""), `the bounce comes back to the interaction (${bounce.data.detail})`);

// ---- the IMAP server goes down and comes back -----------------------------------
execFileSync(script, ["stop-imap", mail]);
await until("the mailbox shown down", async () =>
  (await api("admin", "GET", "/api/v1/stats/email")).mailboxes[0].imap.up === false, 30000);
const metrics = await (await fetch(`${base}/metrics`)).text();
check(/guichet_email_mailbox_up\{mailbox="1"\} 0/.test(metrics), "and in /metrics");
for (let i = 1; i <= 3; i++) {
  const raw = citizenMail({ from: `panne${i}@exemple.fr`, name: `Panne ${i}`, subject: `Pendant la panne ${i}`,
    text: "Écrit pendant la panne.", id: `panne-${i}@exemple.fr` });
  // Written into the Maildir (as a delivery agent does; Dovecot numbers it when it is back).
  const box = join(ports.mail, "accueil@mairie.test", "Maildir");
  const name = `${Date.now()}.P${process.pid}Q${i}.guichet-test`;
  writeFileSync(join(box, "tmp", name), raw.replace(/\r?\n/g, "\r\n"));
  renameSync(join(box, "tmp", name), join(box, "new", name));
}
execFileSync(script, ["start-imap", mail]);
await until("the three mails written during the outage taken", async () =>
  (await emailInteractions()).filter((i) => i.attributes.subject?.startsWith("Pendant la panne")).length >= 3, 60000);
await new Promise((r) => setTimeout(r, 1500));
check((await emailInteractions()).filter((i) => i.attributes.subject?.startsWith("Pendant la panne")).length === 3,
  "nothing missed, nothing doubled across the outage");
check((await api("admin", "GET", "/api/v1/stats/email")).mailboxes[0].imap.up === true, "the mailbox is up again");

// ---- kill -9 with a reply not yet sent ----------------------------------------
await api("agent1", "POST", `/api/v1/interactions/${lucie.id}/complete`, {});
await acceptFor(marc.id);
spawnSync("postfix", ["-c", join(mail, "pf/etc"), "stop"]);
await api("agent1", "POST", `/api/v1/interactions/${marc.id}/messages`,
  { from: "agent", text: "Bonjour, seule la personne concernée peut le demander." });
await until("the reply waits in the outbox", async () => {
  const s = await api("admin", "GET", "/api/v1/stats/email");
  return s.outbox === 1 && s.mailboxes[0].smtp.up === false;
}, 30000);
check(true, "the SMTP server down: the reply waits, the mailbox's sending shown down");
server.kill("SIGKILL");
await new Promise((r) => server.on("exit", r));
spawnSync("postfix", ["-c", join(mail, "pf/etc"), "start"]);
await startServer();
const toMarc = await until("the reply sent after the restart", () => {
  const replies = inbox("marc@exemple.fr").filter((m) => subjectOf(m).startsWith("Re:"));
  return replies.length ? replies : null;
}, 60000);
await new Promise((r) => setTimeout(r, 2000));
const repliesToMarc = inbox("marc@exemple.fr").filter((m) => subjectOf(m).startsWith("Re:"));
check(repliesToMarc.length === 1 && repliesToMarc[0].body.includes("seule la personne concernée"),
  `sent once after kill -9 (${repliesToMarc.length})`);
check(toMarc.length >= 1, "nothing accepted was lost");
const after = await emailInteractions();
check(after.filter((i) => i.attributes.subject === "Demande d'acte de naissance").length === 1,
  "the restart imported nothing twice");

// ---- a full folder -------------------------------------------------------------
// 1,200 unread mails at a first connection: listed in slices (libcurl refused
// the answer to one command listing 1,000: "Too large response headers").
const bulkQueue = await api("admin", "POST", "/api/v1/queues", { name: "courriel-masse", channel: "email" });
const bulkBox = join(ports.mail, "masse@mairie.test", "Maildir");
for (const sub of ["tmp", "new", "cur"]) mkdirSync(join(bulkBox, sub), { recursive: true });
for (let i = 0; i < 1200; i++) {
  writeFileSync(join(bulkBox, "new", `${1800000000 + i}.M${i}P${process.pid}.bulk`), citizenMail({
    from: `masse${i}@exemple.fr`, name: `Usager ${i}`, subject: `Demande ${i}`, text: "Bonjour.",
    id: `masse-${i}@exemple.fr` }).replace(/\r?\n/g, "\r\n"));
}
spawnSync("chown", ["-R", "65534:65534", join(ports.mail, "masse@mairie.test")]);
const bulkAt = Date.now();
await api("admin", "POST", "/api/v1/mailboxes", { name: "Masse", address: "masse@mairie.test", queue_id: bulkQueue.id,
  imap_url: imapsUrl.replace("INBOX", "INBOX"), imap_user: "masse@mairie.test", imap_password: "secret",
  smtp_url: `smtp://127.0.0.1:${ports.submission}`, smtp_user: "masse@mairie.test", smtp_password: "secret",
  acknowledge: false });
const bulk = await until("the 1,200 mails taken", async () => {
  const queues = await api("admin", "GET", "/api/v1/stats/queues");
  const q = queues.find((x) => x.queue_id === bulkQueue.id);
  return q && q.waiting >= 1200 ? q : null;
}, 120000);
figures.bulk_mails_per_s = Math.round(1200 / ((Date.now() - bulkAt) / 1000));
await new Promise((r) => setTimeout(r, 1000));
const bulkAfter = (await api("admin", "GET", "/api/v1/stats/queues")).find((x) => x.queue_id === bulkQueue.id);
check(bulk.waiting === 1200 && bulkAfter.waiting === 1200, `a folder of 1,200 mails is taken whole, each once (${bulkAfter.waiting})`);

console.log(JSON.stringify({ figures }));
if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("email: all checks passed");
process.exit(0);
