#!/usr/bin/env bash
# Registers the shipped feature sets (feature-sets/*.yaml) and use cases (use-cases/*.yaml) through the stations'
# REST APIs, each only when it is absent: GET first, PUT on 404, so a second run changes nothing.
# One script for run-local.sh, the docker-compose `bootstrap` service and the Kubernetes bootstrap Job.
# Usage and settings: deploy/bootstrap/bootstrap.sh --help
set -uo pipefail # no -e: every failure is reported by name below

usage() {
  cat <<'EOF'
Usage: deploy/bootstrap/bootstrap.sh [--local-loop] [--put-always] [--no-feature-sets] [--no-use-cases]

Waits until the registry and the feature-service answer /q/health/ready, then registers each shipped feature set
and use case that is absent (GET, then PUT only on 404). Exit 0 when everything is registered, 1 otherwise.

  --local-loop       register the use cases with the local loop's short policies (2-minute cooldown, 1500 new
                     examples, 20 runs a day, 30-second bakes, alerts over 300 samples held 2 windows), as
                     run-local.sh does by default
  --put-always       PUT every use case even when present (an unchanged spec is a no-op, a changed one becomes a
                     new spec version): run-local.sh's behaviour, so switching --local-loop on or off takes effect
  --no-feature-sets  skip feature-sets/*.yaml
  --no-use-cases     skip use-cases/*.yaml

Environment (no password has a default):
  BRIGADE_REGISTRY_URL            registry-service base URL (default http://localhost:8083)
  BRIGADE_FEATURES_URL            feature-service base URL (default http://localhost:8081)
  BRIGADE_REGISTRY_RITA_PASSWORD  the registry's registrar (user BRIGADE_BOOTSTRAP_REGISTRAR, default rita)
  BRIGADE_FEATURES_RITA_PASSWORD  the feature-service's registrar (same user name)
  BRIGADE_BOOTSTRAP_SPECS         directory holding feature-sets/ and use-cases/ (default: this checkout's root)
  BRIGADE_BOOTSTRAP_WAIT          seconds to wait for both stations to be ready (default 300)
  BRIGADE_BOOTSTRAP_WORK_DIR      where request and answer bodies are kept (default: a temporary directory)
EOF
}

LOCAL_LOOP=false
PUT_ALWAYS=false
FEATURE_SETS=true
USE_CASES=true
for arg in "$@"; do
  case "$arg" in
    --local-loop) LOCAL_LOOP=true ;;
    --put-always) PUT_ALWAYS=true ;;
    --no-feature-sets) FEATURE_SETS=false ;;
    --no-use-cases) USE_CASES=false ;;
    -h | --help) usage; exit 0 ;;
    *) printf '[bootstrap] ERROR: unknown option: %s\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '[bootstrap] %s\n' "$*"; }
fail() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; }

SPECS="${BRIGADE_BOOTSTRAP_SPECS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
REGISTRY_URL="${BRIGADE_REGISTRY_URL:-http://localhost:8083}"
FEATURES_URL="${BRIGADE_FEATURES_URL:-http://localhost:8081}"
REGISTRAR="${BRIGADE_BOOTSTRAP_REGISTRAR:-rita}"
WAIT="${BRIGADE_BOOTSTRAP_WAIT:-300}"
WORK="${BRIGADE_BOOTSTRAP_WORK_DIR:-$(mktemp -d)}"
mkdir -p "$WORK" || { fail "cannot create $WORK"; exit 1; }

command -v curl >/dev/null 2>&1 || { fail "curl is needed"; exit 1; }
# The passwords are the deployment's secrets: refuse to guess one.
missing=()
$USE_CASES && [[ -z "${BRIGADE_REGISTRY_RITA_PASSWORD:-}" ]] && missing+=(BRIGADE_REGISTRY_RITA_PASSWORD)
$FEATURE_SETS && [[ -z "${BRIGADE_FEATURES_RITA_PASSWORD:-}" ]] && missing+=(BRIGADE_FEATURES_RITA_PASSWORD)
if ((${#missing[@]})); then
  fail "set ${missing[*]} (the registrar's password of the station it names)"
  exit 1
fi

await_ready() { # name url
  local deadline=$((SECONDS + WAIT)) body
  until body="$(curl -fsS --max-time 3 "$2/q/health/ready" 2>/dev/null)" \
      && [[ "$body" =~ \"status\"[[:space:]]*:[[:space:]]*\"UP\" ]]; do
    if ((SECONDS >= deadline)); then
      fail "$1 at $2 is not ready after ${WAIT}s"
      return 1
    fi
    sleep 2
  done
  log "$1 ready at $2"
}

# status URL user:password -> the HTTP status of a GET (000 when nothing answered)
status_of() {
  curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u "$3" "$2" 2>/dev/null
}

# put name URL user:password body-file -> 0 when registered (201) or unchanged (200)
put_spec() {
  local name="$1" url="$2" credentials="$3" body="$4" answer code
  answer="$WORK/answer-$name.json"
  code="$(curl -sS --max-time 30 -o "$answer" -w '%{http_code}' -u "$credentials" -X PUT \
    -H 'Content-Type: application/yaml' -H 'Accept: application/json' --data-binary "@$body" "$url")"
  case "$code" in
    201) log "$name registered" ;;
    200) log "$name already registered (unchanged)" ;;
    *) fail "registering $name answered HTTP $code: $(cat "$answer" 2>/dev/null)"; return 1 ;;
  esac
}

# register name URL user:password body-file: GET first; PUT only when absent (or always with --put-always)
register() {
  local name="$1" url="$2" credentials="$3" body="$4" always="${5:-false}" code
  if ! $always; then
    code="$(status_of "$name" "$url" "$credentials")"
    case "$code" in
      200) log "$name present, left as it is"; return 0 ;;
      404) ;;
      *) fail "looking up $name answered HTTP $code"; return 1 ;;
    esac
  fi
  put_spec "$name" "$url" "$credentials" "$body"
}

# A top-level scalar of a YAML file (name: card-activity), without quotes or a trailing comment.
yaml_field() {
  sed -nE "s/^$1:[[:space:]]*['\"]?([^'\"#]*[^'\"#[:space:]])['\"]?[[:space:]]*(#.*)?$/\1/p" "$2" | head -n 1
}

register_feature_sets() {
  local file name version failed=0
  for file in "$SPECS"/feature-sets/*.yaml; do
    [[ -f "$file" ]] || continue
    name="$(yaml_field name "$file")" version="$(yaml_field version "$file")"
    if [[ -z "$name" || ! "$version" =~ ^[0-9]+$ ]]; then
      fail "$file: no top-level name and numeric version"; failed=1; continue
    fi
    register "feature set $name v$version" "$FEATURES_URL/v1/feature-sets/$name/versions/$version" \
      "$REGISTRAR:$BRIGADE_FEATURES_RITA_PASSWORD" "$file" || failed=1
  done
  return $failed
}

# The local loop turns in minutes instead of hours; everything else is the spec as written.
shorten_for_local_loop() { # spec -> stdout
  sed -E -e 's/^(  cooldown: ).*/\12m/' -e 's/^(  minNewLabelledExamples: ).*/\11500/' \
    -e 's/^(  maxRunsPerDay: ).*/\120/' -e 's/^( +bake: ).*/\130s/' \
    -e 's/^(    minSamples: ).*/\1300/' -e 's/^(    persistence: ).*/\12/' "$1"
}

register_use_cases() {
  local spec name body failed=0
  for spec in "$SPECS"/use-cases/*.yaml; do
    [[ -f "$spec" ]] || continue
    name="$(basename "$spec" .yaml)"
    body="$WORK/spec-$name.yaml"
    if $LOCAL_LOOP; then shorten_for_local_loop "$spec" >"$body"; else cp "$spec" "$body"; fi
    register "use case $name" "$REGISTRY_URL/v1/use-cases/$name" "$REGISTRAR:$BRIGADE_REGISTRY_RITA_PASSWORD" \
      "$body" "$PUT_ALWAYS" || failed=1
  done
  return $failed
}

failed=0
if $FEATURE_SETS; then
  await_ready feature-service "$FEATURES_URL" || exit 1
  register_feature_sets || failed=1
fi
if $USE_CASES; then
  await_ready registry-service "$REGISTRY_URL" || exit 1
  register_use_cases || failed=1
fi
if ((failed)); then
  fail "some specs are not registered (see above)"
  exit 1
fi
log "done: shipped specs present$($LOCAL_LOOP && echo " (use cases with the local loop's short policies)")"
