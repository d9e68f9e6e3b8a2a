#!/bin/sh
# Measures the directory sync of 100,000 users (or the number given) through the API, with the
# heap limited to 512 MB. Prints one line per sync; see docs/benchmarks.md for recorded results.
set -eu
cd "$(dirname "$0")/.."
users="${1:-100000}"
mvn -B -q -DskipTests -Dspotless.check.skip=true test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.lifeboat.sync.bench.SyncBenchmark "$users" 2>&1 | grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
