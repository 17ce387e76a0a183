#!/usr/bin/env bash
# The SIP endpoint of `guichet serve --sip-listen`, driven by sipp on
# loopback: OPTIONS answered (UDP and TCP), a call to a number without an IVR
# flow refused with 404, a flood of 500 INVITEs at 200/s all answered, junk
# datagrams dropped without harm, and a graceful stop.
#   tests/channels/voice/sip_test.sh path/to/guichet
set -uo pipefail
guichet=$1
here=$(dirname "$0")
work=$(mktemp -d /tmp/guichet-sip.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

port=$(( 20000 + RANDOM % 20000 ))
echo "sip-test-password-1" | "$guichet" user add --name admin --role admin --data "$work/data" >/dev/null
"$guichet" serve --data "$work/data" --listen 127.0.0.1:0 --sip-listen "127.0.0.1:$port" \
  >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '"sip listening"' "$work/serve.log" && break; sleep 0.05; done
grep -q '"sip listening"' "$work/serve.log" || fail "no SIP listener: $(cat "$work/serve.log")"

run() {  # run NAME ARGS…: one sipp run, success expected
  local name=$1; shift
  timeout 60 sipp "127.0.0.1:$port" -s 0123456789 -i 127.0.0.1 -mi 127.0.0.1 \
    -p $(( port + 1 + RANDOM % 100 )) -nostdin "$@" >"$work/$name.out" 2>&1 ||
    fail "$name: $(tail -20 "$work/$name.out")"
}
run options -sf "$here/options.xml" -m 1
run options-tcp -t t1 -sf "$here/options.xml" -m 1
run unknown-number -sf "$here/invite_unknown_number.xml" -m 1
run flood -sf "$here/invite_unknown_number.xml" -m 500 -r 200 -l 100
for junk in 'garbage' $'INVITE\r\n\r\n' $'SIP/2.0 200 OK\r\n\r\n' $'OPTIONS sip:x SIP/2.0\r\nVia: broken\r\n\r\n'; do
  printf '%s' "$junk" >"/dev/udp/127.0.0.1/$port"
done
head -c 4000 /dev/zero >"/dev/udp/127.0.0.1/$port"
run after-junk -sf "$here/options.xml" -m 1

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "still running after SIGTERM"
wait "$pid"; status=$?
pid=
[ "$status" -eq 0 ] || fail "exit status $status"
echo '{"test":"sip","options":"200","unknown_number":"404","flood":"500/500 answered"}'
