// Calls as they come from the field, with a softphone written here so that
// each message is what a home router, a trunk or a vanished caller makes it:
//  - behind NAT: the SDP names a private address, RTP comes from the router's
//    (another port): the audio latches to where it really comes from;
//  - a stranger's RTP does not take a call's audio;
//  - a caller gone without BYE: the call ends after the media timeout, the
//    interaction is abandoned, not left waiting for ever;
//  - an INVITE without SDP (late offer) is answered with an offer;
//  - an offer "RTP/AVP 0" without a=rtpmap, and G.711 under a dynamic
//    payload type (sent back with that number);
//  - malformed SIP answered 400 naming nothing it cannot parse, unknown
//    methods 501, never 500;
//  - in-dialog requests (our BYE, our refreshes) reach a phone whose Contact
//    names its private address: they go where its messages come from;
//  - session timers (RFC 4028): 422 under Min-SE, Session-Expires answered,
//    refreshes sent; a refresh that finds no call (481) ends the call;
//  - a wait too long in a queue that takes messages: the caller leaves one,
//    a new interaction in the messages' queue, playable.
//   node tests/channels/voice/nat_test.mjs --guichet path/to/guichet
import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import assert from "node:assert/strict";
import { flags } from "../../../web/e2e/support.mjs";
import { startVoiceServer } from "./serve.mjs";

const { guichet } = flags();
const { server, work, sipPort, api, fail, queue } =
  await startVoiceServer(guichet, "nat", ["--media-timeout", "3"]);
const results = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, check, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// ---- a softphone: SIP over UDP from one socket, RTP from another -------------------
async function udp() {
  const socket = createSocket("udp4");
  const received = [];
  socket.on("message", (data, from) => received.push({ data, from }));
  await new Promise((r) => socket.bind(0, "127.0.0.1", r));
  return { socket, received, port: socket.address().port };
}
let sequence = 0;
function request(phone, method, { callId, body = "", tag = "t1", to = "", cseq = 1, headers = "" }) {
  const text = `${method} sip:0140000000@127.0.0.1:${sipPort} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-${++sequence}\r\n` +
    `Max-Forwards: 70\r\nFrom: <sip:0612345678@127.0.0.1>;tag=${tag}\r\n` +
    `To: <sip:0140000000@127.0.0.1>${to}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\n` +
    `Contact: <sip:0612345678@192.168.1.20:5060>\r\n${headers}` +
    (body ? "Content-Type: application/sdp\r\n" : "") +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  phone.socket.send(text, sipPort, "127.0.0.1");
}
const responses = (phone) => phone.received.map((m) => m.data.toString()).filter((t) => t.startsWith("SIP/2.0"));
async function final(phone, callId, method = "INVITE") {
  return until(`a final answer to ${method} ${callId}`, () => responses(phone).find((t) =>
    t.includes(`Call-ID: ${callId}`) && t.includes(` ${method}\r\n`) && !/^SIP\/2\.0 1\d\d/.test(t)));
}
const sdp = (port, formats, extra = "") =>
  `v=0\r\no=- 1 1 IN IP4 192.168.1.20\r\ns=-\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\n` +
  `m=audio ${port} RTP/AVP ${formats}\r\n${extra}`;
const toTag = (answer) => /^To:.*(;tag=[^\r\n;]+)/m.exec(answer)?.[1] ?? "";
const answerSdpPort = (answer) => Number(/m=audio (\d+)/.exec(answer)?.[1]);
function rtp(socket, port, seq, pt = 0) {
  const packet = Buffer.alloc(172, 0xff);
  packet[0] = 0x80;
  packet[1] = pt;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(seq * 160, 4);
  packet.writeUInt32BE(0x1234, 8);
  socket.send(packet, port, "127.0.0.1");
}
const stats = () => api("GET", "/api/v1/stats/voice");
const latest = async () => (await api("GET", `/api/v1/interactions?queue_id=${queue.id}`)).interactions[0];

// ---- behind a home router -----------------------------------------------------------
{
  const phone = await udp();
  const media = await udp(); // the router's mapping: not the port the SDP names
  const stranger = await udp();
  request(phone, "INVITE", { callId: "nat-1", body: sdp(40000, "0 101", "a=rtpmap:0 PCMU/8000\r\n") });
  const ok = await final(phone, "nat-1");
  assert.match(ok, /^SIP\/2\.0 200/);
  request(phone, "ACK", { callId: "nat-1", to: toTag(ok) });
  const ours = answerSdpPort(ok);
  for (let seq = 1; seq <= 50; seq++) {
    rtp(media.socket, ours, seq);
    await sleep(20);
  }
  await until("music latched to the router's address", () => media.received.length > 10);
  results.nat = `RTP from the router's port latched: ${media.received.length} packets of music received there`;
  // A stranger's packets, in sequence too, do not take it over.
  const before = media.received.length;
  for (let seq = 100; seq < 130; seq++) {
    rtp(stranger.socket, ours, seq);
    rtp(media.socket, ours, seq - 50);
    await sleep(20);
  }
  assert.equal(stranger.received.length, 0, "a stranger took the call's audio");
  assert.ok(media.received.length > before, "the caller stopped hearing the music");
  assert.ok((await stats()).rtp_latched >= 1);
  results.hijack = "a stranger's RTP in sequence: 0 packets sent to it";

  // Then the caller vanishes (no BYE, no RTP): over after the media timeout (3 s).
  const interaction = await until("the interaction", async () => {
    const it = await latest();
    return it && it.phase === "waiting" ? it : null;
  });
  const gone = Date.now();
  await until("the silent call ended", async () => (await stats()).calls_active === 0, 8000);
  // (The voice channel's worker records it just after: wait for it.)
  await until("the interaction abandoned", async () =>
    (await api("GET", `/api/v1/interactions/${interaction.id}`)).status === "abandoned", 3000);
  assert.ok((await stats()).media_timeouts >= 1);
  // Our BYE reaches it: sent where its SIP came from, not to the private
  // address its Contact names.
  const bye = await until("our BYE at the phone's real address", () =>
    phone.received.map((m) => m.data.toString()).find((t) => t.startsWith("BYE ")), 3000);
  assert.match(bye, new RegExp(`^BYE sip:0612345678@127\\.0\\.0\\.1:${phone.port} SIP/2\\.0`));
  results.vanished = `a caller gone without BYE: ended after ${((Date.now() - gone) / 1000).toFixed(1)} s, abandoned; ` +
    "our BYE sent to its router's address, not its Contact's private one";
  for (const s of [phone, media, stranger]) s.socket.close();
}

// ---- a late offer; static and dynamic payload types ------------------------------
{
  const phone = await udp();
  request(phone, "INVITE", { callId: "late-1" });
  const ok = await final(phone, "late-1");
  assert.match(ok, /^SIP\/2\.0 200/, "an INVITE without SDP is answered");
  assert.match(ok, /m=audio \d+ RTP\/AVP/, "with our offer");
  request(phone, "ACK", { callId: "late-1", to: toTag(ok), body: sdp(40002, "8", "a=rtpmap:8 PCMA/8000\r\n") });
  await until("the late-offer call in the queue", async () => (await stats()).calls_active >= 1);
  request(phone, "BYE", { callId: "late-1", to: toTag(ok), cseq: 2 });
  await final(phone, "late-1", "BYE");
  results.late_offer = "INVITE without SDP: 200 with our offer, the ACK's answer taken";

  request(phone, "INVITE", { callId: "static-1", body: sdp(40004, "0") });
  const bare = await final(phone, "static-1");
  assert.match(bare, /^SIP\/2\.0 200/, "RTP/AVP 0 without a=rtpmap is accepted");
  request(phone, "ACK", { callId: "static-1", to: toTag(bare) });
  request(phone, "BYE", { callId: "static-1", to: toTag(bare), cseq: 2 });
  await final(phone, "static-1", "BYE");
  request(phone, "INVITE", { callId: "broken-rtpmap", body: sdp(40006, "0 97", "a=rtpmap:97 \r\na=rtpmap:0 PCMU/8000\r\n") });
  const broken = await final(phone, "broken-rtpmap");
  assert.match(broken, /^SIP\/2\.0 200/, "one malformed rtpmap line, not the offer");
  request(phone, "ACK", { callId: "broken-rtpmap", to: toTag(broken) });
  request(phone, "BYE", { callId: "broken-rtpmap", to: toTag(broken), cseq: 2 });
  await final(phone, "broken-rtpmap", "BYE");
  results.static_pt = "RTP/AVP 0 without a=rtpmap, and a malformed rtpmap line: answered 200";

  // G.711 under a dynamic number: the music comes back under that number.
  const media = await udp();
  request(phone, "INVITE", { callId: "dyn-1", body: sdp(media.port, "96", "a=rtpmap:96 PCMU/8000\r\n")
    .replace(/192\.168\.1\.20/g, "127.0.0.1") });
  const dyn = await final(phone, "dyn-1");
  assert.match(dyn, /^SIP\/2\.0 200/);
  request(phone, "ACK", { callId: "dyn-1", to: toTag(dyn) });
  await until("music under the dynamic type", () => media.received.length > 3);
  assert.ok(media.received.every((m) => (m.data[1] & 0x7f) === 96),
    `payload types ${[...new Set(media.received.map((m) => m.data[1] & 0x7f))]}`);
  request(phone, "BYE", { callId: "dyn-1", to: toTag(dyn), cseq: 2 });
  await final(phone, "dyn-1", "BYE");
  results.dynamic_pt = "PCMU offered as 96: sent back as 96";
  phone.socket.close();
  media.socket.close();
}

// ---- hold: from the agent's phone (its hold key), and from the workspace -------
{
  await until("every earlier call over", async () => (await stats()).calls_active === 0);
  spawnSync(guichet, ["user", "add", "--name", "lea", "--role", "agent", "--data", join(work, "data")], {
    input: "nat-test-password-2\n",
  });
  const users = await api("GET", "/api/v1/users");
  const lea = (users.users ?? users).find((u) => u.username === "lea");
  const deskPhone = await udp();
  const deskMedia = await udp();
  await api("PUT", `/api/v1/agents/${lea.id}`, {
    capacity: { voice: 1 }, phone: `sip:lea@127.0.0.1:${deskPhone.port}`,
  });
  await api("PUT", `/api/v1/agents/${lea.id}/state`, { state: "available" });
  const caller = await udp();
  const callerMedia = await udp();
  request(caller, "INVITE", { callId: "hold-1", body: sdp(callerMedia.port, "0")
    .replace(/192\.168\.1\.20/g, "127.0.0.1") });
  const ok = await final(caller, "hold-1");
  request(caller, "ACK", { callId: "hold-1", to: toTag(ok) });
  const callerTarget = answerSdpPort(ok);
  let seq = 0;
  const talk = (socket, port, byte) => {
    const packet = Buffer.alloc(172, byte);
    packet[0] = 0x80; packet[1] = 0;
    packet.writeUInt16BE(++seq & 0xffff, 2);
    packet.writeUInt32BE(seq * 160, 4);
    socket.send(packet, port, "127.0.0.1");
  };
  const callerTalks = setInterval(() => talk(callerMedia.socket, callerTarget, 0x55), 20);

  // The desk phone rings: it answers (200, its SDP), then talks (silence).
  const invite = await until("the desk phone ringing", () =>
    deskPhone.received.map((m) => m.data.toString()).find((t) => t.startsWith("INVITE ")), 10000);
  const header = (text, name) => new RegExp(`^${name}:[^\r\n]*`, "mi").exec(text)?.[0] ?? "";
  const deskSdp = sdp(deskMedia.port, "0", "a=rtpmap:0 PCMU/8000\r\n").replace(/192\.168\.1\.20/g, "127.0.0.1");
  const answer = ["SIP/2.0 200 OK", ...invite.split("\r\n").filter((l) => /^Via:/i.test(l)),
    header(invite, "From"), `${header(invite, "To")};tag=desk1`, header(invite, "Call-ID"),
    header(invite, "CSeq"), "Contact: <sip:lea@192.168.1.30:5060>", // behind its router
    "Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(deskSdp)}`, "", deskSdp].join("\r\n");
  const guichetContact = /^Contact:\s*<([^>]+)>/mi.exec(invite)[1];
  const deskTarget = Number(/m=audio (\d+)/.exec(invite)[1]);
  deskPhone.socket.send(answer, sipPort, "127.0.0.1");
  const deskTalks = setInterval(() => talk(deskMedia.socket, deskTarget, 0xff), 20);
  const heard = (media, from) => media.received.slice(from).map((m) => m.data.subarray(12));
  await until("the caller hearing the desk phone", () =>
    heard(callerMedia, 0).some((p) => p.every((b) => b === 0xff)), 10000);
  // Our ACK reached it though its Contact names a private address.
  await until("our ACK at the desk phone", () =>
    deskPhone.received.some((m) => m.data.toString().startsWith(`ACK sip:lea@127.0.0.1:${deskPhone.port} `)), 3000);

  // The desk phone's hold key: a re-INVITE a=sendonly; the caller hears music.
  const deskCallId = header(invite, "Call-ID").replace(/^Call-ID:\s*/i, "");
  const reinvite = (cseq, direction) => {
    const body = deskSdp + `a=${direction}\r\n`;
    deskPhone.socket.send([`INVITE ${guichetContact} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${deskPhone.port};rport;branch=z9hG4bK-desk-${cseq}`,
      "Max-Forwards: 70", `From: <sip:lea@127.0.0.1>;tag=desk1`,
      header(invite, "From").replace(/^From:/i, "To:"), `Call-ID: ${deskCallId}`, `CSeq: ${cseq} INVITE`,
      `Contact: <sip:lea@127.0.0.1:${deskPhone.port}>`, "Content-Type: application/sdp",
      `Content-Length: ${Buffer.byteLength(body)}`, "", body].join("\r\n"), sipPort, "127.0.0.1");
  };
  const ackFor = async (cseq) => {
    await until(`the 200 to re-INVITE ${cseq}`, () => deskPhone.received.some((m) =>
      m.data.toString().startsWith("SIP/2.0 200") && m.data.toString().includes(`CSeq: ${cseq} INVITE`)));
    deskPhone.socket.send([`ACK ${guichetContact} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${deskPhone.port};rport;branch=z9hG4bK-deskack-${cseq}`,
      "Max-Forwards: 70", `From: <sip:lea@127.0.0.1>;tag=desk1`,
      header(invite, "From").replace(/^From:/i, "To:"), `Call-ID: ${deskCallId}`, `CSeq: ${cseq} ACK`,
      "Content-Length: 0", "", ""].join("\r\n"), sipPort, "127.0.0.1");
  };
  reinvite(1, "sendonly");
  await ackFor(1);
  let mark = callerMedia.received.length;
  await until("music for the caller while the phone holds", () =>
    heard(callerMedia, mark).filter((p) => new Set(p).size > 4).length > 10, 5000);
  reinvite(2, "sendrecv");
  await ackFor(2);
  mark = callerMedia.received.length;
  await sleep(500);
  assert.ok(heard(callerMedia, mark + 5).every((p) => p.every((b) => b === 0xff)),
    "the caller hears the phone again, not music");
  results.phone_hold = "our ACK reached the desk phone at its router's address; its hold key: the caller hears music, then the agent again";

  // On hold from the workspace: the phone gets silence, not nothing.
  const interaction = await until("the call's interaction", async () => {
    const it = await latest();
    return it && it.agent_id === lea.id ? it : null;
  });
  await api("POST", `/api/v1/interactions/${interaction.id}/call`, { action: "hold" });
  await sleep(300);
  mark = deskMedia.received.length;
  await sleep(1000);
  const kept = heard(deskMedia, mark).filter((p) => p.every((b) => b === 0xff)).length;
  assert.ok(kept >= 30, `the phone got ${kept} packets in a second on hold`);
  results.workspace_hold = `held from the workspace: the phone kept alive (${kept} packets of silence a second)`;
  clearInterval(callerTalks);
  clearInterval(deskTalks);
  for (const s of [caller, callerMedia, deskPhone, deskMedia]) s.socket.close();
  await until("the held call ended (media timeout)", async () => (await stats()).calls_active === 0, 10000);
}

// ---- a wait too long in a queue that takes messages: a voicemail --------------
{
  const messages = await api("POST", "/api/v1/queues", { name: "messages", channel: "voice" });
  await api("PUT", `/api/v1/queues/${queue.id}`, {
    name: "accueil", channel: "voice", max_wait_s: 1, voicemail_queue_id: messages.id,
    voicemail_text: "Laissez un message.", voicemail_max_s: 30,
  });
  const phone = await udp();
  const media = await udp();
  request(phone, "INVITE", { callId: "vm-1", body: sdp(media.port, "0").replace(/192\.168\.1\.20/g, "127.0.0.1") });
  const ok = await final(phone, "vm-1");
  request(phone, "ACK", { callId: "vm-1", to: toTag(ok) });
  const target = answerSdpPort(ok);
  let seq = 0;
  const speaking = setInterval(() => {
    const packet = Buffer.alloc(172, 0x55); // a voice, loud enough to be one
    packet[0] = 0x80; packet[1] = 0;
    packet.writeUInt16BE(++seq & 0xffff, 2);
    packet.writeUInt32BE(seq * 160, 4);
    media.socket.send(packet, target, "127.0.0.1");
  }, 20);
  const waiting = await until("the call waiting", async () => {
    const it = await latest();
    return it && it.attributes?.caller === "0612345678" && it.phase === "waiting" ? it : null;
  });
  // After 1 s the wait ends (no overflow queue): the prompt, a beep, and
  // what the caller says is recorded. Speak 4 s, then hang up.
  await until("the call closed", async () =>
    (await api("GET", `/api/v1/interactions/${waiting.id}`)).status !== "in_progress", 5000);
  await sleep(6000);
  clearInterval(speaking);
  request(phone, "BYE", { callId: "vm-1", to: toTag(ok), cseq: 2 });
  await final(phone, "vm-1", "BYE");
  const left = await until("the message in its queue", async () =>
    (await api("GET", `/api/v1/interactions?queue_id=${messages.id}`)).interactions[0], 5000);
  assert.equal(left.attributes.voicemail, "true");
  assert.equal(left.attributes.call_interaction_id, String(waiting.id));
  assert.ok(Number(left.attributes.voicemail_seconds) >= 2, JSON.stringify(left.attributes));
  const closed = await api("GET", `/api/v1/interactions/${waiting.id}`);
  assert.ok(closed.timeline.some((e) => e.type === "closed"), JSON.stringify(closed.timeline.map((e) => e.type)));
  assert.notEqual(closed.status, "abandoned");
  const wav = await api("GET", `/api/v1/interactions/${left.id}`);
  assert.ok(wav.timeline.some((e) => e.type === "recording" && e.data?.voicemail), "its recording named");
  assert.equal((await stats()).messages_offered, 1);
  results.voicemail = `waited 1 s (max_wait_s) in a queue with voicemail_queue_id: the call closed (${closed.status}), ` +
    `a ${left.attributes.voicemail_seconds} s message queued as interaction ${left.id}, linked to the call`;
  phone.socket.close();
  media.socket.close();
}

// ---- session timers (RFC 4028), refreshes sent where the phone really is ------
{
  const timed = await startVoiceServer(guichet, "timers", ["--sip-session-expires", "4", "--media-timeout", "0"]);
  const phone = await udp();
  const send = (text) => phone.socket.send(text, timed.sipPort, "127.0.0.1");
  const invite = (callId, headers) => send(["INVITE sip:0140000000@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-${callId}`, "Max-Forwards: 70",
    "From: <sip:0612345678@127.0.0.1>;tag=st1", "To: <sip:0140000000@127.0.0.1>", `Call-ID: ${callId}`,
    "CSeq: 1 INVITE", "Contact: <sip:0612345678@192.168.1.20:5060>", ...headers,
    "Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(sdp(40100, "0"))}`, "",
    sdp(40100, "0")].join("\r\n"));
  const answerTo = (callId) => until(`the answer to ${callId}`, () => responses(phone).find((t) =>
    t.includes(`Call-ID: ${callId}`) && !/^SIP\/2\.0 1/.test(t)));
  invite("st-small", ["Session-Expires: 30"]);
  const small = await answerTo("st-small");
  assert.match(small, /^SIP\/2\.0 422/);
  assert.match(small, /^Min-SE: 90\r$/m);
  invite("st-1", ["Supported: timer", "Session-Expires: 1800;refresher=uac"]);
  const ok = await answerTo("st-1");
  assert.match(ok, /^SIP\/2\.0 200/);
  assert.match(ok, /^Session-Expires: 90;refresher=uac\r$/m); // it asked, and supports it
  assert.match(ok, /^Require: timer\r$/m);
  const tag = toTag(ok);
  send(["ACK sip:0140000000@127.0.0.1 SIP/2.0", `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-st-ack`,
    "Max-Forwards: 70", "From: <sip:0612345678@127.0.0.1>;tag=st1", `To: <sip:0140000000@127.0.0.1>${tag}`,
    "Call-ID: st-1", "CSeq: 1 ACK", "Content-Length: 0", "", ""].join("\r\n"));
  // Refreshes (every 2 s here) come to the address the phone's SIP came from.
  const reinvites = () => phone.received.map((m) => m.data.toString()).filter((t) => t.startsWith("INVITE "));
  const answerReinvite = (text, code) => {
    const line = (name) => new RegExp(`^${name}:[^\r\n]*`, "mi").exec(text)?.[0] ?? "";
    const body = code === 200 ? sdp(40100, "0") : "";
    send([code === 200 ? "SIP/2.0 200 OK" : "SIP/2.0 481 Call/Transaction Does Not Exist",
      ...text.split("\r\n").filter((l) => /^Via:/i.test(l)), line("From"), line("To"), line("Call-ID"), line("CSeq"),
      "Contact: <sip:0612345678@192.168.1.20:5060>",
      ...(body ? ["Content-Type: application/sdp"] : []), `Content-Length: ${Buffer.byteLength(body)}`, "", body].join("\r\n"));
  };
  const first = await until("a first refresh", () => reinvites()[0], 6000);
  assert.match(first, new RegExp(`^INVITE sip:0612345678@127\\.0\\.0\\.1:${phone.port} SIP/2\\.0`));
  answerReinvite(first, 200);
  await until("the refresh's ACK", () => phone.received.some((m) => m.data.toString().startsWith("ACK ")), 3000);
  const second = await until("a second refresh", () => reinvites().find((t) => t !== first), 6000);
  answerReinvite(second, 481); // the phone lost the call
  await until("the call ended", async () => (await timed.api("GET", "/api/v1/stats/voice")).calls_active === 0, 5000);
  const voice = await timed.api("GET", "/api/v1/stats/voice");
  assert.ok(voice.session_refreshes >= 2 && voice.sessions_expired === 1, JSON.stringify(voice));
  // Through a proxy (Record-Route): refreshes go to it, naming the Contact
  // as it is — a routed dialog is never aimed at a source.
  const proxy = await udp();
  const routedBody = sdp(40102, "0");
  send(["INVITE sip:0140000000@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-st-2`, "Max-Forwards: 70",
    "From: <sip:0612345678@127.0.0.1>;tag=st2", "To: <sip:0140000000@127.0.0.1>", "Call-ID: st-2",
    "CSeq: 1 INVITE", `Record-Route: <sip:127.0.0.1:${proxy.port};lr>`,
    "Contact: <sip:0612345678@192.168.1.20:5060>", "Content-Type: application/sdp",
    `Content-Length: ${Buffer.byteLength(routedBody)}`, "", routedBody].join("\r\n"));
  const routed = await answerTo("st-2");
  assert.match(routed, /^SIP\/2\.0 200/);
  send(["ACK sip:0140000000@127.0.0.1 SIP/2.0", `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-st-ack2`,
    "Max-Forwards: 70", "From: <sip:0612345678@127.0.0.1>;tag=st2", `To: <sip:0140000000@127.0.0.1>${toTag(routed)}`,
    "Call-ID: st-2", "CSeq: 1 ACK", "Content-Length: 0", "", ""].join("\r\n"));
  const viaProxy = await until("a refresh through the proxy", () =>
    proxy.received.map((m) => m.data.toString()).find((t) => t.startsWith("INVITE ")), 6000);
  assert.match(viaProxy, /^INVITE sip:0612345678@192\.168\.1\.20:5060 SIP\/2\.0/);
  assert.ok(!reinvites().some((t) => t.includes("Call-ID: st-2")), "a routed dialog's refresh went around the proxy");
  proxy.socket.send(["SIP/2.0 481 Call/Transaction Does Not Exist",
    ...viaProxy.split("\r\n").filter((l) => /^Via:/i.test(l)),
    ...["From", "To", "Call-ID", "CSeq"].map((name) => new RegExp(`^${name}:[^\r\n]*`, "mi").exec(viaProxy)[0]),
    "Content-Length: 0", "", ""].join("\r\n"), timed.sipPort, "127.0.0.1");
  await until("the routed call ended", async () => (await timed.api("GET", "/api/v1/stats/voice")).calls_active === 0, 5000);
  proxy.socket.close();
  results.session_timers = "Session-Expires 30: 422 Min-SE 90; 1800;refresher=uac with Supported: timer: 200 " +
    "Session-Expires 90;refresher=uac, Require: timer; refreshes to the phone's real address, or through its " +
    "proxy (Record-Route) naming its Contact; one answered 481: the call ended";
  phone.socket.close();
  timed.server.kill("SIGTERM");
}

// ---- a flood of INVITEs from one source: 30 taken at once, the rest unanswered
{
  const phone = await udp();
  for (let i = 0; i < 60; i++) {
    request(phone, "INVITE", { callId: `flood-${i}`, body: sdp(41000 + 2 * i, "0") });
  }
  await sleep(1500);
  const answered = new Set(responses(phone).filter((t) => /^SIP\/2\.0 200/.test(t))
    .map((t) => /Call-ID: (\S+)/.exec(t)[1]));
  assert.ok(answered.size >= 25 && answered.size <= 36, `answered ${answered.size} of 60`);
  assert.ok((await stats()).invites_refused >= 24);
  results.flood = `60 INVITEs at once from one source: ${answered.size} answered, the rest not (no reflection)`;
  phone.socket.close();
}

// ---- with --sip-callers: INVITEs from elsewhere are refused, 403 ---------------
{
  const trunkOnly = await startVoiceServer(guichet, "callers", ["--sip-callers", "192.0.2.0/24"]);
  const phone = await udp();
  const text = ["INVITE sip:0140000000@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/UDP 127.0.0.1:${phone.port};rport;branch=z9hG4bK-callers`, "Max-Forwards: 70",
    "From: <sip:0612345678@127.0.0.1>;tag=c1", "To: <sip:0140000000@127.0.0.1>", "Call-ID: callers-1",
    "CSeq: 1 INVITE", "Contact: <sip:0612345678@127.0.0.1>", "Content-Length: 0", "", ""].join("\r\n");
  phone.socket.send(text, trunkOnly.sipPort, "127.0.0.1");
  const refused = await until("the 403", () => responses(phone).find((t) => !/^SIP\/2\.0 1/.test(t)));
  assert.match(refused, /^SIP\/2\.0 403/);
  results.callers = "--sip-callers 192.0.2.0/24: an INVITE from 127.0.0.1 refused 403";
  phone.socket.close();
  trunkOnly.server.kill("SIGTERM");
}

server.kill("SIGTERM");
console.log(JSON.stringify({ test: "voice nat", ...results }));
process.exit(0);
