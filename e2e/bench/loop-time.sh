#!/usr/bin/env bash
# Loop-time benchmark: from a drift injected into the delivery application to the first request answered by the new
# champion, broken down by stage (detect, decide, train, gate, roll out, swap), with the application playing about
# five times the test's orders a second, so that the retraining run reads tens of thousands of examples.
#   e2e/bench/loop-time.sh [orders/s=300] [drift windows=4]
# Runs ClosedLoopIT (five services as processes on a real broker, the simulator in the test JVM) and prints the table
# it writes. Build first: ./mvnw -B -DskipTests install
# The detect stage is mostly a wait the test sets: the distance drift must hold for that many monitor windows of 20 s,
# so that the drift run's training split (its oldest 68% by event time) holds drifted orders. Orders published as a
# history before the drift would not do: they swell the newest 32% too, and the run learns from too few drifted ones.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE="${1:-300}"
WINDOWS="${2:-4}"
./mvnw -B -q -pl e2e verify -Dit.test=ClosedLoopIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbrigade.loop.rate="$RATE" -Dbrigade.loop.drift-windows="$WINDOWS" 2>&1 \
  | sed -n '/^closed loop:/p; /^Loop time/,/total (drift/p; /FAIL/p'
