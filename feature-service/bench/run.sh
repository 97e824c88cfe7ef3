#!/usr/bin/env bash
# Prep-station benchmark: ingestion through a feature-set topology against a plain Kafka pass-through, and online
# look-up latency at a fixed rate against the service's own liveness probe, all on a broker it starts itself.
# Usage: feature-service/bench/run.sh [events=100000] [entities=5000] [rate=500] [seconds=20] [ingest-only|lookups-only]
# Raw events are written to raw-events.accepted, as the service's intake gate forwards them: what a version's topology
# (and, in the look-up phase, the service's version apps) reads; before 2026-12-07 topologies read raw-events itself.
# Method (2026-11-27, second version): ingestion rates are sustained rates. One plain pass-through (a consumer and an
# idempotent acks=all producer), one stateless Kafka Streams copy (exactly-once), the same copy with one changelogged
# RocksDB put per event (the least any topology with a changelogged history does), one card-activity topology app, and
# the same topology with its history in memory and no changelog (what RocksDB and the changelog cost; not what the
# service runs) stay up for the whole phase and are fed batches of raw events on one continuous timeline (each
# batch the next two days); each reads a batch alone. Warm batches until every entity holds the longest window's
# history (so each event reads a full week and prunes its oldest) and a topology pass spends under 5 % of the JVM's CPU
# in the JIT (at most 12 in all; BENCH_JAVA_OPTS=-Dbench.max-warm-up-passes=0 measures from the first batch), then the
# medians of 3 measured rounds (-Dbench.measured-pairs). Look-ups: 30 s of
# warm-up per probe (-Dbench.warm-up-seconds; the look-ups' warm-up reads every entity), then a bare HTTP server in
# this JVM (the floor: machine and load client alone) and both probes with the service sharing the CPUs, then both again with
# the service pinned; each line also gives the service's own timing (brigade_features_lookup_seconds). The service
# JVM's options: -Dbench.service-jvm="-Xmx512m -XX:+UseSerialGC" (the default).
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
# With two or more CPUs and taskset, the look-up phase is measured a second time with the service on the last CPU and
# this JVM (the load generator) and the broker on the others; ingestion runs on all of them. BENCH_PIN=no skips it.
SERVICE_CPUS=""
CPUS="$(nproc)"
if [ "${BENCH_PIN:-yes}" != "no" ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  SERVICE_CPUS="$((CPUS - 1))"
fi
bench() {
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -XX:+UseSerialGC -Dbench.service-cpus="$SERVICE_CPUS" \
    ${BENCH_JAVA_OPTS:-} \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" \
    dev.brigade.feature.bench.FeatureBenchmark "$@"
}
if [ $# -ge 5 ]; then
  bench "$@"
else
  # Each phase in a JVM of its own: the look-ups' load client does not share a heap, a collector and leftover threads
  # with the ingestion passes' in-process topologies (after them, in one JVM, it ran 3 to 8 ms late at p99).
  bench "${1:-100000}" "${2:-5000}" "${3:-500}" "${4:-20}" ingest-only
  bench "${1:-100000}" "${2:-5000}" "${3:-500}" "${4:-20}" lookups-only
fi
