#!/usr/bin/env bash
# Installs the system packages ossemu needs on Debian 12: the libav (FFmpeg 5.1)
# development libraries that go-astiav links against, pkg-config for cgo, and
# the ffmpeg/ffprobe CLIs used only by tests, benchmarks and testdata scripts.
set -euo pipefail
pkgs=(pkg-config gcc ffmpeg libavcodec-dev libavformat-dev libavfilter-dev
      libavutil-dev libswscale-dev libswresample-dev libavdevice-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
