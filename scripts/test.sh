#!/usr/bin/env bash
# One command that installs everything the tests need on Debian 12 and runs
# every test: system packages (libav -dev, ffmpeg CLI for checks), the S3
# test server, the SDK clients (Python venv, Maven dependencies, npm
# packages), then go vet, go test, and the Python, Java and Node SDK suites
# against one build of the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-s3-server.sh
bash scripts/install-sdk-clients.sh
. scripts/env.sh
go vet ./...
go test -count=1 -timeout 40m "$@" ./...

# The SDK suites (tests/python, tests/java, tests/node/mns.test.js) start
# their own emulator processes from this one binary.
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/emulator" ./cmd/emulator
export OSSEMU_BIN="$bin_dir/emulator"
(cd tests/python && ../../.venv/bin/python -m pytest -q)
(cd tests/java && mvn -B -ntp test)
node --test tests/node/mns.test.js
