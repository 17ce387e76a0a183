#!/usr/bin/env bash
# The voice benchmark (make bench): CALLS concurrent G.711 calls held in the
# IVR and the queue (a prompt, then music on hold) for HOLD seconds, placed
# by sipp at RATE calls per second on loopback, against `guichet serve`.
# Measures, once every call is up: Guichet's CPU (per call, and the calls one
# core could hold at that rate), the pacing of the audio it sends (its own
# view: how late each 20 ms tick's last packet left; and a receiver's: an
# RTP sink on 50 probe calls), and the calls lost (any sipp failure).
#   scripts/bench-voice.sh path/to/guichet [CALLS] [HOLD] [RATE]
set -euo pipefail
guichet=$1
calls=${2:-1000}
hold=${3:-30}
rate=${4:-100}
probes=50
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/guichet-bench-voice.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

http=$(( 30000 + RANDOM % 10000 ))
sip=$(( http + 1 ))
media=$(( http + 3 ))
sink=$(( http + 9 ))  # sipp binds the media port and the one 2 above
echo "bench-voice-password" | "$guichet" user add --name admin --role admin --data "$work/data" >/dev/null
"$guichet" serve --data "$work/data" --listen "127.0.0.1:$http" --sip-listen "127.0.0.1:$sip" \
  --rtp-ports 40000-49999 --access-log false --sip-callers 127.0.0.0/8 \
  --media-timeout 0 >"$work/serve.log" 2>&1 &  # (the probes are silent sinks, not phones)
server=$!
pids+=("$server")
# Log lines are written within 100 ms: wait for the line, not just /healthz.
for _ in $(seq 200); do grep -q '"sip listening"' "$work/serve.log" && break; sleep 0.05; done
grep -q '"sip listening"' "$work/serve.log" ||
  { echo "guichet did not start (a port taken?): $(tail -3 "$work/serve.log")" >&2; exit 1; }

api() {  # api METHOD PATH [JSON]
  curl -sf -X "$1" "http://127.0.0.1:$http$2" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' ${3:+--data "$3"}
}
token=$(curl -sf "http://127.0.0.1:$http/api/v1/session" -H 'Content-Type: application/json' \
  --data '{"username":"admin","password":"bench-voice-password"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
queue=$(api POST /api/v1/queues '{"name":"attente","channel":"voice","announce_every_s":0}' |
  sed 's/^{"id":\([0-9]*\).*/\1/')
api POST /api/v1/ivr-flows '{"name":"banc","number":"0140000099","steps":[
  {"id":"accueil","type":"prompt","text":"Bienvenue. Un conseiller va vous répondre.","next":"file"},
  {"id":"file","type":"queue","queue_id":'"$queue"'}]}' >/dev/null
sleep 1  # the prompt is synthesised on the voice thread

node "$here/bench/voice/rtp-sink.mjs" "$sink" >"$work/sink.json" &
sink_pid=$!
pids+=("$sink_pid")
sipp_run() {  # sipp_run NAME CALLS RATE MEDIA_PORT [sipp args…]
  local name=$1 count=$2 cps=$3 port=$4; shift 4
  sipp "127.0.0.1:$sip" -sf "$here/bench/voice/uac.xml" -s 0140000099 -set media "$port" \
    -i 127.0.0.1 -mi 127.0.0.1 -m "$count" -r "$cps" -l "$count" -d $(( hold * 1000 )) \
    -timeout $(( hold + calls / rate + 60 ))s -nostdin -trace_screen -screen_file "$work/$name.screen" \
    "$@" >"$work/$name.out" 2>&1
}
started=$(date +%s.%N)
sipp_run load $(( calls - probes )) "$rate" "$media" -p $(( sip + 10 )) -mp "$media" -rtp_echo &
load=$!
pids+=("$load")
sipp_run probe "$probes" 10 "$sink" -p $(( sip + 20 )) &
probe=$!
pids+=("$probe")

ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# Steady state: every call up (the ramp takes CALLS/RATE s), then a window.
ramp=$(( calls / rate + 3 ))
window=$(( hold - ramp - 3 ))
[ "$window" -ge 5 ] || { echo "HOLD too short for the ramp: give at least $(( ramp + 8 )) s" >&2; exit 2; }
sleep "$ramp"
active=$(api GET /api/v1/stats/voice | sed 's/.*"calls_active":\([0-9]*\).*/\1/')
t0=$(ticks); s0=$(date +%s.%N)
sleep "$window"
t1=$(ticks); s1=$(date +%s.%N)
stats=$(api GET /api/v1/stats/voice)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

load_ok=0; probe_ok=0
wait "$load" && load_ok=1
wait "$probe" && probe_ok=1
kill -TERM "$sink_pid"; wait "$sink_pid" || true
finished=$(date +%s.%N)
succeeded() { grep -E '^ +Successful call' "$work/$1.screen" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}'; }
failed() { grep -E '^ +Failed call' "$work/$1.screen" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}'; }
ok=$(( $(succeeded load) + $(succeeded probe) ))
lost=$(( $(failed load) + $(failed probe) ))
hz=$(getconf CLK_TCK)
cpu=$(awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$hz" \
  'BEGIN { printf "%.1f", 100 * (t1 - t0) / hz / (s1 - s0) }')
per_core=$(awk -v c="$active" -v p="$cpu" 'BEGIN { printf "%d", (p > 0 ? c / (p / 100) : 0) }')
p50=$(echo "$stats" | sed 's/.*"pacing_p50_us":\([0-9]*\).*/\1/')
p99=$(echo "$stats" | sed 's/.*"pacing_p99_us":\([0-9]*\).*/\1/')
# The reference (../shared/voice.md): 101 concurrent signalling-only calls
# at 90 calls/s used 15 % of a core, so about 673 per core.
ratio=$(awk -v n="$per_core" 'BEGIN { printf "%.1f", n / (101 / 0.15) }')
echo "{\"calls\":$calls,\"rate_cps\":$rate,\"hold_s\":$hold,\"concurrent\":$active,\"succeeded\":$ok,\"lost\":$lost,\"cpu_percent\":$cpu,\"cpu_percent_per_call\":$(awk -v p="$cpu" -v c="$active" 'BEGIN{printf "%.4f", p/c}'),\"calls_per_core\":$per_core,\"rss_mb\":$(( rss_kb / 1024 )),\"pacing_sender_p50_ms\":$(awk -v v="$p50" 'BEGIN{printf "%.1f", v/1000}'),\"pacing_sender_p99_ms\":$(awk -v v="$p99" 'BEGIN{printf "%.1f", v/1000}'),\"pacing_receiver\":$(cat "$work/sink.json"),\"ratio_to_signalling_reference\":$ratio,\"seconds\":$(awk -v a="$started" -v b="$finished" 'BEGIN{printf "%.0f", b-a}')}"
[ "$lost" -eq 0 ] && [ "$load_ok" -eq 1 ] && [ "$probe_ok" -eq 1 ] || { echo "calls were lost: see $work" >&2; trap - EXIT; exit 1; }
