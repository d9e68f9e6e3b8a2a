#!/usr/bin/env bash
# Benchmark of sending from the webmail. It sends one message with an attachment of MB megabytes
# five times (default 54, the largest that stays under the 75 MB limit after base64). Each send is
# one HTTP request over loopback that uploads, builds, queues and stores the Sent copy. Delivery
# is off. Prints the median time and the peak heap growth, also written to
# target/compose-benchmark.txt. HEAP sets the test JVM's -Xmx (default 256m), so a run that held
# the attachment in memory several times over would fail.
#
# Usage: bench/compose.sh [MB]
set -euo pipefail

MB=${1:-54}
HEAP=${HEAP:-256m}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

cd "$ROOT"
LIFEBOAT_BENCH_COMPOSE_MB=$MB mvn -B -q test -Dtest=ComposeBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx$HEAP"
cat target/compose-benchmark.txt
