#!/usr/bin/env bash
# One command that installs everything the tests need on Debian 12 and runs
# every test: system packages (libav -dev, ffmpeg CLI for checks), the npm
# ali-oss client used by the Node SDK test, then go vet and go test, then
# the web console's browser tests (Debian's chromium driven by
# playwright-core) against a freshly built emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-s3-server.sh
bash scripts/install-console-test.sh
. scripts/env.sh
if [ -f tests/node/package.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi
go vet ./...
go test -count=1 -timeout 40m "$@" ./...
console_bin="$(mktemp -d)"
trap 'rm -rf "$console_bin"' EXIT
go build -o "$console_bin/emulator" ./cmd/emulator
(cd tests/console && OSSEMU_BIN="$console_bin/emulator" node --test --test-concurrency=1)
