#!/usr/bin/env bash
# Measures the whole path of mail for a user in failover, Lifeboat against Postfix in the same run:
# SMTP accept, durable queue and local delivery into the mailbox. 16 concurrent sessions of
# smtp-source send 10 KB messages to jane.roe@example.com on 127.0.0.1, rounds alternating
# between the servers. Each round records two times from the start of smtp-source: until
# smtp-source exits (ingest rate) and until every message of the round is in the mailbox and the
# queue is empty (delivery rate).
#
# Lifeboat runs from the packaged jar with demo data, delivery on and jane.roe in failover, so each
# message is parsed, encrypted, written as a blob and stored with its message row, search terms
# and folder counts. Postfix runs as a separate instance in a temporary folder (the system's
# /etc/postfix is not touched) and delivers with its virtual(8) agent into a Maildir.
#
# Usage: bench/local-delivery.sh [messages-per-round] [rounds]   (default 5000 and 3)
# Needs root (Postfix's virtual agent changes to the mailbox owner's uid) and a built jar:
# mvn -DskipTests package. Traffic stays on 127.0.0.1. Logs and raw numbers go to bench/out/.
set -euo pipefail

MESSAGES=${1:-5000}
ROUNDS=${2:-3}
for value in "$MESSAGES" "$ROUNDS"; do
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "invalid argument '$value': messages per round and rounds must be positive integers," \
      "for example: bench/local-delivery.sh 5000 3" >&2
    exit 2
  fi
done
WARMUP=$((MESSAGES < 2000 ? MESSAGES : 2000))
SESSIONS=16
SIZE=10240
# Ports apart from those of bench/smtp-ingest.sh, so that both scripts can run on one machine.
LIFEBOAT_SMTP=12527
LIFEBOAT_HTTP=18081
POSTFIX_SMTP=12528
# Nothing listens here. Lifeboat's DNS lookups and smarthost point at it, so that a message that
# were ever routed away from the mailbox would fail on loopback instead of leaving the machine.
CLOSED_PORT=12529
RECIPIENT=jane.roe@example.com
CUSTOMER=44444
OPERATOR=operator:bench
POLL_SECONDS=0.2
DRAIN_TIMEOUT_SECONDS=1800
MAIL_OWNER=benchmail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out
JAR=$(ls "$HERE"/../target/lifeboat-*.jar 2>/dev/null | head -1 || true)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JCMD=$(dirname "$JAVA")/jcmd
HTTP_BASE=http://127.0.0.1:$LIFEBOAT_HTTP

if [ "$(id -u)" -ne 0 ]; then
  echo "run as root: Postfix's virtual agent writes the Maildir as user $MAIL_OWNER" >&2
  exit 2
fi
if [ -z "$JAR" ]; then
  echo "no jar in target/: build it first with mvn -B -o -q -DskipTests package" >&2
  exit 2
fi
for port in $LIFEBOAT_SMTP $LIFEBOAT_HTTP $POSTFIX_SMTP $CLOSED_PORT; do
  if ss -Htln "sport = :$port" | grep -q .; then
    echo "port $port is in use; stop what listens there (ss -tlnp 'sport = :$port')" >&2
    exit 2
  fi
done

# Lifeboat's data folder and the Postfix instance share one temporary folder, so both write to
# the same file system. It is removed after a successful run and kept after a failure.
WORK=$(mktemp -d /tmp/lifeboat-delivery-XXXXXX)
chmod 755 "$WORK"
DATA=$WORK/lifeboat
PF=$WORK/postfix
MAILDIR_NEW=$PF/mail/jane.roe/Maildir/new
FILESYSTEM=$(df --output=fstype "$WORK" | tail -1)
if [ "$FILESYSTEM" = tmpfs ]; then
  echo "$WORK is on tmpfs, where fsync costs nothing; set TMPDIR to a disk-backed folder" >&2
  exit 2
fi
mkdir -p "$OUT"
LIFEBOAT_LOG=$OUT/local-delivery-lifeboat.log
HEAP_FILE=$OUT/local-delivery-heap.txt
LIFEBOAT_ROUNDS=$OUT/local-delivery-lifeboat-rounds.txt
POSTFIX_ROUNDS=$OUT/local-delivery-postfix-rounds.txt
LIFEBOAT_PID=
SAMPLER=
FINISHED=false

install_postfix() {
  if ! command -v smtp-source >/dev/null || ! command -v postfix >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix
  fi
  if ! getent passwd "$MAIL_OWNER" >/dev/null; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$MAIL_OWNER"
  fi
}

# Writes main.cf and master.cf of a Postfix instance that lives in $PF and starts it. It listens
# only on 127.0.0.1:$POSTFIX_SMTP, accepts mail for jane.roe@example.com alone and delivers it
# with virtual(8) into $PF/mail/jane.roe/Maildir/ as $MAIL_OWNER. Every other destination goes to
# the error transport, so nothing is relayed. Other settings keep Postfix's defaults, such as at
# most 20 parallel deliveries per destination (default_destination_concurrency_limit).
start_postfix() {
  local uid gid
  uid=$(id -u "$MAIL_OWNER")
  gid=$(id -g "$MAIL_OWNER")
  mkdir -p "$PF/conf" "$PF/queue" "$PF/data"
  install -d -o "$uid" -g "$gid" "$PF/mail"
  chown postfix "$PF/data"
  echo "compatibility_level = 3.6" >"$PF/conf/main.cf"
  postconf -c "$PF/conf" -e \
    "queue_directory = $PF/queue" "data_directory = $PF/data" \
    "syslog_name = postfix-bench" "maillog_file = $PF/maillog" "maillog_file_prefixes = $PF" \
    "myhostname = peer.bench.test" "inet_interfaces = 127.0.0.1" "inet_protocols = ipv4" \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" "alias_database =" \
    "local_recipient_maps =" "smtpd_peername_lookup = no" \
    "virtual_mailbox_domains = example.com" "virtual_mailbox_base = $PF/mail" \
    "virtual_mailbox_maps = inline:{ $RECIPIENT=jane.roe/Maildir/ }" \
    "virtual_uid_maps = static:$uid" "virtual_gid_maps = static:$gid" \
    "default_transport = error:no relaying in this benchmark" \
    "relay_transport = error:no relaying in this benchmark" \
    "smtpd_recipient_restrictions = permit_mynetworks,reject" \
    "smtpd_client_connection_count_limit = 0" "smtpd_client_connection_rate_limit = 0" \
    "default_process_limit = 100"
  # The services Postfix needs for receiving, queueing and virtual delivery, none chrooted.
  cat >"$PF/conf/master.cf" <<MASTER
127.0.0.1:$POSTFIX_SMTP inet n - n - - smtpd
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
virtual    unix  -       n       n       -       -       virtual
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
MASTER
  postfix -c "$PF/conf" check
  # postfix writes its errors to syslog, or to standard error only on a terminal; without a
  # syslog daemon the reason for a failed start is in $PF/maillog.
  if ! postfix -c "$PF/conf" start; then
    echo "Postfix did not start; see $PF/maillog" >&2
    exit 1
  fi
}

stop_postfix() {
  postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
}

start_lifeboat() {
  LIFEBOAT_OPERATOR_PASSWORD=${OPERATOR#operator:} "$JAVA" -Xmx512m -jar "$JAR" \
    --lifeboat.data-dir="$DATA" --lifeboat.demo=true \
    --server.address=127.0.0.1 --server.port=$LIFEBOAT_HTTP \
    --lifeboat.smtp.bind-address=127.0.0.1 --lifeboat.smtp.port=$LIFEBOAT_SMTP \
    --lifeboat.smtp.hostname=mx.bench.test --lifeboat.sftp.enabled=false \
    --lifeboat.delivery.enabled=true \
    --lifeboat.delivery.dns-servers=127.0.0.1:$CLOSED_PORT \
    --lifeboat.smarthost.host=127.0.0.1 --lifeboat.smarthost.port=$CLOSED_PORT \
    >"$LIFEBOAT_LOG" 2>&1 &
  LIFEBOAT_PID=$!
  # Demo mode creates example.com, jane.roe@example.com and an API credential after startup.
  for _ in $(seq 1 180); do
    grep -q 'Demo mode: created' "$LIFEBOAT_LOG" && return 0
    if ! kill -0 "$LIFEBOAT_PID" 2>/dev/null; then
      break
    fi
    sleep 1
  done
  echo "Lifeboat did not start; see $LIFEBOAT_LOG" >&2
  exit 1
}

# Switches jane.roe@example.com to failover through the customer API with the demo's credential,
# and checks that the user record shows it, because otherwise her mail would be relayed.
switch_failover() {
  local credential api
  credential=$(cat "$DATA/demo-api-credential")
  api=$HTTP_BASE/email/continuity/v2/$CUSTOMER/$RECIPIENT
  curl -sSf -u "$credential" -X PUT "$api/failover" >/dev/null
  if ! curl -sSf -u "$credential" "$api" | jq -e '.. | objects | select(.failover == true)' \
    >/dev/null; then
    echo "switching $RECIPIENT to failover failed: GET $api does not show failover true" >&2
    exit 1
  fi
}

# Stops Lifeboat with SIGTERM and waits, so that H2 closes its database file.
stop_lifeboat() {
  if [ -n "$LIFEBOAT_PID" ]; then
    kill "$LIFEBOAT_PID" 2>/dev/null || true
    wait "$LIFEBOAT_PID" 2>/dev/null || true
    LIFEBOAT_PID=
  fi
}

cleanup() {
  if [ -n "$SAMPLER" ]; then
    kill "$SAMPLER" 2>/dev/null || true
  fi
  stop_lifeboat
  stop_postfix
  if [ -f "$PF/maillog" ]; then
    cp "$PF/maillog" "$OUT/local-delivery-postfix.log"
  fi
  if [ "$FINISHED" = true ]; then
    rm -rf "$WORK"
  else
    echo "run failed; data kept in $WORK" >&2
  fi
}

now() { date +%s.%N; }

# Recipients queued or being delivered, from the operator API.
lifeboat_depth() {
  curl -sSf -u "$OPERATOR" "$HTTP_BASE/operator/v1/queue?size=1" | jq -r .depth
}

# Value of a Lifeboat counter from /actuator/prometheus, summed over all its tags; 0 while the
# counter does not exist yet.
lifeboat_counter() {
  curl -sSf -u "$OPERATOR" "$HTTP_BASE/actuator/prometheus" |
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $2 } END { printf "%d\n", sum }'
}

# Files in Postfix's queue that still wait for delivery (hold included).
postfix_queued() {
  find "$PF/queue/maildrop" "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/deferred" \
    "$PF/queue/hold" -type f | wc -l
}

maildir_count() {
  if [ -d "$MAILDIR_NEW" ]; then
    find "$MAILDIR_NEW" -maxdepth 1 -type f | wc -l
  else
    echo 0
  fi
}

lifeboat_drained() { [ "$(lifeboat_depth)" = 0 ]; }

# Succeeds when the Maildir holds $1 messages and the queue is empty.
postfix_drained() { [ "$(maildir_count)" -ge "$1" ] && [ "$(postfix_queued)" = 0 ]; }

# Runs the given check every $POLL_SECONDS until it succeeds; exits after DRAIN_TIMEOUT_SECONDS.
wait_until() {
  local deadline=$((SECONDS + DRAIN_TIMEOUT_SECONDS))
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "timed out after $DRAIN_TIMEOUT_SECONDS s waiting for: $*" >&2
      exit 1
    fi
    sleep $POLL_SECONDS
  done
}

send() {
  smtp-source -s $SESSIONS -l $SIZE -m "$2" -f bench@outside.test -t $RECIPIENT "127.0.0.1:$1"
}

rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }

# One Lifeboat round. Appends "ingest-rate delivery-rate ingest-seconds delivery-seconds load".
lifeboat_round() {
  local delivered_before delivered start sent drained
  delivered_before=$(lifeboat_counter lifeboat_delivery_delivered_total)
  start=$(now)
  send $LIFEBOAT_SMTP "$MESSAGES"
  sent=$(now)
  wait_until lifeboat_drained
  drained=$(now)
  delivered=$(($(lifeboat_counter lifeboat_delivery_delivered_total) - delivered_before))
  if [ "$delivered" -ne "$MESSAGES" ]; then
    echo "Lifeboat delivered $delivered messages in this round, expected $MESSAGES;" \
      "see $LIFEBOAT_LOG" >&2
    exit 1
  fi
  record "$start" "$sent" "$drained" | tee -a "$LIFEBOAT_ROUNDS"
}

# One Postfix round; $1 is the number of messages the Maildir holds afterwards.
postfix_round() {
  local start sent drained
  start=$(now)
  send $POSTFIX_SMTP "$MESSAGES"
  sent=$(now)
  wait_until postfix_drained "$1"
  drained=$(now)
  if [ "$(maildir_count)" -ne "$1" ]; then
    echo "the Maildir holds $(maildir_count) messages, expected $1; see $PF/maillog" >&2
    exit 1
  fi
  record "$start" "$sent" "$drained" | tee -a "$POSTFIX_ROUNDS"
}

record() {
  local ingest delivery
  ingest=$(echo "$2 - $1" | bc -l)
  delivery=$(echo "$3 - $1" | bc -l)
  printf '%s %s %.2f %.2f %s\n' "$(rate "$MESSAGES" "$ingest")" \
    "$(rate "$MESSAGES" "$delivery")" "$ingest" "$delivery" "$(cut -d' ' -f1 /proc/loadavg)"
}

# Prints the used heap of the Lifeboat JVM in MB, read with jcmd GC.heap_info.
heap_used_mb() {
  "$JCMD" "$LIFEBOAT_PID" GC.heap_info | awk '/garbage-first heap/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024) } }'
}

sample_heap() {
  : >"$HEAP_FILE"
  while kill -0 "$LIFEBOAT_PID" 2>/dev/null; do
    heap_used_mb >>"$HEAP_FILE" || true
    sleep 0.2
  done
}

# Prints the cached count, the message rows and the indexed messages of jane.roe's Inbox, read
# from the H2 database after Lifeboat has stopped, with the H2 version that the jar contains.
inbox_counts() {
  unzip -p "$JAR" 'BOOT-INF/lib/h2-*.jar' >"$WORK/h2.jar"
  "$JAVA" -cp "$WORK/h2.jar" org.h2.tools.Shell \
    -url "jdbc:h2:file:$DATA/db/lifeboat;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" \
    -user lifeboat -password '' -sql "
      SELECT f.total_count
        || ' ' || (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id)
        || ' ' || (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id
                   AND EXISTS (SELECT 1 FROM mail_search_term t WHERE t.message_id = m.id))
      FROM mail_folder f JOIN mail_user u ON u.id = f.user_id
      WHERE u.email = '$RECIPIENT' AND f.role = 'INBOX'" | sed -n 2p
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
maximum() { sort -n | tail -1; }
column_of() { awk -v c="$1" '{ print $c }' "$2"; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

trap cleanup EXIT
install_postfix
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
start_postfix
start_lifeboat
switch_failover

# Warm-up, so that both servers run compiled code and have their files in place.
send $LIFEBOAT_SMTP $WARMUP
wait_until lifeboat_drained
send $POSTFIX_SMTP $WARMUP
wait_until postfix_drained $WARMUP

sample_heap &
SAMPLER=$!
: >"$LIFEBOAT_ROUNDS"
: >"$POSTFIX_ROUNDS"
echo "round lines: ingest msg/s, delivered msg/s, ingest s, delivered s, load average"
for round in $(seq 1 "$ROUNDS"); do
  echo -n "Lifeboat round $round: "
  lifeboat_round
  echo -n "Postfix round $round:  "
  postfix_round $((WARMUP + round * MESSAGES))
done
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

RETRIES=$(lifeboat_counter lifeboat_delivery_retries_total)
BOUNCES=$(lifeboat_counter lifeboat_delivery_bounces_total)
stop_lifeboat
EXPECTED=$((WARMUP + ROUNDS * MESSAGES))
read -r INBOX_CACHED INBOX_ROWS INBOX_INDEXED <<<"$(inbox_counts)"
MAILDIR_TOTAL=$(maildir_count)
POSTFIX_NOT_SENT=$(grep -c -E 'status=(deferred|bounced)' "$PF/maillog" || true)

LIFEBOAT_INGEST=$(column_of 1 "$LIFEBOAT_ROUNDS" | median)
POSTFIX_INGEST=$(column_of 1 "$POSTFIX_ROUNDS" | median)
LIFEBOAT_DELIVERY=$(column_of 2 "$LIFEBOAT_ROUNDS" | median)
POSTFIX_DELIVERY=$(column_of 2 "$POSTFIX_ROUNDS" | median)
cat <<SUMMARY
messages per round: $MESSAGES of $SIZE bytes over $SESSIONS sessions, $ROUNDS rounds each, after $WARMUP warm-up messages each
file system: $FILESYSTEM; load average (1, 5, 15 min) at start: $LOAD_START, at end: $LOAD_END
Lifeboat ingest rounds (msg/s):    $(column_of 1 "$LIFEBOAT_ROUNDS" | tr '\n' ' ')
Lifeboat delivered rounds (msg/s): $(column_of 2 "$LIFEBOAT_ROUNDS" | tr '\n' ' ')
Postfix ingest rounds (msg/s):     $(column_of 1 "$POSTFIX_ROUNDS" | tr '\n' ' ')
Postfix delivered rounds (msg/s):  $(column_of 2 "$POSTFIX_ROUNDS" | tr '\n' ' ')
ingest median:    Lifeboat $LIFEBOAT_INGEST msg/s, Postfix $POSTFIX_INGEST msg/s, ratio Lifeboat/Postfix $(ratio "$LIFEBOAT_INGEST" "$POSTFIX_INGEST")
delivered median: Lifeboat $LIFEBOAT_DELIVERY msg/s, Postfix $POSTFIX_DELIVERY msg/s, ratio Lifeboat/Postfix $(ratio "$LIFEBOAT_DELIVERY" "$POSTFIX_DELIVERY")
Lifeboat peak heap during the rounds (MB, -Xmx512m): $(maximum <"$HEAP_FILE")
Lifeboat Inbox after the run (expected $EXPECTED): cached count $INBOX_CACHED, message rows $INBOX_ROWS, indexed messages $INBOX_INDEXED; delivery retries $RETRIES, bounces $BOUNCES
Postfix Maildir after the run (expected $EXPECTED): $MAILDIR_TOTAL files; deferred or bounced deliveries $POSTFIX_NOT_SENT
SUMMARY

for count in "$INBOX_CACHED" "$INBOX_ROWS" "$INBOX_INDEXED" "$MAILDIR_TOTAL"; do
  if [ "$count" != "$EXPECTED" ]; then
    echo "a mailbox count differs from the $EXPECTED messages sent; see the lines above" >&2
    exit 1
  fi
done
FINISHED=true
