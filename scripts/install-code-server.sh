#!/usr/bin/env bash
# Installs code-server (a real VS Code, 1.100.3, the newest that runs on Node 20) into a
# project-local prefix so `npm start` and the end-to-end tests can run the extension in it.
# Idempotent: does nothing when the right version is already there.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${CODE_SERVER_PREFIX:-$ROOT/.cache/code-server}"
BIN="$PREFIX/node_modules/.bin/code-server"

if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | head -n1 | grep -q "^$CODE_SERVER_VERSION "; then
  echo "code-server $CODE_SERVER_VERSION already installed at $BIN"
  exit 0
fi

# System packages: Kerberos headers for a native module, ripgrep to seed the search binary,
# chromium to drive the UI. Installed only when missing and only when we can (root).
missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if (( ${#missing[@]} )); then
  if [[ "$(id -u)" == "0" ]]; then
    echo "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "missing system packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# @vscode/ripgrep downloads its binary from GitHub in postinstall; seed its download cache
# with Debian's rg instead (the archive holds the rg binary at its top level).
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_ARCHIVE="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$RG_ARCHIVE" ]]; then
  mkdir -p "$RG_CACHE"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$RG_ARCHIVE" -C "$staging" rg
  rm -rf "$staging"
fi

# Native modules build against the system Node's headers (no header download).
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
# A plain local install inside $PREFIX (its own package.json): with --global or --prefix, npm
# exports those settings to code-server's postinstall, whose nested `npm install` then lands
# in the wrong folder.
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo '{ "name": "code-server-host", "private": true }' > "$PREFIX/package.json"
echo "installing code-server@$CODE_SERVER_VERSION into $PREFIX (builds native modules; takes several minutes)"
(
  cd "$PREFIX"
  npm_config_unsafe_perm=true \
  npm_config_yes=true \
  npm_config_nodedir="$NODE_PREFIX" \
  npm_config_fund=false \
  npm_config_audit=false \
  npm_config_update_notifier=false \
    npm install --no-package-lock "code-server@$CODE_SERVER_VERSION"
)

"$BIN" --version | head -n1
