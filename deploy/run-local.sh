#!/usr/bin/env bash
# Runs the whole Brigade platform on this machine: one Kafka broker (or, with --cluster, a secured cluster of three)
# and the five services, each in its own JVM.
# Usage: deploy/run-local.sh [--check] [--cluster] [--rebuild] [--help]   (details: deploy/README.md)
set -uo pipefail # no -e: failures are handled where they happen, so nothing is left running by accident

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"
LOG_DIR="$RUN_DIR/logs"
SERVICE_DATA_ROOT="$RUN_DIR/data"
KAFKA_DATA_DIR="$RUN_DIR/kafka"
CLUSTER_DATA_DIR="$RUN_DIR/kafka-cluster"
SIGNING_DIR="$RUN_DIR/signing"
CLUSTER_NODES=3
PID_FILE="$RUN_DIR/run-local.pid"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${BRIGADE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${BRIGADE_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
START_TIMEOUT="${BRIGADE_START_TIMEOUT:-120}" # seconds for all services to report ready
STOP_GRACE="${BRIGADE_STOP_GRACE:-20}"        # seconds between SIGTERM and SIGKILL
BROKER_DIR="$ROOT/deploy/kafka-broker/target"
SIM_DIR="$ROOT/deploy/simulator/target"
SIM_PORT="${BRIGADE_SIM_CONTROL_PORT:-8086}"
SIM_RATE="${BRIGADE_SIM_RATE:-40}"

# name, default HTTP port; BRIGADE_<NAME>_PORT overrides (e.g. BRIGADE_FEATURE_PORT).
SERVICES=(feature-service training-service registry-service serving-service monitor-service)
declare -A DEFAULT_PORT=([feature-service]=8081 [training-service]=8082 [registry-service]=8083
                         [serving-service]=8084 [monitor-service]=8085)
declare -A PORT PID

CHECK_ONLY=false
REBUILD=false
SIMULATE=true
REGISTER=true
FAST_LOOP=true
CLUSTER=false
STOPPING=false
# Set from the cluster's ready line in --cluster mode: how every client reaches and trusts the brokers.
BOOTSTRAP=""
TRUSTSTORE=""
TRUSTSTORE_PASSWORD=""
CREDENTIALS=""

usage() {
  cat <<EOF
Usage: deploy/run-local.sh [--check] [--cluster] [--rebuild] [--no-simulator] [--no-use-cases] [--as-written]

Starts a Kafka broker ($KAFKA_HOST:\$BRIGADE_KAFKA_PORT, default 9092) and the five Brigade services, waits until
every service is ready, registers the shipped use cases (use-cases/*.yaml) and starts the simulator, which plays the
card-fraud and delivery-ETA applications (scores, raw events, delayed labels). Stays in the foreground until
Ctrl-C / SIGTERM, which stops everything cleanly.

  --check         start everything, wait until healthy, print the timing, stop, exit 0 (smoke test for CI)
  --cluster       run on a secured cluster of three Kafka brokers instead of one plain broker: SASL_SSL with
                  SCRAM-SHA-512 users made when the storage is formatted, a CA and broker certificates made with
                  keytool, ACLs per station (each logs in as its own principal), replication factor 3 and
                  min.insync.replicas 2. Clients on ports \$BRIGADE_KAFKA_PORT..+2, controllers on the next three;
                  data, certificates and generated passwords in .run/kafka-cluster
  --rebuild       run './mvnw -B -q -DskipTests install' first even if all artifacts exist
  --no-simulator  start the platform only (no simulated traffic)
  --no-use-cases  do not register the shipped use cases
  --as-written    register the use cases exactly as written (production policies: 6h cooldowns, 5000 new
                  examples, minutes of bake); by default the local loop is shortened so a newcomer sees it turn
  --help          this text

Simulator: control API on 127.0.0.1:\$BRIGADE_SIM_CONTROL_PORT (default 8086): GET /status,
POST /drift/card-fraud?kind=covariate|concept|none. Rate: \$BRIGADE_SIM_RATE events/s (default 40).

Environment: BRIGADE_KAFKA_PORT, BRIGADE_KAFKA_CONTROLLER_PORT (default Kafka port + 1),
BRIGADE_FEATURE_PORT (8081), BRIGADE_TRAINING_PORT (8082), BRIGADE_REGISTRY_PORT (8083),
BRIGADE_SERVING_PORT (8084), BRIGADE_MONITOR_PORT (8085), BRIGADE_START_TIMEOUT (120 s),
BRIGADE_STOP_GRACE (20 s), BRIGADE_LOG_JSON (false here), JAVA_HOME.
Logs: .run/logs/<name>.log (previous run: <name>.log.1). Data: .run/kafka (or .run/kafka-cluster), .run/data/<service>;
the registry's signing key (made with keytool on the first run): .run/signing.
EOF
}

log() { printf '[run-local] %s\n' "$*"; }
fail() { printf '[run-local] ERROR: %s\n' "$*" >&2; }

for arg in "$@"; do
  case "$arg" in
    --check) CHECK_ONLY=true ;;
    --cluster) CLUSTER=true ;;
    --rebuild) REBUILD=true ;;
    --no-simulator) SIMULATE=false ;;
    --no-use-cases) REGISTER=false ;;
    --as-written) FAST_LOOP=false ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown option: $arg"; usage >&2; exit 2 ;;
  esac
done

for svc in "${SERVICES[@]}"; do
  short="${svc%-service}"
  var="BRIGADE_${short^^}_PORT"
  PORT[$svc]="${!var:-${DEFAULT_PORT[$svc]}}"
done

# ---------------------------------------------------------------------------------------------------------------
# Processes

is_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }

show_log_tail() { # name [lines]
  local file
  file="$(log_file "$1")"
  printf -- '----- last %s lines of %s -----\n' "${2:-40}" "$file" >&2
  tail -n "${2:-40}" "$file" >&2 2>/dev/null || true
  printf -- '----- end of %s -----\n' "$file" >&2
}

# SIGTERM to all the given names at once, then SIGKILL whatever is left after the grace period.
stop_group() {
  local name pending=()
  for name in "$@"; do
    if is_alive "${PID[$name]:-}"; then
      kill -TERM "${PID[$name]}" 2>/dev/null && pending+=("$name")
    fi
  done
  ((${#pending[@]})) || return 0
  log "stopping ${pending[*]}"
  local deadline=$((SECONDS + STOP_GRACE)) still
  while :; do
    still=()
    for name in "${pending[@]}"; do is_alive "${PID[$name]}" && still+=("$name"); done
    ((${#still[@]})) || break
    if ((SECONDS >= deadline)); then
      for name in "${still[@]}"; do
        fail "$name did not stop within ${STOP_GRACE}s; killing it"
        kill -KILL "${PID[$name]}" 2>/dev/null
      done
      break
    fi
    sleep 0.2
  done
  for name in "${pending[@]}"; do wait "${PID[$name]}" 2>/dev/null; PID[$name]=""; done
}

# Services first: they flush and commit to Kafka on shutdown, so the broker must outlive them.
stop_all() {
  stop_group simulator
  stop_group "${SERVICES[@]}"
  stop_group kafka
  [[ "$(cat "$PID_FILE" 2>/dev/null)" == "$$" ]] && rm -f "$PID_FILE"
  return 0
}

on_signal() { # signal name, exit code
  $STOPPING && return
  STOPPING=true
  echo
  log "received SIG$1, stopping Brigade"
  stop_all
  log "stopped"
  exit "$2"
}

on_exit() {
  # Also covers errors and early exits: never leave JVMs behind.
  $STOPPING || { STOPPING=true; stop_all; }
}

# Ctrl-C and SIGTERM are the normal way to stop, hence exit 0.
trap 'on_signal INT 0' INT
trap 'on_signal TERM 0' TERM
trap 'on_signal HUP 1' HUP   # terminal closed
trap 'on_signal PIPE 1' PIPE # our output's reader went away (e.g. | head): without this the JVMs would be orphaned
trap on_exit EXIT

# Starts "$@" in the background with output to the name's log; the previous run's log is kept as .log.1.
# Background jobs of a non-interactive shell ignore SIGINT, so Ctrl-C reaches only this script, which then stops
# the services before the broker instead of every JVM racing to exit at once.
launch() { # name workdir command...
  local name="$1" workdir="$2" file
  shift 2
  file="$(log_file "$name")"
  [[ -f "$file" ]] && mv -f "$file" "$file.1"
  # A simple command, not a ( subshell ): only simple background commands get SIGINT ignored, which the JVM honours.
  cd "$workdir" || exit 1
  "$@" </dev/null >"$file" 2>&1 &
  PID[$name]=$!
  cd "$ROOT" || exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Checks

port_in_use() {
  if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; then
    return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_owner() {
  command -v lsof >/dev/null 2>&1 || return 0
  lsof -nP -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | awk 'NR == 2 { printf " (held by %s, pid %s)", $1, $2 }'
}

check_ports() {
  local -A seen=()
  local entries=() entry name port busy=false i
  if $CLUSTER; then
    for ((i = 0; i < 2 * CLUSTER_NODES; i++)); do entries+=("kafka-node-port:$((KAFKA_PORT + i))"); done
  else
    entries+=("kafka:$KAFKA_PORT" "kafka-controller:$KAFKA_CONTROLLER_PORT")
  fi
  for svc in "${SERVICES[@]}"; do entries+=("$svc:${PORT[$svc]}"); done
  $SIMULATE && entries+=("simulator:$SIM_PORT")
  for entry in "${entries[@]}"; do
    name="${entry%%:*}" port="${entry##*:}"
    if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
      fail "$name: '$port' is not a port number"; busy=true; continue
    fi
    if [[ -n "${seen[$port]:-}" ]]; then
      fail "$name and ${seen[$port]} are both configured for port $port"; busy=true; continue
    fi
    seen[$port]="$name"
    if port_in_use "$port"; then
      fail "port $port for $name is already in use$(port_owner "$port")"; busy=true
    fi
  done
  if $busy; then
    fail "refusing to start. Stop what holds the port(s) or choose others, e.g. BRIGADE_KAFKA_PORT=19092 or BRIGADE_FEATURE_PORT=18081."
    exit 1
  fi
}

check_not_running() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)"
  # The pid may have been reused since a run that was killed with SIGKILL: only a live run-local.sh counts.
  if is_alive "$pid" && [[ "$pid" != "$$" ]] && ps -o args= -p "$pid" 2>/dev/null | grep -q 'run-local\.sh'; then
    fail "Brigade already runs from this checkout (run-local.sh pid $pid); stop it first (kill $pid)."
    exit 1
  fi
}

broker_jar() {
  local jar
  for jar in "$BROKER_DIR"/brigade-kafka-broker-*.jar; do
    [[ -f "$jar" && "$jar" != *-sources.jar && "$jar" != *-tests.jar ]] && { printf '%s' "$jar"; return 0; }
  done
  return 1
}

missing_artifacts() {
  broker_jar >/dev/null || echo "deploy/kafka-broker/target/brigade-kafka-broker-*.jar"
  compgen -G "$BROKER_DIR/lib/*.jar" >/dev/null || echo "deploy/kafka-broker/target/lib/"
  for svc in "${SERVICES[@]}"; do
    [[ -f "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" ]] || echo "$svc/target/quarkus-app/quarkus-run.jar"
  done
  # the simulator's lib also holds the events jar, which prints the topic catalogue for --cluster
  if $SIMULATE || $CLUSTER; then
    simulator_jar >/dev/null || echo "deploy/simulator/target/brigade-simulator-*.jar"
    compgen -G "$SIM_DIR/lib/*.jar" >/dev/null || echo "deploy/simulator/target/lib/"
  fi
}

simulator_jar() {
  local jar
  for jar in "$SIM_DIR"/brigade-simulator-*.jar; do
    [[ -f "$jar" && "$jar" != *-sources.jar && "$jar" != *-tests.jar ]] && { printf '%s' "$jar"; return 0; }
  done
  return 1
}

build_if_needed() {
  local missing
  missing="$(missing_artifacts)"
  if ! $REBUILD && [[ -z "$missing" ]]; then
    return 0
  fi
  if $REBUILD; then log "--rebuild: building"; else log "missing: $(echo $missing)"; fi
  log "running ./mvnw -B -q -DskipTests install (this takes a few minutes)"
  if ! (cd "$ROOT" && ./mvnw -B -q -DskipTests install); then
    fail "the build failed"
    exit 1
  fi
  missing="$(missing_artifacts)"
  if [[ -n "$missing" ]]; then
    fail "the build passed but these are still missing: $(echo $missing)"
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Start-up

start_broker() {
  mkdir -p "$KAFKA_DATA_DIR"
  launch kafka "$ROOT" "$JAVA" -Xmx512m -XX:+UseSerialGC \
    -cp "$(broker_jar):$BROKER_DIR/lib/*" dev.brigade.broker.KafkaBrokerMain \
    --host "$KAFKA_HOST" --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" --data-dir "$KAFKA_DATA_DIR"
  local deadline=$((SECONDS + 60)) file
  file="$(log_file kafka)"
  until grep -q 'Kafka broker ready on' "$file" 2>/dev/null && (exec 3<>"/dev/tcp/$KAFKA_HOST/$KAFKA_PORT") 2>/dev/null; do
    if ! is_alive "${PID[kafka]}"; then
      fail "the Kafka broker exited during start-up"; show_log_tail kafka; exit 1
    fi
    if ((SECONDS >= deadline)); then
      fail "the Kafka broker did not get ready within 60s"; show_log_tail kafka; exit 1
    fi
    sleep 0.2
  done
  log "Kafka broker ready on $KAFKA_HOST:$KAFKA_PORT (pid ${PID[kafka]})"
}

# The registry signs every registry event; every station that reads them trusts this key's certificate. Made once
# with keytool (deploy/bootstrap/keygen.sh, as compose does) and kept, so events signed before a restart still verify.
make_signing_key() {
  mkdir -p "$SIGNING_DIR"
  chmod 700 "$SIGNING_DIR"
  if [[ ! -s "$SIGNING_DIR/keystore.password" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$SIGNING_DIR/keystore.password")
  fi
  if ! PATH="${JAVA_HOME:+$JAVA_HOME/bin:}$PATH" BRIGADE_SIGNING_DIR="$SIGNING_DIR" \
    BRIGADE_SIGNING_KEYSTORE_PASSWORD="$(cat "$SIGNING_DIR/keystore.password")" \
    "$ROOT/deploy/bootstrap/keygen.sh" >"$LOG_DIR/keygen.log" 2>&1; then
    fail "making the registry's signing key failed:"; cat "$LOG_DIR/keygen.log" >&2; exit 1
  fi
}

# --cluster: three KRaft brokers in child JVMs of one launcher, which makes the CA and certificates, the SCRAM users
# (passwords generated into credentials.properties) and the ACLs, creates the topic catalogue as brigade-admin and
# prints one ready line with what clients need.
start_cluster() {
  mkdir -p "$CLUSTER_DATA_DIR"
  "$JAVA" -cp "$SIM_DIR/lib/*" dev.brigade.events.topics.TopicCatalogFile >"$CLUSTER_DATA_DIR/topics.txt" || {
    fail "could not list the topic catalogue"; exit 1; }
  launch kafka "$ROOT" "$JAVA" -Xmx128m -XX:+UseSerialGC \
    -cp "$(broker_jar):$BROKER_DIR/lib/*" dev.brigade.broker.KafkaClusterMain \
    --nodes "$CLUSTER_NODES" --host "$KAFKA_HOST" --port "$KAFKA_PORT" --data-dir "$CLUSTER_DATA_DIR" \
    --topics-file "$CLUSTER_DATA_DIR/topics.txt"
  local deadline=$((SECONDS + 300)) file ready
  file="$(log_file kafka)"
  until ready="$(grep -m1 '^Kafka cluster ready on ' "$file" 2>/dev/null)"; do
    if ! is_alive "${PID[kafka]}"; then
      fail "the Kafka cluster exited during start-up"; show_log_tail kafka 60; exit 1
    fi
    if ((SECONDS >= deadline)); then
      fail "the Kafka cluster did not get ready within 300s"; show_log_tail kafka 60; exit 1
    fi
    sleep 0.5
  done
  BOOTSTRAP="$(sed -E 's/.*Kafka cluster ready on ([^ ]+).*/\1/' <<<"$ready")"
  TRUSTSTORE="$(sed -E 's/.* truststore=([^ ]+).*/\1/' <<<"$ready")"
  TRUSTSTORE_PASSWORD="$(sed -E 's/.* truststore-password=([^ ]+).*/\1/' <<<"$ready")"
  CREDENTIALS="$(sed -E 's/.* credentials=([^ ]+).*/\1/' <<<"$ready")"
  log "Kafka cluster ready on $BOOTSTRAP: $CLUSTER_NODES brokers, SASL_SSL (SCRAM-SHA-512), ACLs per station, RF 3 (pid ${PID[kafka]})"
}

password_of() { # SCRAM user -> its password from the cluster's credentials file
  sed -n "s/^user\.$1=//p" "$CREDENTIALS" | head -n1
}

# How a client logs in to the secured cluster: the KAFKA_* variables of deploy/README.md's table.
cluster_login() { # principal
  printf '%s\n' KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
    "KAFKA_SSL_TRUSTSTORE_LOCATION=$TRUSTSTORE" KAFKA_SSL_TRUSTSTORE_TYPE=PKCS12 \
    "KAFKA_SSL_TRUSTSTORE_PASSWORD=$TRUSTSTORE_PASSWORD"
  if [[ "$1" == brigade-producer ]]; then
    # the simulator is no station: it takes the JAAS line, as any Kafka client would
    printf '%s\n' "KAFKA_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$(password_of "$1")\";"
  else
    printf '%s\n' "KAFKA_SASL_USERNAME=$1" "KAFKA_SASL_PASSWORD=$(password_of "$1")" \
      BRIGADE_TOPICS_ENSURE=false BRIGADE_TOPICS_REPLICATION_FACTOR=3
  fi
}

start_services() {
  local svc data_dir login
  for svc in "${SERVICES[@]}"; do
    data_dir="$SERVICE_DATA_ROOT/$svc"
    mkdir -p "$data_dir"
    login=()
    $CLUSTER && mapfile -t login < <(cluster_login "$svc")
    # The data dir is also the working directory, so stray relative paths land there, not in the checkout.
    launch "$svc" "$data_dir" env \
      KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" \
      "${login[@]}" \
      BRIGADE_LOCAL_RUN=true \
      BRIGADE_SIGNING_KEYSTORE="$SIGNING_DIR/registry-signing.p12" \
      BRIGADE_SIGNING_KEYSTORE_PASSWORD="$(cat "$SIGNING_DIR/keystore.password")" \
      BRIGADE_SIGNING_TRUSTED_CERTS="$SIGNING_DIR/registry-signing.pem" \
      QUARKUS_HTTP_PORT="${PORT[$svc]}" \
      BRIGADE_DATA_DIR="$data_dir" \
      BRIGADE_LOG_JSON="${BRIGADE_LOG_JSON:-false}" \
      BRIGADE_REGISTRY_URL="http://127.0.0.1:${PORT[registry-service]}" \
      BRIGADE_FEATURES_URL="http://127.0.0.1:${PORT[feature-service]}" \
      BRIGADE_MONITOR_WINDOW="$($FAST_LOOP && echo 1m || echo 5m)" \
      "$JAVA" -Xmx384m -XX:+UseSerialGC -jar "$ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  done
}

print_port_map() {
  local svc
  printf '\n%-18s %-24s %-42s %s\n' SERVICE URL HEALTH LOG
  printf '%-18s %-24s %-42s %s\n' kafka "$BOOTSTRAP" "-" "${LOG_DIR#$ROOT/}/kafka.log"
  for svc in "${SERVICES[@]}"; do
    printf '%-18s %-24s %-42s %s\n' "$svc" "http://localhost:${PORT[$svc]}" \
      "http://localhost:${PORT[$svc]}/q/health/ready" "${LOG_DIR#$ROOT/}/$svc.log"
  done
  echo
}

is_ready() { # service
  local body
  body="$(curl -fsS --max-time 2 "http://127.0.0.1:${PORT[$1]}/q/health/ready" 2>/dev/null)" || return 1
  [[ "$body" =~ \"status\"[[:space:]]*:[[:space:]]*\"UP\" ]]
}

await_services() {
  local deadline=$((SECONDS + START_TIMEOUT)) svc
  local -A ready=()
  while ((${#ready[@]} < ${#SERVICES[@]})); do
    for svc in "${SERVICES[@]}"; do
      [[ -n "${ready[$svc]:-}" ]] && continue
      if ! is_alive "${PID[$svc]}"; then
        wait "${PID[$svc]}"
        fail "$svc exited during start-up (exit code $?)"; show_log_tail "$svc"; exit 1
      fi
      if is_ready "$svc"; then
        ready[$svc]=1
        log "$svc ready on port ${PORT[$svc]}"
      fi
    done
    ((${#ready[@]} == ${#SERVICES[@]})) && break
    if ((SECONDS >= deadline)); then
      for svc in "${SERVICES[@]}"; do
        [[ -n "${ready[$svc]:-}" ]] && continue
        fail "$svc is not ready after ${START_TIMEOUT}s: $(curl -sS --max-time 2 -o /dev/null -w 'HTTP %{http_code}' \
          "http://127.0.0.1:${PORT[$svc]}/q/health/ready" 2>&1)"
        show_log_tail "$svc"
      done
      exit 1
    fi
    sleep 1
  done
}

# The shipped feature sets and use cases, registered by the one bootstrap script compose and Kubernetes run too.
# Locally the loop is shortened (unless --as-written) so that it turns in minutes (bootstrap.sh --local-loop: a
# 2-minute cooldown, 1500 new labelled examples, 20 runs a day, 30-second bakes, alert rules over 300 samples held
# for 2 windows; the monitor's windows are 1 minute long then, see start_services), and every use case is sent again
# (--put-always), so switching --as-written on or off takes effect; an unchanged spec is a no-op.
register_use_cases() {
  local args=(--put-always)
  $FAST_LOOP && args+=(--local-loop)
  if ! BRIGADE_REGISTRY_URL="http://127.0.0.1:${PORT[registry-service]}" \
    BRIGADE_FEATURES_URL="http://127.0.0.1:${PORT[feature-service]}" \
    BRIGADE_REGISTRY_RITA_PASSWORD="${BRIGADE_REGISTRY_RITA_PASSWORD:-rita-local}" \
    BRIGADE_FEATURES_RITA_PASSWORD="${BRIGADE_FEATURES_RITA_PASSWORD:-rita-local}" \
    BRIGADE_BOOTSTRAP_WORK_DIR="$LOG_DIR/bootstrap" BRIGADE_BOOTSTRAP_WAIT=30 \
    "$ROOT/deploy/bootstrap/bootstrap.sh" "${args[@]}" 2>&1 | sed 's/^/[run-local] /'; then
    fail "registering the shipped specs failed"
    exit 1
  fi
}

start_simulator() {
  local login=()
  $CLUSTER && mapfile -t login < <(cluster_login brigade-producer)
  launch simulator "$ROOT" env \
    KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" \
    "${login[@]}" \
    BRIGADE_SERVING_URL="http://127.0.0.1:${PORT[serving-service]}" \
    BRIGADE_SIM_CONTROL_PORT="$SIM_PORT" \
    BRIGADE_SIM_RATE="$SIM_RATE" \
    "$JAVA" -Xmx256m -XX:+UseSerialGC -cp "$(simulator_jar):$SIM_DIR/lib/*" dev.brigade.simulator.Simulator
  local deadline=$((SECONDS + 30))
  until curl -fsS --max-time 2 "http://127.0.0.1:$SIM_PORT/status" >/dev/null 2>&1; do
    if ! is_alive "${PID[simulator]}" || ((SECONDS >= deadline)); then
      fail "the simulator did not start"; show_log_tail simulator; exit 1
    fi
    sleep 0.5
  done
  log "simulator playing card-fraud and delivery-eta at $SIM_RATE events/s; control: http://127.0.0.1:$SIM_PORT/status"
}

watch_processes() {
  local name
  while :; do
    for name in kafka "${SERVICES[@]}" simulator; do
      [[ "$name" == simulator ]] && ! $SIMULATE && continue
      if ! is_alive "${PID[$name]}"; then
        wait "${PID[$name]}"
        fail "$name exited unexpectedly (exit code $?); stopping Brigade"
        show_log_tail "$name"
        exit 1
      fi
    done
    # sleep in the background + wait: a signal interrupts wait at once, whereas a foreground sleep delays the trap.
    sleep 2 &
    wait $! 2>/dev/null
  done
}

main() {
  command -v "$JAVA" >/dev/null 2>&1 || { fail "no java found (set JAVA_HOME or put java on PATH)"; exit 1; }
  command -v curl >/dev/null 2>&1 || { fail "curl is needed for the health checks"; exit 1; }
  check_not_running
  build_if_needed
  check_ports
  mkdir -p "$LOG_DIR" "$SERVICE_DATA_ROOT"
  echo $$ >"$PID_FILE"

  local started=$SECONDS
  make_signing_key
  if $CLUSTER; then
    log "mode: secured cluster of $CLUSTER_NODES Kafka brokers (SASL_SSL, SCRAM-SHA-512, ACLs per station)"
    start_cluster
  else
    log "mode: one Kafka broker (PLAINTEXT, replication 1; --cluster runs a secured cluster of three)"
    start_broker
    BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
  fi
  start_services
  print_port_map
  log "waiting up to ${START_TIMEOUT}s for ${SERVICES[*]}"
  await_services
  $REGISTER && register_use_cases
  $SIMULATE && start_simulator
  local took=$((SECONDS - started))

  if $CHECK_ONLY; then
    log "Brigade is up: $($CLUSTER && echo "secured $CLUSTER_NODES-broker cluster" || echo broker) and ${#SERVICES[@]} services healthy$($SIMULATE && echo ", simulator playing") in ${took}s"
    STOPPING=true
    stop_all
    log "check passed"
    exit 0
  fi
  log "Brigade is up (took ${took}s). Ctrl-C stops everything."
  watch_processes
}

main
