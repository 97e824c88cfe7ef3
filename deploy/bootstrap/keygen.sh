#!/usr/bin/env bash
# Creates the registry's Ed25519 signing key (a PKCS12 keystore) and its certificate (PEM), once: when the keystore is
# already there it is kept, so events signed before a restart still verify. The docker-compose `keygen` service runs
# this into the signing-keys volume; on Kubernetes run it on your machine and put the files in Secrets
# (deploy/README.md). Needs keytool (any JDK 15 or newer; the Brigade images have it).
#   BRIGADE_SIGNING_DIR                where to write (default /etc/brigade/signing)
#   BRIGADE_SIGNING_KEYSTORE_PASSWORD  the keystore's password (required, no default)
set -euo pipefail

DIR="${BRIGADE_SIGNING_DIR:-/etc/brigade/signing}"
KEYSTORE="$DIR/registry-signing.p12"
CERT="$DIR/registry-signing.pem"
ALIAS=registry-signing

log() { printf '[keygen] %s\n' "$*"; }
if [[ -z "${BRIGADE_SIGNING_KEYSTORE_PASSWORD:-}" ]]; then
  printf '[keygen] ERROR: set BRIGADE_SIGNING_KEYSTORE_PASSWORD (the signing keystore password)\n' >&2
  exit 1
fi
mkdir -p "$DIR"
if [[ -f "$KEYSTORE" ]]; then
  log "$KEYSTORE exists, kept"
else
  # -storepass:env keeps the password off the command line (and out of ps).
  keytool -genkeypair -keyalg Ed25519 -alias "$ALIAS" -storetype PKCS12 -keystore "$KEYSTORE" \
    -storepass:env BRIGADE_SIGNING_KEYSTORE_PASSWORD -dname "CN=registry-service, O=Brigade" -validity 3650
  log "created $KEYSTORE (Ed25519, alias $ALIAS)"
fi
# Exported on every run, so a lost certificate file comes back from the kept key.
keytool -exportcert -rfc -alias "$ALIAS" -keystore "$KEYSTORE" -storetype PKCS12 \
  -storepass:env BRIGADE_SIGNING_KEYSTORE_PASSWORD -file "$CERT.tmp"
mv -f "$CERT.tmp" "$CERT"
log "certificate $CERT"
