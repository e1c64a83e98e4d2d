#!/usr/bin/env bash
# Installs the S3 clients the S3-dialect tests drive against the emulator:
# rclone (Debian package; openssl makes the tests' TLS certificate) and, in
# the repository's virtualenv .venv, the pinned PyPI packages of
# tests/s3/requirements.txt (boto3, awscli, pytest). Idempotent: apt and pip
# return at once when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=""
command -v rclone >/dev/null 2>&1 || missing="$missing rclone"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/s3/requirements.txt
