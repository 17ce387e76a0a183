// The wallboard under load: 2,000 agents and 200 queues live, interactions
// arriving and agents changing state, in headless Chromium. Measures the
// time to render each update (User Timing "wallboard-update": figures
// arrived → next frame), long tasks, the longest gap between frames, and
// the JavaScript the page loads. Prints one JSON line; fails when the
// wallboard is not fluid (an update's render over 250 ms at the 95th
// percentile, or updates not coalesced to at most ~2 per second).
//
//   node web/e2e/wallboard-load.test.mjs --guichet build/src/cli/guichet \
//        --dist build/src/web/dist [--agents 2000] [--queues 200] [--seconds 10]
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { flags, freePort, healthy } from "./support.mjs";

const args = flags();
const agents = Number(args.agents ?? 2000);
const queues = Number(args.queues ?? 200);
// 15 s: about 24 updates, so that the 95th percentile is one (the second
// slowest), not the slowest of 17 — a single pause of this VM failed the
// test once at 10 s (273 ms against the 250 allowed, p50 146 ms).
const seconds = Number(args.seconds ?? 15);
if (!args.guichet || !args.dist) {
  console.error("usage: wallboard-load.test.mjs --guichet PATH --dist DIR");
  process.exit(2);
}

const data = mkdtempSync(join(tmpdir(), "guichet-load-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const seedStart = Date.now();
const server = spawn(
  args.guichet,
  ["serve", "--data", data, "--listen", `127.0.0.1:${port}`, "--access-log", "false",
   "--load-test", `${agents}:${queues}`],
  { stdio: ["ignore", "ignore", "inherit"] },
);
process.on("exit", () => {
  server.kill("SIGKILL");
  rmSync(data, { recursive: true, force: true });
});
if (!(await healthy(base))) {
  console.error("the server did not answer");
  process.exit(1);
}
const seedMs = Date.now() - seedStart;

const login = await fetch(`${base}/api/v1/session`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ username: "superviseur", password: "charge-de-test" }),
});
const token = (await login.json()).token;
async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}
async function inParallel(items, width, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const agentRows = await api("GET", "/api/v1/stats/agents");
const queueList = await api("GET", "/api/v1/queues");
await inParallel(agentRows, 16, (a) =>
  api("PUT", `/api/v1/agents/${a.agent_id}/state`, { state: "available" }));

// What a row of the wallboard shows, brought on screen first (times tick
// only on screen; a row scrolled to catches up at once): its cells' text by
// data-field, durations in seconds.
async function readRow(page, selector) {
  const row = page.locator(selector);
  await row.scrollIntoViewIfNeeded();
  await page.waitForTimeout(120); // a frame or two: the intersection observed
  return row.evaluate((tr) => {
    const seconds = (text) => {
      const m = /(?:(\d+) h )?(?:(\d+) min )?(\d+) s|(\d+) h (\d+) min/.exec(text ?? "");
      if (!m) return null;
      if (m[4] !== undefined) return Number(m[4]) * 3600 + Number(m[5]) * 60;
      return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]);
    };
    const cells = {};
    for (const cell of tr.querySelectorAll("[data-field]")) {
      cells[cell.getAttribute("data-field")] = cell.textContent;
      cells[`${cell.getAttribute("data-field")}_s`] = seconds(cell.textContent);
    }
    return cells;
  });
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = false;
const figures = { agents, queues, seed_ms: seedMs };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel("Identifiant").fill("superviseur");
  await page.getByLabel("Mot de passe").fill("charge-de-test");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByText("En direct").waitFor();
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-testid=agents] tbody tr").length === n,
    agents,
    { timeout: 30_000 },
  );
  // From here: long tasks and frame gaps, while traffic flows.
  await page.evaluate(() => {
    performance.clearMeasures("wallboard-update");
    window.__load = { longTasks: [], maxFrameGap: 0 };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__load.longTasks.push(entry.duration);
    }).observe({ type: "longtask" });
    let last = performance.now();
    const frame = (now) => {
      window.__load.maxFrameGap = Math.max(window.__load.maxFrameGap, now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });

  // Traffic: arrivals on random queues, and agents pausing and coming back.
  const end = Date.now() + seconds * 1000;
  let created = 0;
  let changes = 0;
  while (Date.now() < end) {
    const tick = Date.now();
    const batch = [];
    for (let i = 0; i < 20; i++) {
      const q = queueList[Math.floor(Math.random() * queueList.length)];
      batch.push(api("POST", "/api/v1/interactions", { channel: q.channel, queue_id: q.id }));
    }
    for (let i = 0; i < 10; i++) {
      const a = agentRows[Math.floor(Math.random() * agentRows.length)];
      batch.push(api("PUT", `/api/v1/agents/${a.agent_id}/state`, {
        state: Math.random() < 0.5 ? "paused" : "available",
      }));
    }
    await Promise.all(batch);
    created += 20;
    changes += 10;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))));
  }
  await page.waitForTimeout(1000);
  const measured = await page.evaluate(() => ({
    updates: performance.getEntriesByName("wallboard-update").map((e) => e.duration),
    ...window.__load,
  }));
  const sorted = [...measured.updates].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of them at or below.
  const at = (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  figures.interactions_created = created;
  figures.state_changes = changes;
  figures.updates_rendered = sorted.length;
  figures.updates_per_second = Number((sorted.length / (seconds + 1)).toFixed(2));
  figures.render_ms = {
    p50: Math.round(at(0.5)),
    p95: Math.round(at(0.95)),
    max: Math.round(sorted.at(-1) ?? 0),
  };
  figures.long_tasks = measured.longTasks.length;
  figures.long_task_ms_max = Math.round(Math.max(0, ...measured.longTasks));
  figures.max_frame_gap_ms = Math.round(measured.maxFrameGap);
  // The figures a supervisor trusts, against the API's, once the peak is
  // over: what waits and for how long in each queue, each agent's state,
  // and their time in it ticking. ("Attente max." showed 1 s for chats
  // waiting 22 s; "Depuis" stood still for some agents.)
  await page.waitForTimeout(1200); // the last update, coalesced
  const wrong = [];
  const apiQueues = await api("GET", "/api/v1/stats/queues");
  const queuesRead = Date.now();
  const sampleQueues = apiQueues.filter((q) => q.waiting > 0).slice(0, 12);
  for (const truth of sampleQueues) {
    const shown = await readRow(page, `[data-testid=queues] tr[data-queue="${truth.name}"]`);
    const longest = truth.longest_wait_s + (Date.now() - queuesRead) / 1000;
    if (Number(shown.waiting) !== truth.waiting) {
      wrong.push(`${truth.name}: ${shown.waiting} waiting shown, ${truth.waiting} in the API`);
    }
    if (shown.longest_s === null || Math.abs(shown.longest_s - longest) > 2) {
      wrong.push(`${truth.name}: longest wait ${shown.longest} shown, ${longest.toFixed(1)} s by the API`);
    }
  }
  const stateWord = { available: "Disponible", paused: "En pause", offline: "Hors ligne" };
  const apiAgents = await api("GET", "/api/v1/stats/agents");
  const agentsRead = Date.now();
  const sampleAgents = apiAgents.filter((_, i) => i % 160 === 0);
  for (const truth of sampleAgents) {
    const shown = await readRow(page, `[data-testid=agents] tr[data-agent="${truth.name}"]`);
    const since = truth.time_in_state_s + (Date.now() - agentsRead) / 1000;
    if (!shown.state.startsWith(stateWord[truth.state] ?? truth.state)) {
      wrong.push(`${truth.name}: "${shown.state}" shown, ${truth.state} in the API`);
    }
    if (shown.since_s === null || Math.abs(shown.since_s - since) > 2) {
      wrong.push(`${truth.name}: in state for ${shown.since} shown, ${since.toFixed(1)} s by the API`);
    }
  }
  // On screen, a time in state moves on by itself: two seconds later, by two.
  const last = sampleAgents.at(-1);
  if (last) {
    const before = (await readRow(page, `[data-testid=agents] tr[data-agent="${last.name}"]`)).since_s;
    await page.waitForTimeout(2000);
    const after = (await readRow(page, `[data-testid=agents] tr[data-agent="${last.name}"]`)).since_s;
    if (after - before < 1 || after - before > 3) {
      wrong.push(`${last.name}'s time in state went from ${before} to ${after} s in 2 s`);
    }
  }
  figures.figures_checked = sampleQueues.length * 2 + sampleAgents.length * 2;
  figures.figures_wrong = wrong.length;
  if (wrong.length > 0) {
    console.error(`FAIL: the wallboard disagrees with the API:\n  ${wrong.slice(0, 10).join("\n  ")}`);
    failed = true;
  }

  const rows = await page.locator("[data-testid=agents] tbody tr").count();
  if (rows !== agents) {
    console.error(`FAIL: ${rows} agent rows, expected ${agents}`);
    failed = true;
  }
  if (sorted.length === 0 || figures.render_ms.p95 > 250) {
    console.error(`FAIL: updates not fluid: ${JSON.stringify(figures.render_ms)}`);
    failed = true;
  }
  if (figures.updates_per_second > 2.5) {
    console.error(`FAIL: updates not coalesced: ${figures.updates_per_second}/s`);
    failed = true;
  }
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await browser.close();
}

// The JavaScript the page loads (gzip: what travels).
let js = 0;
let jsGzip = 0;
for (const name of readdirSync(join(args.dist, "assets"))) {
  if (!name.endsWith(".js")) continue;
  const bytes = readFileSync(join(args.dist, "assets", name));
  js += bytes.length;
  jsGzip += gzipSync(bytes).length;
}
figures.js_kb = Math.round(js / 1024);
figures.js_gzip_kb = Math.round(jsGzip / 1024);
console.log(JSON.stringify({ test: "wallboard under load", ...figures }));
process.exit(failed ? 1 : 0);
