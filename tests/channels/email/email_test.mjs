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
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { flags, freePort, healthy } from "../../../web/e2e/support.mjs";
import { startMailServers } from "./mailservers.mjs";

const args = flags();
const script = fileURLToPath(new URL("./mailservers.sh", import.meta.url));
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
const { mail, ports, firstPort, sendMail, inbox, subjectOf, citizenMail, htmlMail } = startMailServers();
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
process.on("unhandledRejection", (e) => { console.error(e); process.exit(1); });

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
// Postfix delivers the two in either order: the read one found by its Message-ID.
const found = spawnSync("curl", ["-s", "--cacert", ports.ca, imapsUrl, "-u", "accueil@mairie.test:secret",
  "-X", "SEARCH HEADER Message-ID old-read@exemple.fr"], { encoding: "utf8" }).stdout;
const readOne = /\* SEARCH (\d+)/.exec(found)?.[1];
if (!readOne) throw new Error(`the old read mail not found: ${found}`);
spawnSync("curl", ["-s", "--cacert", ports.ca, imapsUrl, "-u", "accueil@mairie.test:secret",
  "-X", `STORE ${readOne} +FLAGS (\\Seen)`]);

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
// A folder named in French: written as the administrator types it, reached
// as IMAP names it (modified UTF-7).
spawnSync("curl", ["-s", "--cacert", ports.ca, `imaps://127.0.0.1:${ports.imaps}/`, "-u", "accueil@mairie.test:secret",
  "-X", "CREATE \"R&AOk-clamations\""]);
const french = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_url: `imaps://127.0.0.1:${ports.imaps}/R%C3%A9clamations`, imap_password: "secret", smtp_password: "secret" });
const missing = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_url: `imaps://127.0.0.1:${ports.imaps}/R%C3%A9clamation`, imap_password: "secret", smtp_password: "secret" });
const typedEncoded = await api("admin", "POST", "/api/v1/mailboxes/test",
  { ...mailbox, imap_url: `imaps://127.0.0.1:${ports.imaps}/R&AOk-clamations`, imap_password: "secret", smtp_password: "secret" });
check(typedEncoded.imap.ok, `a folder typed as IMAP writes it still works (${JSON.stringify(typedEncoded.imap)})`);
check(french.imap.ok && missing.imap.ok === false && missing.imap.field === "mailbox",
  `a folder named "Réclamations" is found, a missing one named (${JSON.stringify(french.imap)} ${JSON.stringify(missing.imap)})`);
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
const parisDay = (iso) => new Date(iso).toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
check(subjectOf(ack).includes(`[GU-${lucie.id}]`), "the acknowledgement names the reference in its subject");
check(ack.body.includes(`GU-${lucie.id}`) && ack.body.includes(`answer by ${deadline}`) &&
  ack.body.includes("au plus tard le"), `it announces the deadline (${deadline})`);
check(ack.body.includes("Nous avons bien reçu votre message du") && ack.body.includes("01 23 45 67 89") &&
  ack.body.includes("accueil@mairie.test"), "the date received and the service's contact details");
check(ack.headers["in-reply-to"] === "<lucie-1@exemple.fr>" && ack.headers["auto-submitted"] === "auto-replied",
  "threaded to the request, marked as sent by a machine");
check(ack.body.includes("virus.exe") && !ack.body.includes("identité.pdf ("),
  "the refused file is named to the sender, the PDF taken");
// The date announced is the one the request is routed by: the end of that day in Paris.
// (Listed as soon as it is made, routed once its text and files are kept.)
const lucieRouted = await until("Lucie's request in the engine", async () => {
  const it = await api("admin", "GET", `/api/v1/interactions/${lucie.id}`);
  return it.due_at ? it : null;
});
const lucieDue = new Date(lucieRouted.answer_due);
check(parisDay(lucieRouted.answer_due) === deadline &&
  lucieDue.toLocaleTimeString("fr-FR", { timeZone: "Europe/Paris" }) === "23:59:59" &&
  lucieRouted.due_at === lucieRouted.answer_due,
  `routed by the deadline announced (${lucieRouted.answer_due}, ${lucieRouted.due_at})`);
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
// The agent joins a form to the reply: kept in the interaction first.
const upload = (user, id, name, bytes) => fetch(`${base}/api/v1/interactions/${id}/attachments?name=${encodeURIComponent(name)}`,
  { method: "POST", headers: { Authorization: `Bearer ${tokens[user]}`, "Content-Type": "application/octet-stream" },
    body: bytes });
const form = "%PDF-1.4\n% formulaire de demande d'acte\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const refusedExe = await upload("agent1", lucie.id, "outil.exe", "MZ\x90\x00 not a document");
check(refusedExe.status === 400 && (await refusedExe.json()).error.field === "file", "an executable is refused");
const tooLarge = await upload("agent1", lucie.id, "énorme.pdf", Buffer.alloc(5 * 1024 * 1024 + 10, 0x25));
check(tooLarge.status === 413, `a file over 5 MB is refused (${tooLarge.status})`);
const uploaded = await upload("agent1", lucie.id, "formulaire cerfa n°12345.pdf", form);
const formFile = await uploaded.json();
check(uploaded.status === 201 && formFile.type === "application/pdf" && formFile.name === "formulaire cerfa n°12345.pdf",
  `the agent's PDF is kept (${uploaded.status} ${JSON.stringify(formFile)})`);
const strangerFile = await fetch(`${base}/api/v1/interactions/${lucie.id}/messages`, { method: "POST",
  headers: { Authorization: `Bearer ${tokens.admin}`, "Content-Type": "application/json" },
  body: JSON.stringify({ text: "x", files: ["0123456789abcdef"] }) });
check(strangerFile.status === 404, `a file that is not this interaction's is refused (${strangerFile.status})`);
const replyAt = Date.now();
await api("agent1", "POST", `/api/v1/interactions/${lucie.id}/messages`,
  { from: "agent", text: "Bonjour Madame Martin,\nvotre acte vous sera envoyé par courrier cette semaine.",
    files: [formFile.id] });
const reply = await until("the reply received", () =>
  inbox("lucie.martin@exemple.fr").find((m) => subjectOf(m).startsWith("Re: Demande d'acte")));
figures.reply_to_mailbox_ms = Date.now() - replyAt;
check(subjectOf(reply) === `Re: Demande d'acte de naissance [GU-${lucie.id}]`, `the reply's subject (${subjectOf(reply)})`);
check(reply.headers["in-reply-to"] === "<lucie-1@exemple.fr>" &&
  reply.headers.references.includes("<lucie-1@exemple.fr>"), "threaded by In-Reply-To and References");
check(/^"?Mairie de Saint-Exemple"? <accueil@mairie.test>$/.test(reply.headers.from), `from the service's address (${reply.headers.from})`);
check((await timeline(lucie.id)).some((e) => e.type === "files_sent" && e.data.files.includes("formulaire cerfa n°12345.pdf")),
  "the history says which files went with the reply");
check(/Content-Disposition: attachment;[\s\S]{0,40}filename\*?=/.test(reply.raw) &&
  reply.raw.includes(Buffer.from(form).toString("base64").slice(0, 60)) && reply.raw.includes("multipart/mixed"),
  "the agent's file goes with the reply, whole");
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
// Lucie writes from her work address: a supervisor checks it is her and joins it.
const png = Buffer.from("89504e470d0a1a0a0000000d494844520000000100000001", "hex");
sendMail("l.martin@travail.fr", "accueil@mairie.test", citizenMail({
  from: "l.martin@travail.fr", name: "Lucie Martin", subject: `Re: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "Voici le livret de famille scanné.", id: "lucie-work-1@travail.fr",
  parts: [{ name: "livret.png", type: "image/png", content: png }] }));
const fromWork = await until("the mail from her work address", async () =>
  (await emailInteractions()).find((i) => i.attributes.subject?.startsWith("Re: Demande") &&
    i.attributes.claims_thread === String(lucie.id) && i.id !== marc.id));
const notHis = await fetch(`${base}/api/v1/interactions/${fromWork.id}/join-thread`, { method: "POST",
  headers: { Authorization: `Bearer ${tokens.agent1}` } });
check(notHis.status === 403, `an agent not holding it cannot join it (${notHis.status})`);
const claimed = await api("admin", "GET", `/api/v1/interactions/${fromWork.id}/join-thread`);
check(claimed.thread_id === lucie.id && claimed.address === "lucie.martin@exemple.fr" && !claimed.joined,
  `the agent sees whose request it claims (${JSON.stringify(claimed)})`);
const joined = await api("admin", "POST", `/api/v1/interactions/${fromWork.id}/join-thread`);
check(joined.thread_id === lucie.id, "joined to Lucie's request");
const lucieAfterJoin = await timeline(lucie.id);
check(lucieAfterJoin.some((e) => e.type === "message" && e.data.text.includes("De : Lucie Martin <l.martin@travail.fr>") &&
  e.data.text.includes("livret de famille scanné")) &&
  lucieAfterJoin.some((e) => e.type === "attachment" && e.data.name === "livret.png") &&
  lucieAfterJoin.some((e) => e.type === "thread_joined" && e.data.interaction_id === fromWork.id),
  "its text, saying who wrote it, and its file are in her request");
const again = await api("admin", "POST", `/api/v1/interactions/${fromWork.id}/join-thread`);
const afterAgain = await timeline(lucie.id);
check(again.thread_id === lucie.id &&
  afterAgain.filter((e) => e.type === "message" && e.data.text.includes("livret de famille scanné")).length === 1 &&
  afterAgain.filter((e) => e.type === "attachment" && e.data.name === "livret.png").length === 1,
  "asked again, the same answer, nothing twice");
sendMail("l.martin@travail.fr", "accueil@mairie.test", citizenMail({
  from: "l.martin@travail.fr", name: "Lucie Martin", subject: `Re: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "Et le numéro de dossier est 4521.", id: "lucie-work-2@travail.fr" }));
await until("her next mail from work joins by itself", async () =>
  (await timeline(lucie.id)).some((e) => e.type === "message" && e.data.text.includes("dossier est 4521")));
check(true, "once confirmed, her other address joins without asking again");

// ---- an HTML mail, shown safe ----------------------------------------------------
const logo = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
sendMail("nadia@exemple.fr", "accueil@mairie.test", htmlMail({
  from: "nadia@exemple.fr", name: "Nadia", subject: "Carte d'identité", id: "nadia-1@exemple.fr",
  html: "<html><head><style>p{color:#333}</style><script>alert('lu')</script></head><body>" +
    "<p>Bonjour,</p><p><b>Voici</b> ma demande de <a href=\"https://service-public.fr\">carte</a>.</p>" +
    "<img src=\"cid:signature@exemple.fr\" alt=\"signature\"><img src=\"https://tracker.test/open.gif?u=42\">" +
    "<a href=\"javascript:alert(1)\" onclick=\"alert(2)\">clic</a></body></html>",
  images: [{ cid: "signature@exemple.fr", name: "signature.png", content: logo }] }));
const nadia = await until("the HTML mail routed", async () =>
  (await emailInteractions()).find((i) => i.attributes.subject === "Carte d'identité"));
// Listed as soon as it is made, held until its text and files are kept:
// read once its inline image is there.
const nadiaTimeline = await until("the HTML mail's files kept", async () => {
  const t = await timeline(nadia.id);
  return t.some((e) => e.type === "attachment" && e.data.name === "signature.png") ? t : null;
});
const htmlFile = nadiaTimeline.find((e) => e.type === "attachment" && e.data.html === true);
check(nadiaTimeline.some((e) => e.type === "message" && /Voici\s+ma demande de\s+carte/.test(e.data.text)) &&
  htmlFile?.data.remote_images === 1, `read as text, its HTML kept with one remote image counted (${JSON.stringify(htmlFile?.data)})`);
const shownSafe = await fetch(`${base}/api/v1/interactions/${nadia.id}/mail?file=${htmlFile.data.id}`,
  { headers: { Authorization: `Bearer ${tokens.admin}` } });
const safe = await shownSafe.text();
const policy = shownSafe.headers.get("content-security-policy") ?? "";
check(shownSafe.status === 200 && safe.includes("<b>Voici</b>") && safe.includes("src=\"data:image/png;base64,") &&
  !/script|alert|tracker\.test|javascript:|onclick/i.test(safe),
  "shown formatted, its own image inline, nothing that runs, no remote image");
check(/default-src 'none'/.test(policy) && /sandbox/.test(policy) && !/https:/.test(policy) &&
  shownSafe.headers.get("referrer-policy") === "no-referrer", `sent sandboxed, fetching nothing (${policy})`);
const withRemote = await fetch(`${base}/api/v1/interactions/${nadia.id}/mail?file=${htmlFile.data.id}&remote=1`,
  { headers: { Authorization: `Bearer ${tokens.admin}` } });
check((await withRemote.text()).includes("https://tracker.test/open.gif?u=42") &&
  /img-src data: https:/.test(withRemote.headers.get("content-security-policy")),
  "remote images when the agent asks");

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
// Its queue promises an answer the same day: every one of them is at risk.
const bulkQueue = await api("admin", "POST", "/api/v1/queues",
  { name: "courriel-masse", channel: "email", answer_within_days: 0 });
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
const atRisk = await api("admin", "GET", "/api/v1/stats/deadlines");
check(atRisk.interactions.length === 50 && atRisk.interactions.every((i) =>
  i.queue_id === bulkQueue.id && parisDay(i.answer_due) === parisDay(new Date().toISOString())),
  `the supervisors' list holds the mails due today, not Lucie's due in five days (${atRisk.interactions.length})`);
check(atRisk.interactions.every((i, k, all) => k === 0 || all[k - 1].answer_due <= i.answer_due),
  "soonest first");
// Another service's mailbox, a mail quoting this one's request: a request of
// its own, never offered to be joined there (nor its citizen named).
sendMail("curieux@exemple.fr", "masse@mairie.test", citizenMail({
  from: "curieux@exemple.fr", name: "Curieux", subject: `Re: Demande d'acte de naissance [GU-${lucie.id}]`,
  text: "Où en est ce dossier ?", id: "curieux-1@exemple.fr" }));
const curious = await until("the mail in the other mailbox", async () =>
  (await api("admin", "GET", `/api/v1/interactions?queue_id=${bulkQueue.id}&limit=5`)).interactions
    .find((i) => i.attributes.name === "Curieux"));
check(curious.attributes.claims_thread === undefined, "another mailbox's mail claims no request of this one");

console.log(JSON.stringify({ figures }));
if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("email: all checks passed");
process.exit(0);
