#!/bin/sh
# Measures the directory sync of 100,000 users (or the number given) through the API, with the
# heap limited to 512 MB. A second argument "notifications" turns customer notifications on.
# Prints one line per sync; docs/benchmarks.md has the recorded results.
# Needs JAVA_HOME set to a JDK 21 or newer, as the build does.
set -eu
cd "$(dirname "$0")/.."
users="${1:-100000}"
mode="${2:-}"
mvn -B -q -DskipTests -Dspotless.check.skip=true test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.lifeboat.sync.bench.SyncBenchmark "$users" $mode 2>&1 | grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
