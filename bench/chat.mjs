// chat.mjs: the web chat under load — N conversations open at once, each
// exchanging messages both ways with the bot (every citizen message is
// written durably and echoed, then the bot searches the knowledge base,
// writes its answer and sends it). Against the demo town hall (its 32
// articles; its questions from tests/knowledge/questions.json).
//
// Two runs: "saturated", every conversation asking its next question as
// soon as the bot answered the last (the most messages per second it
// takes); then "paced", each asking every --interval-ms (citizens type: a
// message every few seconds at most), for the latency a citizen sees.
// Prints one JSON line each: conversations, messages (both ways) per second
// end to end, the echo's and the bot's answer's latency (p50, p99); then the
// time to start a conversation and the server's memory per open one.
//
//   ulimit -n 65536; node --experimental-websocket bench/chat.mjs --guichet build/src/cli/guichet \
//     [--conversations 5000] [--messages 6]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flags, freePort, healthy } from "../web/e2e/support.mjs";

const args = flags();
const conversations = Number(args.conversations ?? 5000);
const perConversation = Number(args.messages ?? 4);
const intervalMs = Number(args["interval-ms"] ?? 5000);
const questions = JSON.parse(readFileSync(new URL("../tests/knowledge/questions.json", import.meta.url)))
  .map((q) => q.question);

const work = mkdtempSync(join(tmpdir(), "guichet-chat-bench-"));
const port = args.port ? Number(args.port) : await freePort();
const base = `http://127.0.0.1:${port}`;
const server = args.port ? { pid: Number(args.pid), kill() {} } : spawn(args.guichet, [
  "serve", "--data", join(work, "data"), "--listen", `127.0.0.1:${port}`, "--demo",
  "--access-log", "false", "--chat-starts-per-address", "0",
  "--connections-per-address", String(conversations + 100),
  "--sip-listen", `127.0.0.1:${21000 + Math.floor(Math.random() * 20000)}`,
], { stdio: ["ignore", "ignore", "inherit"] });
const stop = () => {
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
};
process.on("exit", stop);
if (!(await healthy(base))) throw new Error("the server did not start");

const rss = () => {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
async function inBatches(count, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

// 1. Conversations started.
await new Promise((r) => setTimeout(r, 500));
const before = rss();
const tokens = new Array(conversations);
const startMs = [];
await inBatches(conversations, 32, async (i) => {
  const t0 = performance.now();
  const answer = await fetch(`${base}/chat/v1/services/6/conversations`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
  });
  if (answer.status !== 201) throw new Error(`start ${i}: ${answer.status} ${await answer.text()}`);
  tokens[i] = (await answer.json()).token;
  startMs.push(performance.now() - t0);
});

// 2. Their streams opened.
const sockets = new Array(conversations);
const waiting = new Array(conversations).fill(null); // resolve() of the message in flight
await inBatches(conversations, 200, (i) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/chat/v1/stream?token=${tokens[i]}`);
  ws.onopen = () => resolve();
  ws.onerror = () => reject(new Error(`stream ${i}`));
  ws.onmessage = (m) => {
    const event = JSON.parse(m.data);
    waiting[i]?.(event);
  };
  sockets[i] = ws;
}));
await new Promise((r) => setTimeout(r, 1000));
const opened = rss();

// 3. Messages both ways: each conversation asks, gets its echo, then the
// bot's answer; saturated, then paced.
async function exchange(run, pace) {
const echoMs = [];
const botMs = [];
let exchanged = 0;
const t0 = performance.now();
await Promise.all(sockets.map(async (ws, i) => {
  // Paced: the conversations' first questions spread over one interval.
  if (pace) await new Promise((r) => setTimeout(r, Math.random() * pace));
  for (let n = 0; n < perConversation; n++) {
    const clientId = `${run}-${i}-${n}`;
    const sent = performance.now();
    await new Promise((resolve) => {
      let echoed = false;
      waiting[i] = (event) => {
        if (event.type === "message" && event.client_id === clientId) {
          echoed = true;
          echoMs.push(performance.now() - sent);
          exchanged++;
        } else if (echoed && event.type === "message" && event.from === "bot") {
          botMs.push(performance.now() - sent);
          exchanged++;
          resolve();
        }
      };
      ws.send(JSON.stringify({ type: "message", client_id: clientId, text: questions[(i + n) % questions.length] }));
    });
    if (pace) await new Promise((r) => setTimeout(r, Math.max(0, pace - (performance.now() - sent))));
  }
}));
const seconds = (performance.now() - t0) / 1000;
const ms = (values, p) => Number(percentile(values, p).toFixed(1));
console.log(JSON.stringify({
  run,
  conversations,
  interval_ms: pace || undefined,
  messages: exchanged,
  seconds: Number(seconds.toFixed(2)),
  messages_per_s: Math.round(exchanged / seconds),
  echo_ms: { p50: ms(echoMs, 0.5), p99: ms(echoMs, 0.99) },
  bot_answer_ms: { p50: ms(botMs, 0.5), p99: ms(botMs, 0.99) },
}));
}
await exchange("saturated", 0);
await exchange("paced", intervalMs);
for (const ws of sockets) ws.close();
console.log(JSON.stringify({
  conversations,
  start_ms: { p50: Number(percentile(startMs, 0.5).toFixed(1)), p99: Number(percentile(startMs, 0.99).toFixed(1)) },
  bytes_per_open_conversation: Math.round((opened - before) / conversations),
}));
process.exit(0);
