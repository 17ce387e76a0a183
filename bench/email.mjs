// The email channel's throughput against a private Dovecot and Postfix
// (tests/channels/email/mailservers.sh): a mailbox of N unread mails (10,000
// by default) taken into routed interactions, each acknowledged over SMTP.
// Reported: mails per second (IMAP to a routed interaction, durable) and
// acknowledgements per second (the SMTP server took them), beside two
// references run on the same servers in the same run — Python's imaplib
// fetching each of the same mails by UID, and smtplib sending as many mails
// over one connection: what the servers allow one client doing the same
// round trips.
//
// node bench/email.mjs --guichet PATH [--mails 10000] [--runs 3]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { flags, freePort, healthy } from "../web/e2e/support.mjs";

const args = flags();
const mails = Number(args.mails ?? 10000);
const runs = Number(args.runs ?? 3);
const script = fileURLToPath(new URL("../tests/channels/email/mailservers.sh", import.meta.url));

function mailOf(i) {
  return [
    `From: Usager ${i} <usager${i % 500}@exemple.fr>`,
    "To: Mairie <accueil@mairie.test>",
    `Subject: Demande n° ${i}`,
    "Date: Mon, 07 Dec 2026 09:00:00 +0100",
    `Message-ID: <bench-${i}@exemple.fr>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Bonjour,",
    `je voudrais connaître l'avancement de mon dossier ${100000 + i}.`,
    "Cordialement.",
    "",
  ].join("\r\n");
}

// A Maildir of `n` new mails, written as a delivery agent writes them.
function fill(box, n) {
  for (const sub of ["tmp", "new", "cur"]) mkdirSync(join(box, sub), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(box, "new", `${1800000000 + i}.M${i}P1.bench`), mailOf(i));
  spawnSync("chown", ["-R", "65534:65534", join(box, "..")]);
}

function python(code) {
  const started = process.hrtime.bigint();
  const run = spawnSync("python3", ["-c", code], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`python: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function once(run) {
  const dir = mkdtempSync("/tmp/gb.");
  let out = "";
  for (let attempt = 1; !out; attempt++) {
    try {
      // Below the kernel's ephemeral range (32768+): no client socket holds them.
      out = execFileSync(script, ["start", dir, String(10000 + 10 * Math.floor(Math.random() * 1000))],
        { encoding: "utf8" });
    } catch (e) {
      spawnSync(script, ["stop", dir]);
      if (attempt === 3) throw e;
    }
  }
  const ports = Object.fromEntries(out.trim().split(/\s+/).map((kv) => kv.split("=")));
  const data = mkdtempSync("/tmp/gb-data.");
  let server = null;
  try {
    // The reference first, on the same servers: the IMAP fetch of each mail.
    fill(join(ports.mail, "reference@mairie.test", "Maildir"), mails);
    const imapSeconds = python(`
import imaplib, ssl
c = ssl.create_default_context(cafile="${ports.ca}")
m = imaplib.IMAP4_SSL("127.0.0.1", ${ports.imaps}, ssl_context=c)
m.login("reference@mairie.test", "secret"); m.select("INBOX")
typ, data = m.uid("SEARCH", None, "UNSEEN")
for uid in data[0].split():
    m.uid("FETCH", uid, "(BODY[])")
m.logout()`);
    const smtpSeconds = python(`
import smtplib, ssl
c = ssl.create_default_context(cafile="${ports.ca}")
s = smtplib.SMTP("127.0.0.1", ${ports.submission}); s.starttls(context=c); s.login("accueil@mairie.test", "secret")
for i in range(${mails}):
    s.sendmail("accueil@mairie.test", ["ref%d@exemple.fr" % (i % 500)], "From: accueil@mairie.test\\r\\nTo: ref@exemple.fr\\r\\nSubject: Accuse %d\\r\\nAuto-Submitted: auto-replied\\r\\n\\r\\nBonjour.\\r\\n" % i)
s.quit()`);

    fill(join(ports.mail, "accueil@mairie.test", "Maildir"), mails);
    const password = "bench-admin-password-1";
    spawnSync(args.guichet, ["user", "add", "--name", "admin", "--role", "admin", "--data", data], { input: `${password}\n` });
    const httpPort = await freePort();
    const base = `http://127.0.0.1:${httpPort}`;
    server = spawn(args.guichet, ["serve", "--data", data, "--listen", `127.0.0.1:${httpPort}`, "--access-log", "false",
      "--mail-ca", ports.ca], { stdio: ["ignore", "ignore", "inherit"] });
    if (!(await healthy(base))) throw new Error("the server did not answer");
    const token = (await (await fetch(`${base}/api/v1/session`, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password }) })).json()).token;
    const api = async (method, path, body) => {
      const r = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body) });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const queue = await api("POST", "/api/v1/queues", { name: "courriel", channel: "email" });
    const started = Date.now();
    await api("POST", "/api/v1/mailboxes", { name: "Accueil", address: "accueil@mairie.test", queue_id: queue.id,
      imap_url: `imaps://127.0.0.1:${ports.imaps}/INBOX`, imap_user: "accueil@mairie.test", imap_password: "secret",
      smtp_url: `smtp://127.0.0.1:${ports.submission}`, smtp_user: "accueil@mairie.test", smtp_password: "secret" });
    let taken = 0;
    let acknowledged = 0;
    let takenAt = 0;
    for (;;) {
      const s = await api("GET", "/api/v1/stats/email");
      if (s.received >= mails && !takenAt) takenAt = Date.now();
      taken = s.received;
      acknowledged = s.acknowledged;
      if (acknowledged >= mails) break;
      if (Date.now() - started > 900_000) throw new Error(`stalled: ${taken} taken, ${acknowledged} acknowledged`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const ackAt = Date.now();
    const interactions = (await api("GET", "/api/v1/stats/queues")).find((q) => q.queue_id === queue.id);
    const result = {
      run,
      mails,
      mails_per_s: Math.round(mails / ((takenAt - started) / 1000)),
      acknowledgements_per_s: Math.round(mails / ((ackAt - started) / 1000)),
      reference_imaplib_fetch_per_s: Math.round(mails / imapSeconds),
      reference_smtplib_send_per_s: Math.round(mails / smtpSeconds),
      waiting_in_queue: interactions?.waiting,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    server?.kill("SIGTERM");
    spawnSync(script, ["stop", dir]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

const results = [];
for (let run = 1; run <= runs; run++) results.push(await once(run));
const span = (key) => `${Math.min(...results.map((r) => r[key]))}–${Math.max(...results.map((r) => r[key]))}`;
console.log(JSON.stringify({
  mails_per_s: span("mails_per_s"),
  acknowledgements_per_s: span("acknowledgements_per_s"),
  reference_imaplib_fetch_per_s: span("reference_imaplib_fetch_per_s"),
  reference_smtplib_send_per_s: span("reference_smtplib_send_per_s"),
}));
