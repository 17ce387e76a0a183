// What the end-to-end scripts share: their --flag value arguments, a free
// loopback port, waiting for a server to answer, and a tone as a WAV file.
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
