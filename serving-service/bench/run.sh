#!/usr/bin/env bash
# Serving-counter benchmark: single-row inference (Scorer against DL4J), then the packaged service on a broker it
# starts itself, with a champion loaded from registry-events and a feature-service stand-in on loopback:
# POST /v1/score/{useCase} against the same service's POST /v1/noop, at a fixed rate (p50, p99) and closed loop
# (throughput), with the ratios against the targets (p99 <= 2x no-op, throughput >= half of no-op).
# Method: the two endpoints run in interleaved rounds of 5 s (no-op, score, no-op, ...), so a change in the host's load
# during the run falls on both. The load client is non-blocking (Vert.x, one event loop, keep-alive): the blocking
# client it replaced (a thread per in-flight request) took more of CPU 0, which also runs the feature-service stand-in
# whose look-ups are part of the score path, and it capped the no-op's throughput below the service's (the ratio was
# flattered). Open-loop latency counts from each request's due time. The service runs from a copy of
# target/quarkus-app (a concurrent build of the module rewrote the jars under it and blocked its event loops), logs
# its GC, and the run prints its pauses. Read the service CPU per request first: it moves far less with the host's
# load than latencies do.
# Warm-up: a fixed-rate pass, then interleaved closed-loop pairs until the JIT's share of the service CPU is under 2 %
# in two pairs in a row and the service has run 6.5 minutes (its Kafka clients' first periodic metadata refresh and
# reconnects compile code at 5; -Dbench.min-uptime-seconds=390, -Dbench.max-warm-up-rounds=36), and an unmeasured
# closed-loop pair between the fixed-rate and the closed-loop rounds. Usage: serving-service/bench/run.sh [rate=500] [seconds=20] [workers=64]
# The feature-service stand-in runs in this JVM; BENCH_JAVA_OPTS="-Dbench.stand-in=own-jvm" gives it a JVM of its own.
# Profile one path: BENCH_JAVA_OPTS="-Dbench.profile=score" (or noop) runs only that endpoint, closed loop, and records
# the warm service with JFR (-Dbench.profile-file, default /tmp/serving-profile.jfr); no ratios are printed then.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Always rebuild (incrementally): a stale jar would measure yesterday's code.
./mvnw -B -q -o -pl serving-service package -DskipTests
CLASSPATH_FILE="$(mktemp)"
trap 'rm -f "$CLASSPATH_FILE"' EXIT
./mvnw -B -q -o -pl serving-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CLASSPATH_FILE" >/dev/null
cd serving-service
# With two or more CPUs and taskset: the service gets the last CPU to itself; this JVM (load generator, stand-ins)
# and the broker it starts share the others. BENCH_PIN=no turns it off.
PIN=()
SERVICE_CPUS=""
CPUS="$(nproc)"
if [ "${BENCH_PIN:-yes}" != "no" ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SERVICE_CPUS="$((CPUS - 1))"
  PIN=(taskset -c "0-$((CPUS - 2))")
fi
"${PIN[@]}" "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -XX:+UseParallelGC -Dbench.service-cpus="$SERVICE_CPUS" \
  ${BENCH_JAVA_OPTS:-} \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" \
  dev.brigade.serving.bench.ServingBenchmark "$@"
