// The voice benchmark's RTP sink: receives the audio Guichet sends to the
// probe calls and measures its pacing as a phone would: for each stream
// (SSRC), how far each packet's arrival is from its due time (the first
// packet's arrival + 20 ms × the packets since, by sequence number). On
// SIGTERM prints {"streams","packets","p50_ms","p99_ms","max_ms"}.
//   node rtp-sink.mjs PORT
import { createSocket } from "node:dgram";

const port = Number(process.argv[2]);
const streams = new Map();
const errors = [];
let packets = 0;
const socket = createSocket("udp4");
socket.on("message", (message) => {
  if (message.length < 12) return;
  const now = Number(process.hrtime.bigint()) / 1e6;
  const sequence = message.readUInt16BE(2);
  const ssrc = message.readUInt32BE(8);
  packets++;
  let stream = streams.get(ssrc);
  if (!stream) {
    streams.set(ssrc, { first: now, sequence, unwrapped: 0, last: sequence });
    return;
  }
  let delta = sequence - stream.last;
  if (delta < -32768) delta += 65536;
  stream.unwrapped += delta;
  stream.last = sequence;
  const due = stream.first + 20 * stream.unwrapped;
  // Arrivals drift from the first packet's (which may itself be late):
  // re-anchor on the earliest, so the error is lateness, never negative.
  if (now < due) {
    stream.first -= due - now;
    errors.push(0);
  } else {
    errors.push(now - due);
  }
});
socket.bind(port, "127.0.0.1");
process.on("SIGTERM", () => {
  errors.sort((a, b) => a - b);
  const at = (q) => (errors.length ? errors[Math.min(errors.length - 1, Math.floor(q * errors.length))] : 0);
  console.log(JSON.stringify({
    streams: streams.size, packets,
    p50_ms: +at(0.5).toFixed(2), p99_ms: +at(0.99).toFixed(2), max_ms: +at(1).toFixed(2),
  }));
  process.exit(0);
});
