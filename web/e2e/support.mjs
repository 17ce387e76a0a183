// What the end-to-end scripts share: their --flag value arguments, a free
// loopback port, waiting for a server to answer, a tone as a WAV file, a
// Guichet with its users, Chromium, and checks with axe and screenshots.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function flags(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.reduce((pairs, value, i, all) => {
      if (value.startsWith("--")) pairs.push([value.slice(2), all[i + 1]]);
      return pairs;
    }, []),
  );
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Polls /healthz until it answers (up to `tries` × 50 ms).
export async function healthy(base, tries = 2400) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// A tone as a WAV file (PCM, 16-bit, mono), as a recording would be uploaded.
export function toneWav(seconds, rate = 8000, hertz = 440) {
  const samples = Math.round(seconds * rate);
  const wav = Buffer.alloc(44 + 2 * samples);
  wav.write("RIFF", 0, "ascii");
  wav.writeUInt32LE(36 + 2 * samples, 4);
  wav.write("WAVEfmt ", 8, "ascii");
  wav.writeUInt32LE(16, 16); // the format chunk's size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(2 * rate, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // bytes per frame
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write("data", 36, "ascii");
  wav.writeUInt32LE(2 * samples, 40);
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hertz * i) / rate)), 44 + 2 * i);
  }
  return wav;
}

// ---- a Guichet and a browser for one script ------------------------------------


const here = dirname(fileURLToPath(import.meta.url));

// `guichet serve` on a free loopback port with a fresh data directory and
// these users ({name: [role, password]}), killed when the script exits;
// with `api(user, method, path, body)` for what the script sets up itself.
export async function startGuichet(guichet, users, extraArgs = []) {
  const data = mkdtempSync(join(tmpdir(), "guichet-e2e-"));
  for (const [name, [role, password]] of Object.entries(users)) {
    const added = spawnSync(guichet, ["user", "add", "--name", name, "--role", role, "--data", data], {
      input: password + "\n",
    });
    if (added.status !== 0) throw new Error(`user add ${name}: ${added.stderr}`);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(guichet, ["serve", "--data", data, "--listen", `127.0.0.1:${port}`, ...extraArgs], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  // Whatever happens below, the server does not outlive the test.
  process.on("exit", () => {
    server.kill("SIGKILL");
    rmSync(data, { recursive: true, force: true });
  });
  process.on("uncaughtException", (error) => {
    console.error(error);
    process.exit(1);
  });
  process.on("unhandledRejection", (error) => {
    console.error(error);
    process.exit(1);
  });
  if (!(await healthy(base))) {
    console.error("the server did not answer");
    process.exit(1);
  }
  const tokens = {};
  async function api(user, method, path, body) {
    if (!tokens[user]) {
      const login = await fetch(`${base}/api/v1/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: user, password: users[user][1] }),
      });
      tokens[user] = (await login.json()).token;
    }
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens[user]}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return { base, data, server, api, tokens };
}

// Debian's Chromium, headless, sounds allowed without a gesture (the offer's ring).
export async function launchChromium(chromium) {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--autoplay-policy=no-user-gesture-required"],
  });
}

// Checks that fail the script at its end, each said at once; `audit(page,
// name)` runs axe-core (WCAG 2.1 A and AA) and saves a full-page
// screenshot in `out` (emptied first), numbered in order.
export function checker(out) {
  rmSync(out, { recursive: true, force: true }); // only this run's screenshots
  mkdirSync(out, { recursive: true });
  const axeSource = readFileSync(join(here, "../node_modules/axe-core/axe.min.js"), "utf8");
  const failures = [];
  let shots = 0;
  function check(condition, what) {
    if (!condition) {
      failures.push(what);
      console.error(`FAIL: ${what}`);
    }
  }
  async function audit(page, name) {
    // What is still arriving (the offer's fade-in) is measured once there:
    // mid-animation its colours are blends, not what the user reads.
    await page.evaluate(() =>
      Promise.all(document.getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined))));
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    for (const violation of result.violations) {
      // Which element, as it was, and what axe measured (colours, ratio).
      check(false, `axe on ${name}: ${violation.id} (${violation.nodes.length} nodes): ${violation.help}` +
        ` — ${violation.nodes.slice(0, 3).map((n) =>
          `${n.target.join(" ")} ${n.html.slice(0, 160)} ${JSON.stringify(n.any?.[0]?.data ?? "")}`).join(", ")}`);
    }
    await page.screenshot({ path: join(out, `${String(++shots).padStart(2, "0")}-${name}.png`), fullPage: true });
  }
  async function until(what, predicate, timeoutMs = 5000) {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (await predicate()) return Date.now() - start;
      await new Promise((r) => setTimeout(r, 20));
    }
    check(false, `${what}: not within ${timeoutMs} ms`);
    return timeoutMs;
  }
  // The script's one JSON line (its figures, the screenshots taken, the
  // failures), then its exit: 0 when every check passed.
  function report(test, figures) {
    figures.screenshots = readdirSync(out).length;
    figures.failures = failures.length;
    console.log(JSON.stringify({ test, ...figures }));
    process.exit(failures.length === 0 ? 0 : 1);
  }
  return { failures, check, audit, until, report };
}
