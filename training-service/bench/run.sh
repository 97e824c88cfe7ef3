#!/usr/bin/env bash
# Kitchen benchmark: trains the classifier training-service would train, on synthetic examples held in memory (no
# broker: this measures the network, the export and the evaluation, not Kafka), and prints training time and
# examples per second.
# Usage: training-service/bench/run.sh [examples=100000] [features=20] [epochs=10]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Always rebuild (incrementally): a stale jar would measure yesterday's code.
./mvnw -B -q -pl training-service -am install -DskipTests
./mvnw -B -q -pl training-service test-compile
CLASSPATH_FILE="$(mktemp)"
./mvnw -B -q -pl training-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CLASSPATH_FILE" >/dev/null
cd training-service
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g -XX:+UseSerialGC \
  -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" \
  dev.brigade.training.bench.TrainingBenchmark "$@"
