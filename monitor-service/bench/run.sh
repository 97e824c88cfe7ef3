#!/usr/bin/env bash
# Drift computation time for one window of 100,000 predictions with 20 features, against a baseline measured in
# the same run (iterating the same predictions). Target: at most 1 s on the machine it runs on.
# Usage: monitor-service/bench/run.sh   (from anywhere; builds the module's test classes offline first)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -o -q -pl monitor-service test-compile
./mvnw -o -q -pl monitor-service dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
cd monitor-service
java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.brigade.monitor.bench.DriftBench
