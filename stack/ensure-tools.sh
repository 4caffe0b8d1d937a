#!/usr/bin/env bash
# Makes sure the command-line tools the deploy tests and the stack scripts use are installed:
#   kubectl         renders deploy/ with its built-in kustomize
#   docker-compose  validates docker-compose.yml (no Docker engine needed for that)
#   kcat            inspects topics and messages on the local broker
# Silent when everything is there. As root it installs what is missing from Debian's packages; otherwise
# it says what to install and exits 1. Safe to run any number of times.
set -euo pipefail

log() { echo "[ensure-tools] $*" >&2; }

missing=()
for tool in kubectl docker-compose kcat; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# kubectl is packaged as `kubectl` where the Kubernetes apt repository is configured, and as
# `kubernetes-client` in Debian itself.
kubectl_package() {
  local candidate
  candidate="$(apt-cache policy kubectl 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then echo kubectl; else echo kubernetes-client; fi
}

packages_for_missing() {
  local tool
  for tool in "${missing[@]}"; do
    case "$tool" in
      kubectl) kubectl_package ;;
      *) echo "$tool" ;;
    esac
  done
}

if [[ "$(id -u)" -ne 0 ]]; then
  log "missing: ${missing[*]}"
  mapfile -t packages < <(packages_for_missing)
  log "install as root: apt-get update && apt-get install -y --no-install-recommends ${packages[*]}"
  log "(kubectl comes from the package kubectl, or kubernetes-client where there is no kubectl package)"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Update first: without fresh lists, apt-cache may not know the kubectl candidate at all.
apt-get update -qq
mapfile -t packages < <(packages_for_missing)
log "installing ${packages[*]}"
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is still not on PATH after installing ${packages[*]}"; exit 1; }
done
