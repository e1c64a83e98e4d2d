#!/usr/bin/env bash
# Installs the system packages ossemu needs on Debian 12: the libav (FFmpeg 5.1)
# development libraries that go-astiav links against, pkg-config and gcc for
# cgo, the ffmpeg/ffprobe CLIs (used only by tests, benchmarks and the
# testdata script), the AMR-NB and AMR-WB encoder libraries (opencore-amrnb,
# vo-amrwbenc: Debian's FFmpeg decodes AMR but cannot encode it, so ossemu
# calls them through cgo), libjpeg-turbo (sprite sheets' JPEG encoder, through
# cgo), Node.js/npm for the ali-oss SDK test, the
# PostgreSQL server for the cluster tests (scripts/start-postgres.sh runs a
# private instance; the package's own service is not needed), and a Go toolchain
# when none is installed (Debian 12's own Go is too old, so Go 1.23 comes from
# bookworm-backports and fetches the go.mod toolchain through the module proxy).
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
pkgs=(pkg-config gcc ffmpeg libavcodec-dev libavformat-dev libavfilter-dev
      libavutil-dev libswscale-dev libswresample-dev libavdevice-dev
      libopencore-amrnb-dev libvo-amrwbenc-dev libjpeg62-turbo-dev
      ca-certificates postgresql)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# shellcheck source=scripts/env.sh
. "$(dirname "$0")/env.sh"
if ! command -v go >/dev/null 2>&1; then
  # bookworm-backports from the mirror this machine already uses for
  # bookworm (a deb822 URIs: field or a one-line deb entry), not the
  # security archive, which carries no backports.
  mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) |
    grep -E '^[[:space:]]*(URIs:|deb[[:space:]])' | grep -v -- '-security' | grep -oE '[a-z]+://[^[:space:]]+' | sed -n 1p || true)
  if [ -z "$mirror" ]; then
    echo "install-deps: no Debian mirror in /etc/apt/sources.list*; install Go 1.23 or newer yourself" >&2
    exit 1
  fi
  echo "deb $mirror bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/ossemu-backports.list >/dev/null
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends golang-1.23-go
fi
