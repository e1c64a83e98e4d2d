#!/usr/bin/env bash
# One command that installs everything the tests need on Debian 12 and runs
# every test: system packages (libav -dev, ffmpeg CLI for checks), the npm
# ali-oss client used by the Node SDK test, the S3 clients (rclone, and
# boto3/awscli/pytest in .venv), then go vet, staticcheck and go test (the
# packages without cgo media work under the race detector), the S3 pytest
# suite, which builds and starts its own emulator, and last the web
# console's browser tests (Debian's chromium driven by playwright-core,
# scripts/install-console-test.sh) against a freshly built emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-s3-server.sh
bash scripts/install-s3-clients.sh
bash scripts/install-console-test.sh
. scripts/env.sh
if [ -f tests/node/package.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi
go vet ./...

# staticcheck, pinned, built from the Go module proxy into ./bin. Its default
# checks run (everything but a few style checks it leaves off by default);
# a finding that is intended is silenced where it is, with //lint:ignore.
STATICCHECK_VERSION=0.8.2
if ! ./bin/staticcheck -version 2>/dev/null | grep -qF "($STATICCHECK_VERSION)"; then
  GOBIN="$PWD/bin" go install "honnef.co/go/tools/cmd/staticcheck@v$STATICCHECK_VERSION"
fi
./bin/staticcheck ./...

# The packages without cgo media work run once, under the race detector;
# everything else (the engines, and the tests that drive them: cmd, e2e,
# notifier/e2e) runs without it, which keeps libav's C code out of the
# detector's way and the run short.
race=$(go list ./queue/... ./parser/... ./storage/... ./notifier/... ./server/... ./osserr/... ./internal/... ./console/... | grep -v '/notifier/e2e$')
rest=$(go list ./... | grep -vxF "$race")
# shellcheck disable=SC2086 # package lists are word lists
go test -count=1 -timeout 40m "$@" $rest
# shellcheck disable=SC2086
go test -race -count=1 -timeout 40m "$@" $race
.venv/bin/python -m pytest -q tests/s3

console_bin="$(mktemp -d)"
trap 'rm -rf "$console_bin"' EXIT
go build -o "$console_bin/emulator" ./cmd/emulator
(cd tests/console && OSSEMU_BIN="$console_bin/emulator" node --test --test-concurrency=1)
