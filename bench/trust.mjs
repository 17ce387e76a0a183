// What floods cost the other users, each against the same server unflooded
// in the same run (make bench):
//  - logins with random user names from 16 clients for 10 s: the latency of
//    other users' authenticated reads, and the server's memory;
//  - 400 idle connections to a server limited to 256 descriptors: /healthz
//    latency and the server's CPU;
//  - a forged INVITE (Via and SDP naming a third party): bytes reaching that
//    third party over 10 s, per byte sent;
//  - 300 SIP-over-TCP connections from 10 addresses sending only CRLF
//    keepalives, to a server limited to 256 descriptors: connections held,
//    /healthz latency and the server's CPU, against the same server quiet.
//   node bench/trust.mjs --guichet path/to/guichet
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flags, freePort, healthy } from "../web/e2e/support.mjs";

const { guichet } = flags();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const cpuTicks = (pid) => {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
};

async function server(extra = [], limit = 0) {
  const work = mkdtempSync(join(tmpdir(), "guichet-trust-"));
  spawnSync(guichet, ["user", "add", "--name", "superviseur", "--role", "supervisor", "--data", join(work, "data")],
    { input: "bench-trust-password-1\n" });
  const port = await freePort();
  const args = ["serve", "--data", join(work, "data"), "--listen", `127.0.0.1:${port}`, "--access-log", "false", ...extra];
  const child = limit
    ? spawn("bash", ["-c", `ulimit -n ${limit}; exec "$0" "$@"`, guichet, ...args], { stdio: "ignore" })
    : spawn(guichet, args, { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  if (!(await healthy(base))) throw new Error("the server did not start");
  return { child, base, port, stop: () => { child.kill("SIGKILL"); rmSync(work, { recursive: true, force: true }); } };
}

async function readLatencies(base, token, ms) {
  const out = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const started = performance.now();
    await fetch(`${base}/api/v1/queues`, { headers: { Authorization: `Bearer ${token}` } });
    out.push(performance.now() - started);
    await sleep(20);
  }
  return out;
}

const results = {};
{
  const s = await server();
  const token = (await (await fetch(`${s.base}/api/v1/session`, { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "superviseur", password: "bench-trust-password-1" }) })).json()).token;
  const quiet = await readLatencies(s.base, token, 5000);
  const rssBefore = rssMiB(s.child.pid);
  let attempts = 0, limited = 0;
  let flooding = true;
  const flooders = Array.from({ length: 16 }, async (_, i) => {
    while (flooding) {
      const response = await fetch(`${s.base}/api/v1/session`, { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: `u${i}x${attempts}`, password: "not-the-password" }) });
      attempts++;
      if (response.status === 429 || response.status === 503) limited++;
      await response.arrayBuffer();
    }
  });
  const flooded = await readLatencies(s.base, token, 10000);
  const rssPeak = rssMiB(s.child.pid);
  flooding = false;
  await Promise.all(flooders);
  results.login_flood = {
    clients: 16, seconds: 10, attempts, refused_without_hash: limited,
    reads_p50_ms: { quiet: +quantile(quiet, 0.5).toFixed(2), flooded: +quantile(flooded, 0.5).toFixed(2) },
    reads_p99_ms: { quiet: +quantile(quiet, 0.99).toFixed(2), flooded: +quantile(flooded, 0.99).toFixed(2) },
    rss_mib: { before: +rssBefore.toFixed(1), during: +rssPeak.toFixed(1) },
  };
  s.stop();
}
{
  const s = await server([], 256);
  const idle = [];
  for (let i = 0; i < 400; i++) {
    const socket = connect(s.port, "127.0.0.1");
    socket.on("error", () => {});
    idle.push(socket);
  }
  await sleep(500);
  const before = cpuTicks(s.child.pid);
  const latencies = [];
  let failed = 0;
  const started = Date.now();
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const ok = await fetch(`${s.base}/healthz`).then((r) => r.ok, () => false);
    if (!ok) failed++;
    latencies.push(performance.now() - t);
    await sleep(20);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = (cpuTicks(s.child.pid) - before) / 100 / seconds;
  const open = idle.filter((socket) => !socket.destroyed && socket.readyState === "open").length;
  results.idle_connections = {
    descriptors: 256, opened: 400, still_open_after: open, healthz_failed: failed,
    healthz_p50_ms: +quantile(latencies, 0.5).toFixed(2), healthz_p99_ms: +quantile(latencies, 0.99).toFixed(2),
    server_cpu_percent: +(cpu * 100).toFixed(1),
  };
  for (const socket of idle) socket.destroy();
  s.stop();
}
{
  const sip = 30000 + Math.floor(Math.random() * 20000);
  const s = await server(["--sip-listen", `127.0.0.1:${sip}`]);
  const token = (await (await fetch(`${s.base}/api/v1/session`, { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "superviseur", password: "bench-trust-password-1" }) })).json()).token;
  const api = (path, body) => fetch(`${s.base}${path}`, { method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) })
    .then((r) => r.json());
  const queue = await api("/api/v1/queues", { name: "accueil", channel: "voice" });
  await api("/api/v1/ivr-flows", { name: "A", number: "0140000000",
    steps: [{ id: "p", type: "prompt", text: "Bonjour.", next: "f" }, { id: "f", type: "queue", queue_id: queue.id }] });
  await sleep(1500);
  const victim = createSocket("udp4");
  let received = 0;
  victim.on("message", (m) => { received += m.length; });
  await new Promise((r) => victim.bind(0, "127.0.0.1", r));
  const v = victim.address().port;
  const sdp = `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${v} RTP/AVP 0\r\n`;
  const forged = `INVITE sip:0140000000@127.0.0.1:${sip} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${v};branch=z9hG4bK-forged\r\n` +
    `Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.1>;tag=f\r\nTo: <sip:0140000000@127.0.0.1>\r\nCall-ID: forged@x\r\n` +
    `CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:${v}>\r\nContent-Type: application/sdp\r\n` +
    `Content-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`;
  const sender = createSocket("udp4");
  sender.send(forged, sip, "127.0.0.1");
  await sleep(10000);
  results.forged_invite = { bytes_in: Buffer.byteLength(forged), bytes_to_third_party_10s: received,
    factor: +(received / Buffer.byteLength(forged)).toFixed(1), note: "the 200's retransmissions (RFC 3261), no audio" };
  victim.close(); sender.close();
  s.stop();
}
{
  const sip = 30000 + Math.floor(Math.random() * 20000);
  const s = await server(["--sip-listen", `127.0.0.1:${sip}`], 256);
  const probe = async (ms) => {
    const before = cpuTicks(s.child.pid);
    const latencies = [];
    let failed = 0;
    const started = Date.now();
    while (Date.now() - started < ms) {
      const t = performance.now();
      if (!(await fetch(`${s.base}/healthz`).then((r) => r.ok, () => false))) failed++;
      latencies.push(performance.now() - t);
      await sleep(20);
    }
    const cpu = (cpuTicks(s.child.pid) - before) / 100 / ((Date.now() - started) / 1000);
    return { healthz_failed: failed, healthz_p50_ms: +quantile(latencies, 0.5).toFixed(2),
      healthz_p99_ms: +quantile(latencies, 0.99).toFixed(2), server_cpu_percent: +(cpu * 100).toFixed(1) };
  };
  const quiet = await probe(2000);
  const sockets = [];
  for (let i = 0; i < 300; i++) {
    const socket = connect({ port: sip, host: "127.0.0.1", localAddress: `127.0.0.${2 + (i % 10)}` });
    socket.on("error", () => {});
    sockets.push(socket);
  }
  const keepalive = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write("\r\n\r\n");
  }, 500);
  await sleep(1000);
  const flooded = await probe(3000);
  const open = sockets.filter((socket) => !socket.destroyed && !socket.readableEnded).length;
  clearInterval(keepalive);
  results.sip_tcp_idle = { descriptors: 256, opened: 300, addresses: 10, still_open_after: open,
    quiet, flooded };
  for (const socket of sockets) socket.destroy();
  s.stop();
}
console.log(JSON.stringify({ bench: "trust", ...results }));
process.exit(0);
