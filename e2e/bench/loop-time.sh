#!/usr/bin/env bash
# Loop-time benchmark: from a drift injected into the delivery application to the first request answered by the new
# champion, broken down by stage (detect, decide, train, gate, roll out, swap), with a history of orders published
# first so the retraining run reads about that many examples (default 50000).
#   e2e/bench/loop-time.sh [history]
# Runs ClosedLoopIT (five services as processes on a real broker, the simulator in the test JVM) and prints the table
# it writes. Build first: ./mvnw -B -DskipTests install
# The detect stage is mostly a wait the test sets: the distance drift must hold for 5 monitor windows of 20 s, plus
# one per 2500 orders of history, so that the drift run's training split (its oldest 68% by event time) holds drifted
# orders.
set -euo pipefail
cd "$(dirname "$0")/../.."
HISTORY="${1:-50000}"
./mvnw -B -q -pl e2e verify -Dit.test=ClosedLoopIT -Dbrigade.loop.history="$HISTORY" 2>&1 \
  | sed -n '/^closed loop:/p; /^Loop time/,/total (drift/p; /FAIL/p'
