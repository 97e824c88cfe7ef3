#!/usr/bin/env bash
# Prep-station benchmark: ingestion through a feature-set topology against a plain Kafka pass-through, and online
# look-up latency at a fixed rate against the service's own liveness probe, all on a broker it starts itself.
# Usage: feature-service/bench/run.sh [events=100000] [entities=5000] [rate=500] [seconds=20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Always rebuild (incrementally): a stale jar would measure yesterday's code.
./mvnw -B -q -pl feature-service -am install -DskipTests
./mvnw -B -q -pl feature-service test-compile
CLASSPATH_FILE="$(mktemp)"
./mvnw -B -q -pl feature-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CLASSPATH_FILE" >/dev/null
cd feature-service
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -XX:+UseSerialGC \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" \
  dev.brigade.feature.bench.FeatureBenchmark "$@"
