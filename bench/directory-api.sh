#!/usr/bin/env bash
# Benchmark of the customer API on one customer with 100,000 users:
#   - PUT and DELETE /{CUSTOMER}/failover for all users and for a group of 10,000
#   - GET /{CUSTOMER} streaming all 100,000 users, with the server's heap capped at 256 MB
# On PostgreSQL it also times the bare SQL UPDATE of the same rows through psql, as the floor
# that the API's flag switch (which also writes one audit row per changed user) is compared to.
#
# Usage: bench/directory-api.sh h2|postgres [rounds]
# For postgres, BENCH_PG_URL (JDBC), BENCH_PG_USER, BENCH_PG_PASSWORD and BENCH_PG_PSQL (a psql
# connection string for the same database) must be set; the database is wiped first.
set -euo pipefail

DB=${1:?usage: bench/directory-api.sh h2|postgres [rounds]}
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PORT=${BENCH_PORT:-18080}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/lifeboat-bench.XXXXXX)
CUSTOMER=77777
USERS=100000
GROUP_SIZE=10000
BATCH=10000

JAR=$(ls "$ROOT"/target/lifeboat-*.jar 2>/dev/null | head -1 || true)
if [[ -z "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q package -DskipTests)
  JAR=$(ls "$ROOT"/target/lifeboat-*.jar | head -1)
fi

DB_ARGS=()
if [[ "$DB" == postgres ]]; then
  : "${BENCH_PG_URL:?set BENCH_PG_URL}" "${BENCH_PG_PSQL:?set BENCH_PG_PSQL}"
  psql -q "$BENCH_PG_PSQL" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
  DB_ARGS=(--spring.datasource.url="$BENCH_PG_URL"
    --spring.datasource.username="${BENCH_PG_USER:-}"
    --spring.datasource.password="${BENCH_PG_PASSWORD:-}")
fi

echo "# Lifeboat directory API benchmark: $DB, $USERS users, $ROUNDS rounds"
echo "# $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"

LIFEBOAT_OPERATOR_PASSWORD=bench-operator "$JAVA_HOME/bin/java" -Xmx256m \
  -jar "$JAR" --server.port="$PORT" --lifeboat.data-dir="$WORK/data" \
  --logging.level.io.lifeboat=WARN "${DB_ARGS[@]}" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "$BASE/actuator/health" > /dev/null && break
  sleep 0.5
done

OP=operator:bench-operator
curl -sf -u "$OP" -X PUT "$BASE/operator/v1/customers/$CUSTOMER" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","domains":[{"domain":"bench.example","primaryHost":"127.0.0.1"}]}' > /dev/null
API=$(curl -sf -u "$OP" -X POST "$BASE/operator/v1/customers/$CUSTOMER/credentials" |
  jq -r '.username + ":" + .password')

# Users 0..9999 are in group g10k, the rest in group rest.
python3 - "$WORK" "$USERS" "$BATCH" "$GROUP_SIZE" <<'PY'
import json, sys
work, users, batch, group = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for start in range(0, users, batch):
    chunk = [{"user": f"user{i:06d}@bench.example", "displayName": f"User {i}",
              "givenName": "User", "surName": f"N{i}", "language": "en_GB",
              "timezone": "Europe/London", "department": "Bench",
              "failoverGroups": ["g10k" if i < group else "rest"]}
             for i in range(start, min(users, start + batch))]
    with open(f"{work}/users-{start // batch:02d}.json", "w") as f:
        json.dump({"users": chunk}, f)
PY
LOAD_START=$(date +%s.%N)
for f in "$WORK"/users-*.json; do
  curl -sf -u "$API" -X PUT "$BASE/email/continuity/v2/$CUSTOMER" \
    -H 'Content-Type: application/json' --data-binary "@$f" > /dev/null
done
echo "load: $USERS users in $(echo "$(date +%s.%N) - $LOAD_START" | bc) s (bulk PUT of $BATCH per request)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Times one API call; prints seconds and checks affectedUsers.
timed() {
  local method=$1 path=$2 expected=$3 out
  out=$(curl -sf -u "$API" -X "$method" -w ' %{time_total}' "$BASE/email/continuity/v2/$CUSTOMER$path")
  local affected
  affected=$(echo "${out% *}" | jq .affectedUsers)
  if [[ "$affected" != "$expected" ]]; then
    echo "unexpected affectedUsers $affected for $method $path (expected $expected)" >&2
    exit 1
  fi
  echo "${out##* }"
}

for target in "all:$USERS:" "group:$GROUP_SIZE:?group=g10k"; do
  IFS=: read -r name count query <<< "$target"
  on=(); off=()
  for _ in $(seq "$ROUNDS"); do
    on+=("$(timed PUT "/failover$query" "$count")")
    off+=("$(timed DELETE "/failover$query" "$count")")
  done
  echo "failover on, $name ($count users): median $(printf '%s\n' "${on[@]}" | median) s;" \
    "off: median $(printf '%s\n' "${off[@]}" | median) s"
  if [[ "$DB" == postgres ]]; then
    where="customer_id = '$CUSTOMER'"
    [[ -n "$query" ]] && where="$where AND user_id IN (SELECT user_id FROM user_group WHERE group_name = 'g10k')"
    sql=()
    for _ in $(seq "$ROUNDS"); do
      sql+=("$( { echo '\timing on'; echo "UPDATE user_state SET failover = true WHERE $where AND failover <> true;";
        echo "UPDATE user_state SET failover = false WHERE $where AND failover <> false;"; } |
        psql -q "$BENCH_PG_PSQL" | awk '/^Time:/ {print $2 / 1000; exit}')")
    done
    echo "  peer: bare SQL UPDATE through psql, $name: median $(printf '%s\n' "${sql[@]}" | median) s"
  fi
done

# Full list, streamed, while sampling the heap in use every 100 ms.
"$JAVA_HOME/bin/jstat" -gc "$SERVER" 100 > "$WORK/jstat.txt" &
JSTAT=$!
lists=()
for _ in $(seq "$ROUNDS"); do
  lists+=("$(curl -sf -u "$API" -o "$WORK/list.json" -w '%{time_total}' "$BASE/email/continuity/v2/$CUSTOMER")")
done
kill $JSTAT
listed=$(jq '.users | length' "$WORK/list.json")
[[ "$listed" == "$USERS" ]] || { echo "listed $listed users, expected $USERS" >&2; exit 1; }
peak=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {used = $3 + $4 + $6 + $8; if (used > max) max = used} END {printf "%.0f", max / 1024}' "$WORK/jstat.txt")
echo "GET all $USERS users: median $(printf '%s\n' "${lists[@]}" | median) s," \
  "$(stat -c %s "$WORK/list.json") bytes; heap in use at most $peak MB (-Xmx256m)"
