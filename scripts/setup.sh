#!/usr/bin/env bash
# Installs everything this repo needs on a fresh Debian machine with Node 20: the npm packages (npm ci) and, with
# --system, the Debian packages the real-part tests use. Idempotent: what is there already is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--system" ]]; then
  # docker-registry + apache2-utils (htpasswd): a real private registry; skopeo: a real client;
  # golang-docker-credential-helpers + pass + gnupg: a real docker credential helper; golang-go: Go's own text/template
  # judges the External Secrets templates; kubernetes-client: kubectl,
  # only when the machine has none (the oracle tests prefer /usr/bin/kubectl)
  want=(docker-registry skopeo apache2-utils golang-docker-credential-helpers pass gnupg golang-go)
  command -v kubectl >/dev/null 2>&1 || want+=(kubernetes-client)
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# npm ci only when the lock file changed since the last install (node_modules/.package-lock.json is npm's own record)
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
