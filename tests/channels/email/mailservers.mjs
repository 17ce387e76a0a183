// The email tests' side of the private Dovecot and Postfix (mailservers.sh):
// started for the script and stopped when it exits; a citizen's mail sent
// as from the Internet; a mailbox's mails read as files; mails written as
// citizens' clients write them.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./mailservers.sh", import.meta.url));

// The text of a mail Guichet composed (quoted-printable, UTF-8).
function decodedBody(raw) {
  const body = raw.split(/\r?\n\r?\n/).slice(1).join("\n\n");
  if (!/quoted-printable/i.test(raw)) return body;
  const bytes = Buffer.from(body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1");
  return bytes.toString("utf8");
}

// A mail's subject, its RFC 2047 words (UTF-8, B or Q) decoded.
export function subjectOf(m) {
  return m.headers.subject.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc, text) =>
    enc.toLowerCase() === "b" ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi,
        (__, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"));
}

// A citizen's mail to the town hall: plain text, or with files (`parts`).
export function citizenMail({ from, name, subject, text, id, inReplyTo, references, extra = "", parts }) {
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

// An HTML-only mail with its inline images (multipart/related, as Outlook
// and webmails write them): `images` [{cid, name, content}].
export function htmlMail({ from, name, subject, html, id, images = [] }) {
  const boundary = "r-" + id.replace(/[^a-z0-9]/gi, "");
  let out = [`From: ${name} <${from}>`, "To: Mairie <accueil@mairie.test>", `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`, `Message-ID: <${id}>`, "MIME-Version: 1.0",
    `Content-Type: multipart/related; boundary="${boundary}"`].join("\n") +
    `\n\n--${boundary}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${html}\n`;
  for (const image of images) {
    out += `--${boundary}\nContent-Type: image/png; name="${image.name}"\nContent-ID: <${image.cid}>\n` +
      `Content-Disposition: inline; filename="${image.name}"\nContent-Transfer-Encoding: base64\n\n` +
      `${Buffer.from(image.content).toString("base64").replace(/(.{76})/g, "$1\n")}\n`;
  }
  return out + `--${boundary}--\n`;
}

// Starts the servers on free ports (stopped when the process exits).
export function startMailServers() {
  const mail = mkdtempSync("/tmp/gm.");
  // Random ports: another try elsewhere if one is taken.
  let firstPort = 0;
  let started = "";
  for (let attempt = 1; !started; attempt++) {
    // Below the kernel's ephemeral range (32768+): no client socket holds them.
    firstPort = 10000 + 10 * Math.floor(Math.random() * 1000);
    try {
      started = execFileSync(script, ["start", mail, String(firstPort)], { encoding: "utf8" });
    } catch (e) {
      spawnSync(script, ["stop", mail]);
      if (attempt === 3) throw e;
    }
  }
  const ports = Object.fromEntries(started.trim().split(/\s+/).map((kv) => kv.split("=")));
  process.on("exit", () => {
    spawnSync(script, ["stop", mail]);
    rmSync(mail, { recursive: true, force: true });
  });
  // A mail sent as from the Internet (no sign-in), as a citizen's client does.
  function sendMail(from, to, raw) {
    const sent = spawnSync("curl", ["-s", "--url", `smtp://127.0.0.1:${ports.smtp_in}`, "--mail-from", from,
      "--mail-rcpt", to, "-T", "-"], { input: raw.replace(/\r?\n/g, "\r\n") });
    if (sent.status !== 0) throw new Error(`curl smtp: ${sent.status} ${sent.stderr}`);
  }
  // The mails in `address`'s mailbox, as files (headers read roughly).
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
  return { mail, ports, firstPort, script, sendMail, inbox, subjectOf, citizenMail, htmlMail };
}
