#!/usr/bin/env bash
# Installs the official OSS/MNS SDK clients the SDK test suites drive:
#   - Python (tests/python/requirements.txt: oss2, alibabacloud-oss-v2,
#     aliyun-mns-sdk, pytest, Pillow) into the repository's .venv, created
#     with `python3 -m venv .venv` when missing (scripts/install-s3-clients.sh
#     shares the same .venv);
#   - Java (tests/java/pom.xml: aliyun-sdk-oss, aliyun-sdk-mns, JUnit 5) into
#     the local Maven repository, so the test run itself needs no download;
#   - Node (tests/node/package.json: ali-oss, @alicloud/mns) with `npm ci`.
# Idempotent: a second run only checks. Needs python3, mvn and npm
# (scripts/install-deps.sh installs them on Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

apt_install() {
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@"
}

# Python: Debian's python3 needs python3-venv for `-m venv`.
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; python3 -m venv .venv; }
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/python/requirements.txt

# Java: JDK 17 and Maven, then every plugin and dependency of tests/java.
command -v javac >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || apt_install maven
(cd tests/java && mvn -q -B -Dstyle.color=never dependency:go-offline >/dev/null)

# Node: ali-oss and @alicloud/mns.
(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
