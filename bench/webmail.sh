#!/usr/bin/env bash
# Benchmark of the webmail on one mailbox: seeds MESSAGES generated messages through local
# delivery into a fresh H2 database, then times over loopback HTTP
#   - a 50-message list page (first, random and last page),
#   - opening a message (the mailbox page with the reading pane, then the body frame),
#   - a search across all folders.
# Each time is one request's round trip, so server time plus a small client overhead.
# Results are printed and written to target/webmail-benchmark.txt.
#
# Usage: bench/webmail.sh [messages]   (default 100000). Seeding 100,000 messages took 24 minutes
# on a shared, loaded 2-core machine, and the timed requests about 3 minutes (docs/benchmarks.md).
# The H2 database grew to 14 GB, so keep that much space free under the temporary folder.
set -euo pipefail

MESSAGES=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

cd "$ROOT"
LIFEBOAT_BENCH_MESSAGES=$MESSAGES mvn -B -q test -Dtest=WebmailBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false
cat target/webmail-benchmark.txt
