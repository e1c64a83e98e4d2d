#!/usr/bin/env bash
# Installs the S3 server the storage/s3 tests run against: versitygw (Versity
# S3 Gateway, Apache-2.0), a real S3 implementation over a POSIX directory,
# built from the Go module proxy into ./bin/versitygw. Idempotent: returns at
# once when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
VERSION=v1.8.0
BIN="$PWD/bin"
STAMP="$BIN/.versitygw-$VERSION"
if [ -x "$BIN/versitygw" ] && [ -f "$STAMP" ]; then
  exit 0
fi
mkdir -p "$BIN"
echo "installing versitygw $VERSION into $BIN" >&2
GOBIN="$BIN" CGO_ENABLED=0 go install \
  -ldflags "-X main.Version=$VERSION -X main.Build=proxy" \
  "github.com/versity/versitygw/cmd/versitygw@$VERSION"
rm -f "$BIN"/.versitygw-*
touch "$STAMP"
