#!/usr/bin/env bash
# One command that installs what ossemu needs on Debian 12, builds it and runs
# it on its embedded defaults (extra arguments are passed to the emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
. scripts/env.sh
mkdir -p bin
go build -o bin/emulator ./cmd/emulator
exec ./bin/emulator "$@"
