#!/usr/bin/env bash
# Benchmark of the webmail on one mailbox: seeds MESSAGES generated messages through local
# delivery into a fresh H2 database, then times over loopback HTTP
#   - a 50-message list page (first, random and last page),
#   - opening a message (the mailbox page with the reading pane, then the body frame),
#   - a search across all folders.
# Each time is one request's round trip, so server time plus a small client overhead.
# Results are printed and written to target/webmail-benchmark.txt.
#
# Usage: bench/webmail.sh [messages]   (default 100000). Seeding 100,000 messages took 3 minutes
# and the 20 searches about 15 minutes on a shared 2-core machine (docs/benchmarks.md).
set -euo pipefail

MESSAGES=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

cd "$ROOT"
LIFEBOAT_BENCH_MESSAGES=$MESSAGES mvn -B -q test -Dtest=WebmailBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false
cat target/webmail-benchmark.txt
