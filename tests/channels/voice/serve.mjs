// `guichet serve --sip-listen` for a voice test: an admin, the server on
// free ports, its log kept for a failure, killed when the test exits; the
// API as that admin; and one service number whose flow queues at once.
// `fileLimit`: the server runs under `ulimit -n` of that many descriptors.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, healthy } from "../../../web/e2e/support.mjs";

export async function startVoiceServer(guichet, name, extraArgs = [], { fileLimit } = {}) {
  const work = mkdtempSync(join(tmpdir(), `guichet-${name}-`));
  const httpPort = await freePort();
  const sipPort = 21000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${httpPort}`;
  const password = `${name}-test-password-1`;
  const state = { log: "", exited: false };
  const fail = (message) => {
    console.error(`FAIL: ${message}\n--- serve.log\n${state.log.slice(-4000)}`);
    process.exit(1);
  };
  process.on("unhandledRejection", (e) => fail(e.stack ?? String(e)));
  process.on("uncaughtException", (e) => fail(e.stack ?? String(e)));
  spawnSync(guichet, ["user", "add", "--name", "admin", "--role", "admin", "--data", join(work, "data")],
    { input: `${password}\n` });
  const args = ["serve", "--data", join(work, "data"), "--listen", `127.0.0.1:${httpPort}`,
    "--sip-listen", `127.0.0.1:${sipPort}`, "--access-log", "false", ...extraArgs];
  const server = fileLimit
    ? spawn("sh", ["-c", `ulimit -n ${Number(fileLimit)} && exec "$0" "$@"`, guichet, ...args],
      { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(guichet, args, { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout.on("data", (d) => (state.log += d));
  server.stderr.on("data", (d) => (state.log += d));
  server.on("exit", () => (state.exited = true));
  process.on("exit", () => {
    server.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });
  if (!(await healthy(base))) fail("the server did not answer");
  const token = (await (await fetch(`${base}/api/v1/session`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  })).json()).token;
  async function api(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
  // 0140000000: straight into a voice queue. The flows are reloaded on the
  // voice thread, its prompts synthesised first: waited for (a fixed 300 ms
  // was not enough on a fresh data directory under load: 404).
  const queue = await api("POST", "/api/v1/queues", { name: "accueil", channel: "voice" });
  await api("POST", "/api/v1/ivr-flows", {
    name: "Accueil", number: "0140000000", steps: [{ id: "file", type: "queue", queue_id: queue.id }],
  });
  // The HTTP server answers before the voice channel is up (it starts
  // after): a 404 from /stats/voice meanwhile is waited out too.
  let last = null;
  for (let i = 0; ; i++) {
    const stats = await api("GET", "/api/v1/stats/voice").catch((e) => (last = String(e), null));
    if (stats && stats.numbers >= 1) break;
    if (stats) last = JSON.stringify(stats);
    if (state.exited) fail("the server stopped");
    if (i === 400) fail(`the voice channel or its IVR flow was not up within 20 s: ${last}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server, work, base, sipPort, api, fail, queue, state };
}
