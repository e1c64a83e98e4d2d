#!/usr/bin/env bash
# One command that installs everything the tests need on Debian 12 and runs
# every test: system packages (libav -dev, ffmpeg CLI for checks), the S3
# test server, the SDK and S3 clients (rclone; Python venv, Maven
# dependencies, npm packages), then go vet, staticcheck and go test (the
# packages without cgo media work under the race detector), then the Python, Java and Node SDK
# suites and the S3-client suite (boto3, awscli) against one build of the
# emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-s3-server.sh
bash scripts/install-s3-clients.sh
bash scripts/install-sdk-clients.sh
. scripts/env.sh
# The PostgreSQL server of the queue's, the notifier's and the cluster's
# tests: private, started here and stopped when the tests end.
OSSEMU_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh)
export OSSEMU_TEST_POSTGRES_URL
bin_dir=""
cleanup() {
  bash scripts/start-postgres.sh stop
  if [ -n "$bin_dir" ]; then rm -rf "$bin_dir"; fi
}
trap cleanup EXIT
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
race=$(go list ./queue/... ./parser/... ./storage/... ./notifier/... ./server/... ./osserr/... ./internal/... | grep -v '/notifier/e2e$')
rest=$(go list ./... | grep -vxF "$race")
# shellcheck disable=SC2086 # package lists are word lists
go test -count=1 -timeout 40m "$@" $rest
# shellcheck disable=SC2086
go test -race -count=1 -timeout 40m "$@" $race

# The SDK suites (tests/python, tests/s3, tests/java, tests/node/mns.test.js) start
# their own emulator processes from this one binary.
bin_dir=$(mktemp -d) # removed by cleanup
go build -o "$bin_dir/emulator" ./cmd/emulator
export OSSEMU_BIN="$bin_dir/emulator"
(cd tests/python && ../../.venv/bin/python -m pytest -q)
.venv/bin/python -m pytest -q tests/s3
(cd tests/java && mvn -B -ntp test)
node --test tests/node/mns.test.js
