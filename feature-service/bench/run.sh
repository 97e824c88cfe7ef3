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
# With two or more CPUs and taskset, the look-up phase gives the service the last CPU to itself and moves this JVM
# (the load generator) and the broker to the others; ingestion runs on all of them. BENCH_PIN=no turns it off.
SERVICE_CPUS=""
CPUS="$(nproc)"
if [ "${BENCH_PIN:-yes}" != "no" ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SERVICE_CPUS="$((CPUS - 1))"
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -XX:+UseSerialGC -Dbench.service-cpus="$SERVICE_CPUS" \
  ${BENCH_JAVA_OPTS:-} \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" \
  dev.brigade.feature.bench.FeatureBenchmark "$@"
