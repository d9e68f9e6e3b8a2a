#!/usr/bin/env bash
# Measures sustained durable SMTP ingest of Lifeboat and of Debian's Postfix in the same run:
# 16 concurrent sessions of smtp-source send 10 KB messages to each server on 127.0.0.1, three
# rounds each, alternating. Then one 75 MB message goes to Lifeboat while its heap is sampled.
#
# Usage: bench/smtp-ingest.sh [messages-per-round]   (default 20000)
# Needs root (it installs and configures Postfix) and a built jar: mvn -DskipTests package.
# Traffic stays on 127.0.0.1. Results go to bench/out/ and a summary to standard output.
set -euo pipefail

MESSAGES=${1:-20000}
SESSIONS=16
SIZE=10240
ROUNDS=3
LIFEBOAT_SMTP=12525
LIFEBOAT_HTTP=18080
POSTFIX_SMTP=12526
RECIPIENT=jane.roe@example.com
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out
JAR=$(ls "$HERE"/../target/lifeboat-*.jar | head -1)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JCMD=$(dirname "$JAVA")/jcmd
DATA=$(mktemp -d /tmp/lifeboat-bench-XXXXXX)
mkdir -p "$OUT"

install_postfix() {
  if ! command -v smtp-source >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix
  fi
  # Postfix listens only on 127.0.0.1:$POSTFIX_SMTP, accepts any user of example.com and
  # discards after queueing, so it does the same durable queue write as Lifeboat and no more.
  postconf -e "inet_interfaces = loopback-only" "inet_protocols = ipv4" \
    "mydestination = example.com" "local_recipient_maps =" "local_transport = discard" \
    "default_transport = discard" "smtpd_recipient_restrictions = permit_mynetworks,reject" \
    "mynetworks = 127.0.0.0/8" "smtpd_client_connection_count_limit = 0" \
    "smtpd_client_connection_rate_limit = 0" "default_process_limit = 100"
  postconf -M "$POSTFIX_SMTP/inet=$POSTFIX_SMTP inet n - n - - smtpd"
  postconf -MX smtp/inet || true
  postfix stop >/dev/null 2>&1 || true
  postfix start
}

start_lifeboat() {
  LIFEBOAT_OPERATOR_PASSWORD=bench "$JAVA" -Xmx512m -jar "$JAR" \
    --lifeboat.data-dir="$DATA" --lifeboat.demo=true --server.port=$LIFEBOAT_HTTP \
    --lifeboat.smtp.port=$LIFEBOAT_SMTP --lifeboat.smtp.hostname=mx.bench.test \
    --lifeboat.delivery.enabled=false \
    >"$OUT/lifeboat.log" 2>&1 &
  LIFEBOAT_PID=$!
  # Demo mode creates example.com and jane.roe@example.com right after startup.
  for _ in $(seq 1 120); do
    grep -q 'Demo mode: created' "$OUT/lifeboat.log" && return 0
    sleep 1
  done
  echo "Lifeboat did not start; see $OUT/lifeboat.log" >&2
  exit 1
}

# Prints messages per second of one smtp-source round against host:port.
measure() {
  local target=$1 start end
  start=$(date +%s.%N)
  smtp-source -s $SESSIONS -l $SIZE -m "$MESSAGES" -f bench@outside.test -t $RECIPIENT "$target"
  end=$(date +%s.%N)
  echo "$MESSAGES / ($end - $start)" | bc -l | xargs printf '%.0f\n'
}

# Prints the used heap of the Lifeboat JVM in MB, read with jcmd GC.heap_info.
heap_used_mb() {
  "$JCMD" "$LIFEBOAT_PID" GC.heap_info | awk '/garbage-first heap/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024) } }'
}

sample_heap() {
  local file=$1
  : >"$file"
  while kill -0 "$LIFEBOAT_PID" 2>/dev/null && [ ! -f "$file.stop" ]; do
    heap_used_mb >>"$file" || true
    sleep 0.2
  done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
maximum() { sort -n | tail -1; }

install_postfix
start_lifeboat
trap 'kill $LIFEBOAT_PID 2>/dev/null || true; postfix stop >/dev/null 2>&1 || true' EXIT

# Warm-up, so that both servers run compiled code and have their files in place.
smtp-source -s $SESSIONS -l $SIZE -m 2000 -f bench@outside.test -t $RECIPIENT 127.0.0.1:$LIFEBOAT_SMTP
smtp-source -s $SESSIONS -l $SIZE -m 2000 -f bench@outside.test -t $RECIPIENT 127.0.0.1:$POSTFIX_SMTP

sample_heap "$OUT/heap-load.txt" &
SAMPLER=$!
: >"$OUT/lifeboat-rates.txt"
: >"$OUT/postfix-rates.txt"
for round in $(seq 1 $ROUNDS); do
  measure 127.0.0.1:$LIFEBOAT_SMTP | tee -a "$OUT/lifeboat-rates.txt"
  measure 127.0.0.1:$POSTFIX_SMTP | tee -a "$OUT/postfix-rates.txt"
done
touch "$OUT/heap-load.txt.stop"
wait $SAMPLER
rm -f "$OUT/heap-load.txt.stop"

# One 75 MB message: heap growth is the sampled peak minus the heap after a full GC.
"$JCMD" "$LIFEBOAT_PID" GC.run >/dev/null
BASELINE=$(heap_used_mb)
sample_heap "$OUT/heap-large.txt" &
SAMPLER=$!
smtp-source -s 1 -l 75000000 -m 1 -f bench@outside.test -t $RECIPIENT 127.0.0.1:$LIFEBOAT_SMTP
touch "$OUT/heap-large.txt.stop"
wait $SAMPLER
rm -f "$OUT/heap-large.txt.stop"
LARGE_LINE=$(grep -E 'Accepted message .* size=750[0-9]{5}' "$OUT/lifeboat.log" | tail -1 | sed 's/.*Accepted/Accepted/')

LIFEBOAT_MEDIAN=$(median <"$OUT/lifeboat-rates.txt")
POSTFIX_MEDIAN=$(median <"$OUT/postfix-rates.txt")
cat <<SUMMARY
messages per round: $MESSAGES of $SIZE bytes over $SESSIONS sessions, $ROUNDS rounds each
Lifeboat rounds (msg/s): $(tr '\n' ' ' <"$OUT/lifeboat-rates.txt")
Postfix rounds (msg/s):  $(tr '\n' ' ' <"$OUT/postfix-rates.txt")
Lifeboat median: $LIFEBOAT_MEDIAN msg/s
Postfix median:  $POSTFIX_MEDIAN msg/s
ratio Lifeboat/Postfix: $(echo "$LIFEBOAT_MEDIAN / $POSTFIX_MEDIAN" | bc -l | xargs printf '%.2f')
Lifeboat peak heap under load (MB, -Xmx512m): $(maximum <"$OUT/heap-load.txt")
75 MB message: heap after full GC $BASELINE MB, sampled peak $(maximum <"$OUT/heap-large.txt") MB
75 MB message: $LARGE_LINE
SUMMARY
