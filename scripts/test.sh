#!/usr/bin/env bash
# Sets up a fresh machine and runs the whole test suite: the README's test command, and what
# .ci/run runs. System packages the tests use are installed when running as root (CI);
# otherwise the missing ones are named and the tests that need them skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

# libopenblas0: the BLAS backend; clang + lld: the WebAssembly kernels; dataset-fashion-mnist:
# the full-dataset tests; chromium: the reports opened in a headless browser (report-browser test);
# redis-server: the lab queue's tests start one on a free port (test/lab/queue.test.ts).
packages=(libopenblas0 clang lld dataset-fashion-mnist chromium redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "note: not installing ${missing[*]} (needs root and apt-get); tests that need them will skip" >&2
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm test
