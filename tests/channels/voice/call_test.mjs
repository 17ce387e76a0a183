// A citizen's call from INVITE to the agent's phone and back, on loopback:
// `guichet serve --sip-listen` with an IVR flow saved through the API, sipp
// as the caller (RFC 4733 digits, A-law audio) and sipp as the agent's phone
// (a µ-law UAS echoing what it hears). What a supervisor would check: the
// voice interaction with the digits collected, offered to the agent and
// accepted when the phone answered; audio relayed both ways (transcoded);
// the caller hanging up while waiting abandons at once; flows with a loop or
// a missing prompt refused, naming the step.
//   node tests/channels/voice/call_test.mjs --guichet path/to/guichet
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { flags, freePort, healthy, toneWav } from "../../../web/e2e/support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { guichet } = flags();
const work = mkdtempSync(join(tmpdir(), "guichet-call-"));
const httpPort = await freePort();
const sipPort = 21000 + Math.floor(Math.random() * 20000);
const agentPort = sipPort + 1;
const trunkPort = sipPort + 3;
const rtpPorts = [sipPort + 6000, sipPort + 6019];
const base = `http://127.0.0.1:${httpPort}`;
const children = [];
let serveLog = "";
const results = {};

function stopAll() {
  for (const child of children) child.kill("SIGKILL");
}
process.on("exit", () => {
  stopAll();
  rmSync(work, { recursive: true, force: true });
});
function fail(message) {
  console.error(`FAIL: ${message}`);
  if (serveLog) writeFileSync(join(work, "serve.log"), serveLog);
  const logs = readdirSync(work).filter((n) => n.endsWith(".log") || n.endsWith(".screen"));
  for (const name of logs) {
    try {
      console.error(`--- ${name}\n${readFileSync(join(work, name), "utf8").slice(-3000)}`);
    } catch {
      // not written
    }
  }
  process.exit(1);
}
process.on("unhandledRejection", (error) => fail(error.stack ?? String(error)));
process.on("uncaughtException", (error) => fail(error.stack ?? String(error)));

spawnSync(guichet, ["user", "add", "--name", "admin", "--role", "admin", "--data", join(work, "data")], {
  input: "voice-test-password-1\n",
});
spawnSync(guichet, ["user", "add", "--name", "camille", "--role", "agent", "--data", join(work, "data")], {
  input: "voice-test-password-2\n",
});
const serveArgs = (
  ["serve", "--data", join(work, "data"), "--listen", `127.0.0.1:${httpPort}`,
   "--sip-listen", `127.0.0.1:${sipPort}`, "--access-log", "false",
   "--rtp-ports", rtpPorts.join("-"), "--sip-trunk", `127.0.0.1:${trunkPort}`,
   "--sip-trunk-user", "guichet", "--sip-trunk-password", "secret-du-trunk"]);
function startServer() {
  const server = spawn(guichet, serveArgs, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(server);
  server.stdout.on("data", (d) => (serveLog += d));
  server.stderr.on("data", (d) => (serveLog += d));
  server.on("exit", () => writeFileSync(join(work, "serve.log"), serveLog));
  return server;
}
let serve = startServer();
if (!(await healthy(base))) fail("the server did not answer");

async function login(username, password) {
  const response = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  return (await response.json()).token;
}
let token = await login("admin", "voice-test-password-1");
const camille = await login("camille", "voice-test-password-2");
async function call(method, path, body, as = token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${as}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
async function api(method, path, body, as = token) {
  const { status, body: answer } = await call(method, path, body, as);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ---- set-up: a queue, an agent whose phone is sipp, the flow ----------------------
const users = await api("GET", "/api/v1/users");
const agentId = (users.users ?? users).find((u) => u.username === "camille").id;
const callbacks = await api("POST", "/api/v1/queues", { name: "rappels", channel: "callback" });
const queue = await api("POST", "/api/v1/queues", {
  name: "etat-civil", channel: "voice", callback_queue_id: callbacks.id,
  record_calls: true, announce_every_s: 1,
});
const messages = await api("POST", "/api/v1/queues", { name: "messagerie", channel: "voice" });
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
const closedToday = await api("POST", "/api/v1/calendars", {
  name: "fermé aujourd'hui", hours: "mon-fri 08:30-12:30", closed_dates: [today],
});
await api("PUT", `/api/v1/agents/${agentId}`, {
  capacity: { voice: 1 },
  phone: `sip:camille@127.0.0.1:${agentPort}`,
});
const flow = {
  name: "Accueil mairie",
  number: "0140000000",
  steps: [
    { id: "menu", type: "menu", text: "Pour l'état civil, tapez 1.", options: { 1: "dossier" },
      timeout_s: 5 },
    { id: "dossier", type: "collect", text: "Tapez votre numéro de dossier, puis dièse.",
      attribute: "dossier", next: "file" },
    { id: "file", type: "queue", queue_id: queue.id, callback_digit: "9" },
  ],
};
// An uploaded recording said instead of a text (the voicemail's greeting).
async function upload(name, bytes, type = "audio/wav") {
  const response = await fetch(`${base}/api/v1/prompts?name=${encodeURIComponent(name)}`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": type }, body: bytes,
  });
  return { status: response.status, body: await response.json() };
}
const greeting = await upload("annonce-fermeture", toneWav(2, 8000, 523));
assert.equal(greeting.status, 201, JSON.stringify(greeting.body));
assert.equal(greeting.body.seconds, 2);
assert.equal((await upload("pas-un-son", Buffer.from("bonjour"), "text/plain")).status, 400);
const afterHours = {
  name: "Répondeur", number: "0140000003",
  steps: [
    { id: "horaires", type: "hours", calendar_id: closedToday.id, open: "bonjour", closed: "message" },
    { id: "bonjour", type: "hangup", text: "Bonjour." },
    { id: "message", type: "voicemail", audio_id: greeting.body.id, queue_id: messages.id, max_s: 30 },
  ],
};

// Refused flows name the step.
const loop = await call("POST", "/api/v1/ivr-flows", {
  name: "boucle", number: "0140000001",
  steps: [
    { id: "a", type: "prompt", text: "Un.", next: "b" },
    { id: "b", type: "prompt", text: "Deux.", next: "a" },
  ],
});
assert.equal(loop.status, 400);
assert.match(loop.body.error.message, /step 'a'.*loop without exit/);
const check = async (steps) =>
  (await api("POST", "/api/v1/ivr-flows/check", { name: "essai", number: "0140000002", steps }))
    .problems.map((p) => p.message);
assert.deepEqual(await check([{ id: "m", type: "menu", options: { 1: "q" } },
  { id: "q", type: "queue", queue_id: queue.id }]), ["step 'm': no prompt to play"]);
assert.deepEqual(await check([{ id: "q", type: "queue", queue_id: 999 }]), ["step 'q': no queue 999"]);
assert.deepEqual(await check(flow.steps), []);
assert.deepEqual(await check([{ id: "p", type: "prompt", audio_id: 999, next: "q" },
  { id: "q", type: "queue", queue_id: queue.id }]), ["step 'p': no recording 999"]);
results.refused_flows = "loop, missing prompt, unknown queue, unknown recording";

const saved = await api("POST", "/api/v1/ivr-flows", flow);
await api("POST", "/api/v1/ivr-flows", afterHours);
assert.equal(saved.version, 1);
assert.equal((await api("PUT", `/api/v1/ivr-flows/${saved.id}`, flow)).version, 2);
await sleep(300); // the flows are reloaded (prompts synthesised) on the voice thread
await api("PUT", `/api/v1/agents/${agentId}/state`, { state: "available" });

// A-law audio (8 kHz) holding each key as a DTMF tone (100 ms, 100 ms gaps
// after, 800 ms after the first: the menu's choice, then the digits).
function dtmfAlaw(keys) {
  const low = { 1: 697, 2: 697, 3: 697, 4: 770, 5: 770, 6: 770, 7: 852, 8: 852, 9: 852, "*": 941, 0: 941, "#": 941 };
  const high = { 1: 1209, 2: 1336, 3: 1477, 4: 1209, 5: 1336, 6: 1477, 7: 1209, 8: 1336, 9: 1477, "*": 1209, 0: 1336, "#": 1477 };
  const samples = [];
  const silence = (ms) => { for (let i = 0; i < ms * 8; i++) samples.push(0); };
  silence(300);
  keys.forEach((key, n) => {
    for (let i = 0; i < 800; i++) {
      const t = i / 8000;
      samples.push(6000 * (Math.sin(2 * Math.PI * low[key] * t) + Math.sin(2 * Math.PI * high[key] * t)));
    }
    silence(n === 0 ? 800 : 150);
  });
  silence(500);
  return Buffer.from(samples.map(alaw));
}
function alaw(sample) {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s >= 0 ? 0x80 : 0;
  if (s < 0) s = -s - 1;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

function sipp(name, args) {
  const child = spawn("sipp", [...args, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-nostdin",
    "-trace_screen", "-screen_file", join(work, `${name}.screen`)], {
    cwd: work, stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  return new Promise((resolve) => child.on("exit", (code) => {
    writeFileSync(join(work, `${name}.log`), log);
    resolve(code);
  }));
}

// ---- a call answered by the agent -----------------------------------------------------
const agentPhone = sipp("agent", ["-sn", "uas", "-p", String(agentPort), "-mp",
  String(agentPort + 2000), "-rtp_echo", "-m", "1", "-timeout", "40s"]);
const caller = sipp("caller", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "6000", "-timeout", "40s"]);

const interaction = await until("the voice interaction", async () => {
  const list = await api("GET", "/api/v1/interactions?channel=voice");
  return (list.interactions ?? list)[0];
});
assert.equal(interaction.queue_id, queue.id);
assert.equal(interaction.attributes.dossier, "42");
assert.equal(interaction.attributes.caller, "0612345678");
assert.equal(interaction.attributes.number, "0140000000");
assert.equal(interaction.attributes.ivr_path, "menu[1]>dossier>file");
results.ivr = "menu by RFC 4733, file number 42 collected";

const active = await until("the agent's phone answering", async () => {
  const it = await api("GET", `/api/v1/interactions/${interaction.id}`);
  return it.phase === "active" ? it : null;
});
assert.equal(active.agent_id, agentId);
const types = active.timeline.map((e) => e.type);
assert.ok(types.includes("offered") && types.includes("accepted"), types.join(","));

// Hold and resume from the workspace: the caller hears music meanwhile.
const sentBefore = (await api("GET", "/api/v1/stats/voice")).rtp_sent;
assert.equal((await call("POST", `/api/v1/interactions/${interaction.id}/call`, { action: "hold" }, camille)).status, 204);
await sleep(600);
const sentOnHold = (await api("GET", "/api/v1/stats/voice")).rtp_sent - sentBefore;
assert.ok(sentOnHold >= 20, `music on hold: ${sentOnHold} packets in 600 ms`);
assert.equal((await call("POST", `/api/v1/interactions/${interaction.id}/call`, { action: "resume" }, camille)).status, 204);
const intruder = await call("POST", `/api/v1/interactions/${interaction.id}/call`, { action: "dance" }, camille);
assert.equal(intruder.status, 400);
results.hold = `on hold 600 ms: ${sentOnHold} packets of music; resumed`;

// Bad input while the call is bridged: RTP from a stranger to every audio
// port, junk SIP, a flood of INVITEs to a number without a flow.
const stranger = createSocket("udp4");
for (let port = rtpPorts[0]; port <= rtpPorts[1]; port++) {
  for (let i = 0; i < 5; i++) stranger.send(Buffer.alloc(172, 0x80), port, "127.0.0.1");
}
for (const junk of ["garbage", "INVITE\r\n\r\n", "BYE sip:x SIP/2.0\r\nVia: ???\r\n\r\n"]) {
  stranger.send(junk, sipPort, "127.0.0.1");
}
const flood = await sipp("flood", [`127.0.0.1:${sipPort}`, "-sf", join(here, "invite_unknown_number.xml"),
  "-s", "0999999999", "-p", String(sipPort + 5), "-m", "300", "-r", "200", "-l", "100",
  "-timeout", "30s"]);
assert.equal(flood, 0, "the INVITE flood was not answered");
stranger.close();


assert.equal(await caller, 0, "the caller's sipp call failed");
assert.equal(await agentPhone, 0, "the agent's sipp call failed (BYE not relayed?)");
const stats = await api("GET", "/api/v1/stats/voice");
assert.ok(stats.rtp_relayed > 100, `relayed ${stats.rtp_relayed}`);
assert.ok(stats.digits >= 4, `digits ${stats.digits}`);
assert.ok(stats.rtp_from_strangers > 0, "RTP from strangers was not seen");
const metrics = await (await fetch(`${base}/metrics`)).text();
assert.match(metrics, /^guichet_voice_calls_answered_total [1-9]/m, "voice figures in /metrics");
await until("the call to end", async () => (await api("GET", "/api/v1/stats/voice")).calls_active === 0);
const recorded = await until("the recording", async () => {
  const response = await fetch(`${base}/api/v1/interactions/${interaction.id}/recording`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.status === 200 ? Buffer.from(await response.arrayBuffer()) : null;
}, 5000);
assert.equal(recorded.readUInt16LE(22), 2, "a stereo recording: caller, agent");
const recordedSeconds = recorded.readUInt32LE(40) / 4 / 8000;
assert.ok(recordedSeconds > 3 && recordedSeconds < 9, `recorded ${recordedSeconds} s`);
results.recording = `conversation recorded (announced): ${recordedSeconds.toFixed(1)} s, stereo WAV`;
const card = (await api("GET", `/api/v1/interactions/${interaction.id}`)).timeline
  .filter((e) => e.type === "call").map((e) => e.data.state);
assert.deepEqual(card, ["ringing", "connected", "on_hold", "connected", "ended"]);
results.call_card = card.join(" → ");
results.bridged = `relayed ${stats.rtp_relayed} RTP packets (A-law ↔ µ-law), BYE passed on; ` +
  `${stats.rtp_from_strangers} stranger packets dropped, 300 INVITEs flooded meanwhile`;

// ---- a caller who hangs up while waiting ---------------------------------------------
// The agent still holds the first call (wrap-up not done): the next one waits.
const before = Date.now();
// (Over TCP, as some trunks send their calls.)
assert.equal(await sipp("abandon", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call.xml"),
  "-s", "0140000000", "-t", "t1", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000),
  "-m", "1", "-d", "1500", "-timeout", "30s"]), 0);
const abandoned = await until("the abandon", async () => {
  const list = await api("GET", "/api/v1/interactions?channel=voice&status=abandoned");
  return (list.interactions ?? list)[0];
}, 5000);
assert.notEqual(abandoned.id, interaction.id);
assert.ok((await api("GET", "/api/v1/stats/voice")).announcements >= 1, "no position announced");
results.abandon = `over TCP: abandoned ${Date.now() - before} ms after the call started (1.5 s in queue)`;

// ---- the agent's phone rings, the caller hangs up: CANCEL ------------------------------
async function complete(id) {
  await api("POST", `/api/v1/interactions/${id}/complete`, {}, camille);
  await until("camille free again", async () => {
    const agents = await api("GET", "/api/v1/stats/agents");
    const me = agents.find((a) => a.agent_id === agentId);
    return me && me.state === "available" && me.interactions_in_hand === 0 ? me : null;
  }, 5000);
}
async function latest() {
  const list = await api("GET", "/api/v1/interactions?channel=voice");
  return (list.interactions ?? list)[0];
}
await complete(interaction.id);
const ringing = sipp("agent-cancel", ["-sf", join(here, "agent_cancel.xml"), "-p", String(agentPort),
  "-m", "1", "-timeout", "30s"]);
assert.equal(await sipp("caller-cancel", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "2500", "-timeout", "30s"]), 0);
assert.equal(await ringing, 0, "the ringing phone got no CANCEL");
const cancelled = await until("the abandon", async () => {
  const it = await latest();
  return it.status === "abandoned" ? it : null;
}, 5000);
const cancelledTimeline = (await api("GET", `/api/v1/interactions/${cancelled.id}`)).timeline;
assert.ok(cancelledTimeline.some((e) => e.type === "offer_revoked"));
results.cancel = "the caller hung up while the phone rang: CANCEL, 487, abandoned";

// ---- a busy phone: a missed offer, the call waits, rings again; digits in band ---------
writeFileSync(join(work, "inband.al"), dtmfAlaw(["1", "4", "2", "#"]));
const busy = sipp("agent-busy", ["-sf", join(here, "agent_busy.xml"), "-p", String(agentPort),
  "-m", "1", "-timeout", "30s"]);
const patient = sipp("caller-inband", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call_inband.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "9000", "-timeout", "40s"]);
assert.equal(await busy, 0, "the busy phone was not called");
const second = sipp("agent-2", ["-sn", "uas", "-p", String(agentPort), "-mp", String(agentPort + 2000),
  "-rtp_echo", "-m", "1", "-timeout", "40s"]);
const retried = await until("the second ring answered", async () => {
  const it = await latest();
  return it && it.id !== cancelled.id && it.phase === "active" ? it : null;
}, 15000);
assert.equal(retried.attributes.dossier, "42", "in-band digits not collected");
// A blind transfer back to the queue from the workspace: the agent's phone
// hangs up, the caller waits (music) for the next offer.
// (Camille pauses first, so that the call is not offered to her again: a
// phone that is gone would keep an INVITE retransmitting to her port.)
await sleep(500);
await api("PUT", `/api/v1/agents/${agentId}/state`, { state: "paused", reason: "pause" });
await api("POST", `/api/v1/interactions/${retried.id}/transfer`, { queue_id: queue.id }, camille);
const retriedTimeline = (await api("GET", `/api/v1/interactions/${retried.id}`)).timeline.map((e) => e.type);
assert.ok(retriedTimeline.indexOf("rejected") < retriedTimeline.lastIndexOf("accepted"), retriedTimeline.join());
assert.equal(await second, 0, "the transfer did not hang up the agent's phone");
const afterTransfer = await api("GET", `/api/v1/interactions/${retried.id}`);
assert.ok(afterTransfer.timeline.some((e) => e.type === "transferred"));
assert.ok(afterTransfer.phase === "waiting" || afterTransfer.phase === "offered", afterTransfer.phase);
assert.equal(await patient, 0, "the transferred caller's call failed");
results.transfer = "transferred to the queue from the workspace: the agent's leg ended, the caller waited on";
results.missed = "busy (486): missed offer, back in the queue, rang again and answered; digits 1, 42# in band";

// ---- a number through a trunk that challenges (401 digest) -------------------------------
await until("camille free again", async () => {
  const me = (await api("GET", "/api/v1/stats/agents")).find((a) => a.agent_id === agentId);
  if (me.state !== "available") await api("PUT", `/api/v1/agents/${agentId}/state`, { state: "available" });
  return me.interactions_in_hand === 0;
}, 15000);
await api("PUT", `/api/v1/agents/${agentId}/phone`, { phone: "+33 6 12 34 56 79" }, camille);
const trunk = sipp("trunk", ["-sf", join(here, "trunk_401.xml"), "-p", String(trunkPort),
  "-mp", String(trunkPort + 2000), "-m", "1", "-timeout", "30s"]);
const trunkCaller = sipp("caller-trunk", [`127.0.0.1:${sipPort}`, "-sf",
  join(here, "call_agent_hangs_up.xml"), "-s", "0140000000", "-p", String(sipPort + 2),
  "-mp", String(sipPort + 4000), "-m", "1", "-timeout", "30s"]);
const viaTrunk = await until("the trunk call answered", async () => {
  const it = await latest();
  return it && it.id !== retried.id && it.phase === "active" ? it : null;
});
await sleep(500);
assert.equal((await call("POST", `/api/v1/interactions/${viaTrunk.id}/call`, { action: "hangup" }, camille)).status, 204);
assert.equal(await trunk, 0, "the trunk's digest check failed, or no BYE");
assert.equal(await trunkCaller, 0, "the caller got no BYE");
results.trunk = "401 challenge answered with digest credentials, call bridged; hung up from the workspace: BYE both ways";

// ---- a real softphone (baresip, auto-answer) --------------------------------------------
await complete(viaTrunk.id);
const softphonePort = sipPort + 7;
const softphone = join(work, "baresip");
mkdirSync(join(softphone, "heard"), { recursive: true });
writeFileSync(join(softphone, "agent.wav"), toneWav(20, 8000, 440));
writeFileSync(join(softphone, "config"), [
  "module_path /usr/lib/baresip/modules",
  `sip_listen 127.0.0.1:${softphonePort}`,
  "net_interface 127.0.0.1",
  `audio_source aufile,${join(softphone, "agent.wav")}`,
  "audio_player aubridge,agent",
  "audio_alert aubridge,alert",
  "module g711.so", "module aufile.so", "module aubridge.so", "module sndfile.so",
  "module_tmp account.so", "module_tmp uuid.so", "module_app menu.so",
  `snd_path ${join(softphone, "heard")}`,
  `rtp_ports ${sipPort + 8000}-${sipPort + 8020}`,
  "",
].join("\n"));
writeFileSync(join(softphone, "accounts"),
  `<sip:camille@127.0.0.1:${softphonePort}>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n`);
const baresip = spawn("baresip", ["-f", softphone, "-t", "40"], { stdio: ["ignore", "pipe", "pipe"] });
children.push(baresip);
let baresipLog = "";
baresip.stdout.on("data", (d) => (baresipLog += d));
baresip.stderr.on("data", (d) => (baresipLog += d));
await until("baresip ready", async () => baresipLog.includes("baresip is ready"), 10000);
await api("PUT", `/api/v1/agents/${agentId}/phone`, { phone: `sip:camille@127.0.0.1:${softphonePort}` }, camille);
assert.equal(await sipp("caller-softphone", [`127.0.0.1:${sipPort}`, "-sf",
  join(here, "call_dtmf_to_agent.xml"), "-s", "0140000000", "-p", String(sipPort + 2),
  "-mp", String(sipPort + 4000), "-m", "1", "-d", "2000", "-timeout", "40s"]), 0);
const viaSoftphone = await latest();
await until("baresip's call closed", async () => /terminated|closed/i.test(baresipLog), 5000);
writeFileSync(join(work, "baresip.log"), baresipLog);
baresip.kill("SIGTERM");
const received = [...baresipLog.matchAll(/received event: '(.)' \(end=0\)/g)].map((m) => m[1]);
assert.deepEqual(received, ["5"], "the agent gets the key pressed in the conversation, not the IVR's");
const heard = readdirSync(join(softphone, "heard")).filter((n) => n.includes("dec"));
assert.ok(heard.length > 0, "baresip recorded nothing of what it heard");
const heardWav = readFileSync(join(softphone, "heard", heard[0]));
const heardSeconds = (heardWav.length - 44) / 2 / 8000;
let energy = 0;
for (let i = 44; i + 1 < heardWav.length; i += 2) energy += heardWav.readInt16LE(i) ** 2;
const rms = Math.sqrt(energy / ((heardWav.length - 44) / 2));
// The caller speaks for the last 2 s (g711a.pcap, cut by the hang-up).
assert.ok(heardSeconds > 1.5 && rms > 100, `the agent heard ${heardSeconds} s, RMS ${rms}`);
results.softphone = `baresip answered (auto-answer): heard ${heardSeconds.toFixed(1)} s of the caller ` +
  `(RMS ${Math.round(rms)}), ` +
  `DTMF 5 pressed in the conversation received; BYE passed on`;

// ---- the agent hangs up the phone: the caller's leg ends too ----------------------------
await complete(viaSoftphone.id);
await api("PUT", `/api/v1/agents/${agentId}/phone`, { phone: `sip:camille@127.0.0.1:${agentPort}` }, camille);
const hangingUp = sipp("agent-hangs-up", ["-sf", join(here, "agent_hangs_up.xml"), "-p", String(agentPort),
  "-mp", String(agentPort + 2000), "-m", "1", "-d", "1500", "-timeout", "30s"]);
assert.equal(await sipp("caller-agent-bye", [`127.0.0.1:${sipPort}`, "-sf",
  join(here, "call_agent_hangs_up.xml"), "-s", "0140000000", "-p", String(sipPort + 2),
  "-mp", String(sipPort + 4000), "-m", "1", "-timeout", "30s"]), 0, "the caller got no BYE");
assert.equal(await hangingUp, 0);
const hungUp = await latest();
results.agent_bye = "the agent hung up the phone: BYE passed on to the caller";

// ---- the phone rings, nobody answers: the offer times out (20 s) ----------------------
await complete(hungUp.id);
const missedBefore = (await api("GET", "/api/v1/stats/agents")).find((a) => a.agent_id === agentId)
  .missed_today;
const unanswered = sipp("agent-no-answer", ["-sf", join(here, "agent_cancel.xml"), "-p", String(agentPort),
  "-m", "1", "-timeout", "60s"]);
const waiting = sipp("caller-no-answer", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "26000", "-timeout", "60s"]);
const timedOut = await until("the offer's timeout", async () => {
  const it = await latest();
  if (!it || it.id === hungUp.id) return null;
  const full = await api("GET", `/api/v1/interactions/${it.id}`);
  return full.timeline.some((e) => e.type === "offer_timeout") ? full : null;
}, 30000);
// Camille pauses at once: the call is not offered to her again.
await api("PUT", `/api/v1/agents/${agentId}/state`, { state: "paused", reason: "pause" });
assert.equal(await unanswered, 0, "the unanswered phone got no CANCEL at the offer's timeout");
assert.ok(["waiting", "offered"].includes(timedOut.phase), `back in the queue: ${timedOut.phase}`);
assert.equal((await api("GET", "/api/v1/stats/agents")).find((a) => a.agent_id === agentId)
  .missed_today, missedBefore + 1);
assert.equal(await waiting, 0);
results.offer_timeout = "rang 20 s unanswered: CANCEL, a missed offer for the agent, the call back in its place";

// ---- after hours: a voicemail, kept and playable ------------------------------------
// Camille stays paused: the message waits in its queue.
await api("PUT", `/api/v1/agents/${agentId}/state`, { state: "paused", reason: "pause" });
assert.equal(await sipp("caller-voicemail", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call_voicemail.xml"),
  "-s", "0140000003", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "6500", "-timeout", "30s"]), 0);
const voicemail = await until("the voicemail interaction", async () => {
  const list = await api("GET", `/api/v1/interactions?queue_id=${messages.id}`);
  return (list.interactions ?? list)[0];
}, 5000);
// Its file is named by the server's "recording" event, never by an attribute.
assert.equal(voicemail.attributes.voicemail, "true");
// (Written just after the interaction: its creation is what names it.)
const named = await until("the voicemail's recording event", async () =>
  (await api("GET", `/api/v1/interactions/${voicemail.id}`)).timeline
    .find((e) => e.type === "recording"), 5000);
assert.match(named?.data?.file ?? "", /^recordings\/\d+\/voicemail-.*\.wav$/);
assert.ok(Number(voicemail.attributes.voicemail_seconds) >= 1, JSON.stringify(voicemail.attributes));
assert.equal(voicemail.attributes.ivr_path, "horaires>message");
const audio = await fetch(`${base}/api/v1/interactions/${voicemail.id}/recording`, {
  headers: { Authorization: `Bearer ${token}` },
});
assert.equal(audio.status, 200);
assert.equal(audio.headers.get("content-type"), "audio/wav");
const wav = Buffer.from(await audio.arrayBuffer());
assert.equal(wav.subarray(0, 4).toString(), "RIFF");
const refused = await fetch(`${base}/api/v1/interactions/${voicemail.id}/recording`, {
  headers: { Authorization: `Bearer ${camille}` },
});
assert.equal(refused.status, 403);
// Re-INVITEs in a call (a refresh without SDP, an old-style hold): answered.
assert.equal(await sipp("caller-reinvite", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call_reinvite.xml"),
  "-s", "0140000003", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "1000", "-timeout", "30s"]), 0);
results.reinvite = "a refresh without SDP (offer in the 200, answer in the ACK) and a c=0.0.0.0 hold, both 200";
assert.equal((await call("DELETE", `/api/v1/prompts/${greeting.body.id}`)).status, 409,
  "a recording a flow plays cannot go");
const played = await fetch(`${base}/api/v1/prompts/${greeting.body.id}/audio`, {
  headers: { Authorization: `Bearer ${token}` },
});
assert.equal(played.status, 200);
assert.ok(!serveLog.includes("recording not loaded"), "the uploaded greeting did not load");
results.voicemail = `greeting uploaded (WAV, 2 s; a text file refused); closed today: ${voicemail.attributes.voicemail_seconds} s message kept ` +
  `(${wav.length} bytes WAV), in its queue, playable by supervisors only`;

// ---- waiting, the caller presses 9: called back, keeping the place ------------------------
assert.equal(await sipp("caller-callback", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call_callback.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-timeout", "30s"]), 0);
const calledBack = await until("the callback request", async () => {
  const list = await api("GET", `/api/v1/interactions?queue_id=${callbacks.id}`);
  return (list.interactions ?? list)[0];
}, 5000);
assert.equal(calledBack.status, "waiting");
results.callback = "9 pressed while waiting: moved to the callback queue, goodbye message, BYE";

// ---- a crash while a call waits: at restart the call is over (abandoned) ------------------
const waitingCaller = sipp("caller-lost", [`127.0.0.1:${sipPort}`, "-sf", join(here, "call.xml"),
  "-s", "0140000000", "-p", String(sipPort + 2), "-mp", String(sipPort + 4000), "-m", "1",
  "-d", "30000", "-timeout", "40s"]);
const lost = await until("the call waiting", async () => {
  const it = await latest();
  return it && it.queue_id === queue.id && it.phase === "waiting" ? it : null;
});
// (Late in the test: unacknowledged, it holds its place 32 s, until the restart.)
// An INVITE with a forged source (its 200 goes nowhere, no ACK follows) and
// an SDP naming a third party: not one byte of audio is sent there.
const victim = createSocket("udp4");
let amplified = 0;
victim.on("message", (packet) => { amplified += packet.length; });
await new Promise((resolve) => victim.bind(0, "127.0.0.1", resolve));
const victimPort = victim.address().port;
const sdp = `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n` +
  `m=audio ${victimPort} RTP/AVP 0\r\n`;
const forged = `INVITE sip:0140000000@127.0.0.1:${sipPort} SIP/2.0\r\n` +
  `Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-forged-1\r\nMax-Forwards: 70\r\n` +
  `From: <sip:forger@192.0.2.99>;tag=f1\r\nTo: <sip:0140000000@127.0.0.1>\r\n` +
  `Call-ID: forged-1@192.0.2.99\r\nCSeq: 1 INVITE\r\nContact: <sip:forger@192.0.2.99:5060>\r\n` +
  `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`;
const forger = createSocket("udp4");
forger.send(forged, sipPort, "127.0.0.1");
await sleep(2000);
victim.close();
forger.close();
assert.equal(amplified, 0, `audio sent before any ACK: ${amplified} bytes`);
results.amplification = `forged INVITE (${Buffer.byteLength(forged)} bytes): 0 bytes of audio sent`;
// A recording past its queue's retention (30 days) goes at the next sweep
// (hourly, and at start); the recent ones stay.
const old = join(work, "data", "recordings", String(queue.id), "call-old.wav");
writeFileSync(old, recorded);
const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
utimesSync(old, longAgo, longAgo);
serve.kill("SIGKILL");
await new Promise((r) => serve.on("exit", r));
serve = startServer();
if (!(await healthy(base))) fail("the server did not come back");
token = await login("admin", "voice-test-password-1");
const after = await api("GET", `/api/v1/interactions/${lost.id}`);
assert.equal(after.status, "abandoned");
children.at(-2).kill("SIGKILL"); // the caller's sipp, talking to nobody
await waitingCaller;
results.restart = "killed (-9) while a call waited: abandoned at restart, not left waiting";
await until("the old recording swept", async () => !existsSync(old), 5000);
assert.equal((await fetch(`${base}/api/v1/interactions/${interaction.id}/recording`, {
  headers: { Authorization: `Bearer ${token}` },
})).status, 200, "a recent recording was swept");
results.retention = "a recording 31 days old removed at start (retention 30 days), recent ones kept";

serve.kill("SIGTERM");
await new Promise((r) => serve.on("exit", r));
console.log(JSON.stringify({ test: "voice call", ...results }));
process.exit(0);
