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
# Nothing listens here. Lifeboat's DNS lookups, smarthost and the primary server of example.com
# point at it, so that a message routed away from the mailbox fails on loopback instead of leaving
# the machine.
CLOSED_PORT=12529
RECIPIENT=jane.roe@example.com
CUSTOMER=44444
OPERATOR=operator:bench
POLL_SECONDS=0.1
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
    echo "port $port is already in use. Stop what listens there (ss -tlnp 'sport = :$port')" \
      "and run again" >&2
    exit 2
  fi
done

# Lifeboat's data folder and the Postfix instance share one temporary folder, so both write to
# the same file system. It is removed after a successful run and kept after a failure.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-delivery-XXXXXX")
chmod 755 "$WORK"
DATA=$WORK/lifeboat
PF=$WORK/postfix
MAILDIR_NEW=$PF/mail/jane.roe/Maildir/new
FILESYSTEM=$(df --output=fstype "$WORK" | tail -1)
if [ "$FILESYSTEM" = tmpfs ]; then
  echo "$WORK is on tmpfs, where fsync costs nothing. Set TMPDIR to a folder on disk" >&2
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
  # postfix writes its errors to standard error only on a terminal. The reason for a failed start
  # is in $PF/maillog, because maillog_file sends the instance's log there.
  if ! postfix -c "$PF/conf" start; then
    echo "Postfix did not start; see $PF/maillog" >&2
    exit 1
  fi
}

stop_postfix() {
  postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
}

start_lifeboat() {
  # Emptied first, because the redirection below runs in the background process and can come
  # after the first grep, which would then find the start line of the previous run.
  : >"$LIFEBOAT_LOG"
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

# Points the primary server of example.com, mail.example.com in the demo, at the closed port on
# 127.0.0.1 through the operator API, and checks that the customer shows it.
point_primary_at_loopback() {
  local customer=$HTTP_BASE/operator/v1/customers/$CUSTOMER
  curl -sSf -u "$OPERATOR" -X PUT "$customer" -H 'Content-Type: application/json' -d "{
    \"name\": \"Example Ltd\", \"notifications\": false,
    \"domains\": [{\"domain\": \"example.com\", \"primaryHost\": \"127.0.0.1\",
                   \"primaryPort\": $CLOSED_PORT}]}" >/dev/null
  if ! curl -sSf -u "$OPERATOR" "$customer" | jq -e \
    '[.. | objects | select(.primaryHost?)] | length > 0 and all(.primaryHost == "127.0.0.1")' \
    >/dev/null; then
    echo "setting the primary server of example.com to 127.0.0.1 failed: see GET $customer" >&2
    exit 1
  fi
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
  stop_sampler
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

# Prints the number of recipients queued or being delivered, from the operator API.
lifeboat_depth() {
  curl -sSf -u "$OPERATOR" "$HTTP_BASE/operator/v1/queue?size=1" | jq -r .depth
}

# Prints a Lifeboat counter from /actuator/prometheus, summed over all its tags. A counter that
# does not exist yet counts as 0.
lifeboat_counter() {
  curl -sSf -u "$OPERATOR" "$HTTP_BASE/actuator/prometheus" |
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $2 }
      END { printf "%d\n", sum }'
}

# Prints the number of files in Postfix's queue that still wait for delivery, held ones included.
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

# Succeeds when the Maildir contains $1 messages or more and the queue is empty.
postfix_drained() { [ "$(maildir_count)" -ge "$1" ] && [ "$(postfix_queued)" = 0 ]; }

# Runs the given check every $POLL_SECONDS s until it succeeds. Exits the script when it still
# fails after $DRAIN_TIMEOUT_SECONDS s.
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

# Runs one Lifeboat round and appends its line to $LIFEBOAT_ROUNDS (see record).
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

# Runs one Postfix round and appends its line to $POSTFIX_ROUNDS. $1 is the number of messages
# the Maildir contains afterwards.
postfix_round() {
  local start sent drained
  start=$(now)
  send $POSTFIX_SMTP "$MESSAGES"
  sent=$(now)
  wait_until postfix_drained "$1"
  drained=$(now)
  if [ "$(maildir_count)" -ne "$1" ]; then
    echo "Postfix delivered $(maildir_count) messages into the Maildir, expected $1;" \
      "see $PF/maillog" >&2
    exit 1
  fi
  record "$start" "$sent" "$drained" | tee -a "$POSTFIX_ROUNDS"
}

# Prints a round's line from its start, sent and delivered times: ingest rate and delivery rate
# in msg/s, ingest and delivery time in seconds, and the 1-minute load average.
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
    for (i = 1; i <= NF; i++)
      if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024) } }'
}

# Samples the heap every 0.2 s until $HEAP_FILE.stop exists, so that no jcmd is left running.
sample_heap() {
  : >"$HEAP_FILE"
  while kill -0 "$LIFEBOAT_PID" 2>/dev/null && [ ! -f "$HEAP_FILE.stop" ]; do
    heap_used_mb >>"$HEAP_FILE" 2>/dev/null || true
    sleep 0.2
  done
}

stop_sampler() {
  if [ -n "$SAMPLER" ]; then
    touch "$HEAP_FILE.stop"
    wait "$SAMPLER" 2>/dev/null || true
    rm -f "$HEAP_FILE.stop"
    SAMPLER=
  fi
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
point_primary_at_loopback
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
stop_sampler
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
INGEST_RATIO=$(ratio "$LIFEBOAT_INGEST" "$POSTFIX_INGEST")
DELIVERY_RATIO=$(ratio "$LIFEBOAT_DELIVERY" "$POSTFIX_DELIVERY")
cat <<SUMMARY
messages per round: $MESSAGES of $SIZE bytes over $SESSIONS sessions, $ROUNDS rounds each
warm-up before the rounds: $WARMUP messages each
file system: $FILESYSTEM
load average (1, 5, 15 min): $LOAD_START at start, $LOAD_END at end
Lifeboat ingest rounds (msg/s):    $(column_of 1 "$LIFEBOAT_ROUNDS" | tr '\n' ' ')
Lifeboat delivered rounds (msg/s): $(column_of 2 "$LIFEBOAT_ROUNDS" | tr '\n' ' ')
Postfix ingest rounds (msg/s):     $(column_of 1 "$POSTFIX_ROUNDS" | tr '\n' ' ')
Postfix delivered rounds (msg/s):  $(column_of 2 "$POSTFIX_ROUNDS" | tr '\n' ' ')
ingest median (msg/s):    Lifeboat $LIFEBOAT_INGEST, Postfix $POSTFIX_INGEST
delivered median (msg/s): Lifeboat $LIFEBOAT_DELIVERY, Postfix $POSTFIX_DELIVERY
ratio Lifeboat/Postfix:   ingest $INGEST_RATIO, delivered $DELIVERY_RATIO
Lifeboat peak heap during the rounds (MB, -Xmx512m): $(maximum <"$HEAP_FILE")
Lifeboat Inbox (expected $EXPECTED): cached count $INBOX_CACHED, message rows $INBOX_ROWS
Lifeboat Inbox messages with search terms: $INBOX_INDEXED
Lifeboat delivery retries: $RETRIES, bounces: $BOUNCES
Postfix Maildir (expected $EXPECTED): $MAILDIR_TOTAL files
Postfix deferred or bounced deliveries: $POSTFIX_NOT_SENT
SUMMARY

for count in "$INBOX_CACHED" "$INBOX_ROWS" "$INBOX_INDEXED" "$MAILDIR_TOTAL"; do
  if [ "$count" != "$EXPECTED" ]; then
    echo "a mailbox count differs from the $EXPECTED messages sent; see the lines above" >&2
    exit 1
  fi
done
FINISHED=true
