// What the end-to-end scripts share: their --flag value arguments, a free
// loopback port, and waiting for a server to answer.
import { createServer } from "node:net";

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
