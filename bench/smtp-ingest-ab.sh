#!/usr/bin/env bash
# Compares the SMTP ingest rate of two Lifeboat jars in the same minutes: both run at once on
# 127.0.0.1 and Postfix's smtp-source feeds them in alternating rounds, so changing load on the
# machine affects both alike. 16 sessions send 10 KB messages, as in bench/smtp-ingest.sh.
#
# Usage: bench/smtp-ingest-ab.sh JAR_A JAR_B [rounds] [messages-per-round]   (default 5, 5000)
# Needs smtp-source (Debian package postfix). Prints one line per round: jar, msg/s, load average.
set -euo pipefail

JAR_A=$1
JAR_B=$2
ROUNDS=${3:-5}
MESSAGES=${4:-5000}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
OUT=$(mktemp -d /tmp/lifeboat-ab-XXXXXX)

# Starts a jar with demo data on the given SMTP and HTTP ports and prints its process id.
start() {
  local jar=$1 smtp=$2 http=$3 name=$4
  LIFEBOAT_OPERATOR_PASSWORD=bench "$JAVA" -Xmx512m -jar "$jar" \
    --lifeboat.data-dir="$OUT/$name-data" --lifeboat.demo=true \
    --server.address=127.0.0.1 --server.port="$http" \
    --lifeboat.smtp.bind-address=127.0.0.1 --lifeboat.smtp.port="$smtp" \
    --lifeboat.sftp.port=0 --lifeboat.smtp.hostname=mx.bench.test \
    --lifeboat.delivery.enabled=false >"$OUT/$name.log" 2>&1 &
  echo $!
}

send() {
  smtp-source -s 16 -l 10240 -m "$2" -f bench@outside.test -t jane.roe@example.com "127.0.0.1:$1"
}

PID_A=$(start "$JAR_A" 13525 13080 a)
PID_B=$(start "$JAR_B" 14525 14080 b)
trap 'kill $PID_A $PID_B 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  grep -q 'Demo mode: created' "$OUT/a.log" && grep -q 'Demo mode: created' "$OUT/b.log" && break
  sleep 1
done

# Warm-up, so that both run compiled code.
send 13525 2000
send 14525 2000
for _ in $(seq 1 "$ROUNDS"); do
  for target in "A 13525" "B 14525"; do
    set -- $target
    start_time=$(date +%s.%N)
    send "$2" "$MESSAGES"
    end_time=$(date +%s.%N)
    rate=$(echo "$MESSAGES / ($end_time - $start_time)" | bc -l | xargs printf '%.0f')
    echo "$1 $rate msg/s load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
