#!/usr/bin/env bash
# A private Dovecot and Postfix on loopback for the email tests and bench
# (../shared/channels.md says what was verified): nothing of the machine's
# own mail system is used or changed.
#
#   mailservers.sh start DIR PORT   → prints the ports and paths (shell lines)
#   mailservers.sh stop DIR
#   mailservers.sh stop-imap DIR / start-imap DIR   (Dovecot only: a mail
#                                      server that goes down and comes back)
#
# DIR must be short (Dovecot's sockets live under it: 108 bytes at most).
# Ports from PORT: +0 IMAP (STARTTLS), +1 IMAPS, +2 LMTP, +3 Dovecot's SASL
# for Postfix, +4 SMTP in (as from the Internet: no sign-in), +5 submission
# (STARTTLS and sign-in required, what Guichet sends through), +6 SMTPS.
#
# Every mailbox is Dovecot's (any address gets one, password "secret"):
# mail to any domain is delivered there by LMTP, except to nowhere.test,
# refused (5.1.1) so that Postfix sends a bounce. A mailbox's new mail is a
# file in DIR/dc/mail/<address>/Maildir/new.
set -euo pipefail

command=${1:?start or stop}
dir=${2:?a folder}
dir=$(cd "$dir" && pwd)

stop() {
  if [ -f "$dir/pf/etc/main.cf" ]; then
    postfix -c "$dir/pf/etc" stop >/dev/null 2>&1 || true
  fi
  local pid=""
  [ -f "$dir/dc/run/master.pid" ] && pid=$(cat "$dir/dc/run/master.pid")
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  local pf_pid=""
  [ -f "$dir/pf/spool/pid/master.pid" ] && pf_pid=$(tr -d ' ' <"$dir/pf/spool/pid/master.pid")
  for _ in $(seq 100); do
    local alive=""
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    [ -n "$pf_pid" ] && kill -0 "$pf_pid" 2>/dev/null && alive=1
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  [ -n "$pf_pid" ] && kill -KILL "$pf_pid" 2>/dev/null || true
}

if [ "$command" = stop ]; then
  stop
  exit 0
fi
if [ "$command" = stop-imap ]; then
  pid=$(cat "$dir/dc/run/master.pid")
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
  kill -KILL "$pid"
  exit 0
fi
if [ "$command" = start-imap ]; then
  /usr/sbin/dovecot -c "$dir/dc/dovecot.conf" </dev/null >/dev/null 2>&1
  exit 0
fi

port=${3:?a first port}
for tool in dovecot postfix openssl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "mailservers.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 2
  }
done
export PATH="$PATH:/usr/sbin"

chmod 755 "$dir"  # mktemp makes it 0700: Postfix and Dovecot users walk through it
mkdir -p "$dir/tls" "$dir/dc/run" "$dir/dc/state" "$dir/dc/etc" "$dir/dc/mail" \
  "$dir/pf/etc" "$dir/pf/spool" "$dir/pf/data"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" \
  -days 30 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 644 "$dir/tls/key.pem"
chown 65534:65534 "$dir/dc/mail"

# Any user, password "secret" (a passwd-file needs each name: a checkpassword
# would too; static with allow_all_users takes any).
cat >"$dir/dc/dovecot.conf" <<EOF
instance_name = guichet-test-$port
base_dir = $dir/dc/run
state_dir = $dir/dc/state
log_path = $dir/dc/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/tls/cert.pem
ssl_key = <$dir/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 1
lmtp_save_to_detail_mailbox = no
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$dir/dc/mail/%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $((port + 0))
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $((port + 1))
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $((port + 2))
  }
}
service auth {
  inet_listener sasl {
    address = 127.0.0.1
    port = $((port + 3))
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF

chown postfix "$dir/pf/data"
cat >"$dir/pf/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/pf/spool
data_directory = $dir/pf/data
maillog_file = $dir/pf/postfix.log
maillog_file_prefixes = $dir
myhostname = relay.test.local
mydestination =
alias_maps =
local_recipient_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
default_transport = lmtp:inet:127.0.0.1:$((port + 2))
relay_transport = lmtp:inet:127.0.0.1:$((port + 2))
transport_maps = inline:{ {nowhere.test=error:5.1.1 no such mailbox here} }
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$((port + 3))
smtpd_sasl_auth_enable = yes
message_size_limit = 52428800
delay_warning_time = 0
bounce_queue_lifetime = 0
# nowhere.test is refused after it was accepted: a bounce (DSN) comes back.
smtpd_reject_unlisted_recipient = no
maximal_queue_lifetime = 1h
EOF
auth="-o smtpd_tls_security_level=encrypt -o smtpd_client_restrictions=permit_sasl_authenticated,reject -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
{
  echo "127.0.0.1:$((port + 4)) inet n - n - - smtpd"
  echo "127.0.0.1:$((port + 5)) inet n - n - - smtpd $auth"
  echo "127.0.0.1:$((port + 6)) inet n - n - - smtpd $auth -o smtpd_tls_wrappermode=yes"
  # Debian's services, none chrooted (the spool is not a chroot).
  grep -v '^#' /usr/share/postfix/master.cf.dist | grep -v '^ ' | grep -v '^$' |
    grep -v '^smtp *inet' | awk '$5 == "y" { $5 = "n" } { print }'
} >"$dir/pf/etc/master.cf"

# Daemons keep no descriptor of the caller's (a caller reading our output
# would wait for them).
if ! dovecot -c "$dir/dc/dovecot.conf" </dev/null >"$dir/dc/start.log" 2>&1; then
  echo "mailservers.sh: dovecot did not start:" >&2
  cat "$dir/dc/start.log" >&2
  exit 1
fi
if ! postfix -c "$dir/pf/etc" start </dev/null >"$dir/pf/start.log" 2>&1; then
  echo "mailservers.sh: postfix did not start:" >&2
  cat "$dir/pf/start.log" "$dir/pf/postfix.log" >&2 2>/dev/null || true
  stop
  exit 1
fi
# Ready when both answer.
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/$((port + 1))) 2>/dev/null &&
    (exec 3<>/dev/tcp/127.0.0.1/$((port + 4))) 2>/dev/null; then
    echo "imap=$((port + 0)) imaps=$((port + 1)) lmtp=$((port + 2)) smtp_in=$((port + 4))" \
      "submission=$((port + 5)) smtps=$((port + 6)) ca=$dir/tls/cert.pem mail=$dir/dc/mail"
    exit 0
  fi
  sleep 0.05
done
echo "mailservers.sh: the servers did not answer" >&2
stop
exit 1
