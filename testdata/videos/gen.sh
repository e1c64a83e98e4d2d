#!/bin/sh
# Regenerates the small test clips in this directory with the ffmpeg CLI
# (FFmpeg 5.1 as Debian 12 ships it). Every clip is synthetic (test
# patterns and tones) so the set stays a few hundred KB and license-free.
# Run from anywhere: sh testdata/videos/gen.sh
set -eu
cd "$(dirname "$0")"
FF="ffmpeg -hide_banner -loglevel error -y"

# pre.mov: QuickTime, H.264 4:3 at 30 fps with PCM (s16le) stereo audio, 3 s.
$FF -f lavfi -i "testsrc2=s=320x240:r=30:d=3" -f lavfi -i "sine=f=440:r=48000:d=3" \
	-ac 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 30 -c:a pcm_s16le pre.mov

# example.mkv: Matroska, VP9 16:9 at 24 fps with Opus stereo, 12 s
# (the seed example plays it from 10 s to its end).
$FF -f lavfi -i "testsrc=s=384x216:r=24:d=12" -f lavfi -i "sine=f=660:r=48000:d=12" \
	-ac 2 -pix_fmt yuv420p -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -g 48 \
	-c:a libopus -b:a 48k example.mkv

# sur1.aac: ADTS AAC, audio only, mono 44.1 kHz, 12 s.
$FF -f lavfi -i "sine=f=330:r=44100:d=12" -c:a aac -b:a 64k sur1.aac

# video_only.mp4: H.264 without an audio stream, 2 s at 25 fps.
$FF -f lavfi -i "smptebars=s=320x180:r=25:d=2" -c:v libx264 -preset ultrafast \
	-pix_fmt yuv420p -an video_only.mp4

# portrait.mp4: a phone-style clip stored landscape (320x180) with a 90°
# rotation in its display matrix. Upright it is 180x320 with a white top
# half and a black bottom half, so tests can check the orientation.
$FF -f lavfi -i "color=black:s=180x320:r=25:d=2,drawbox=x=0:y=0:w=180:h=160:color=white:t=fill,transpose=cclock" \
	-f lavfi -i "sine=f=550:r=48000:d=2" -ac 2 \
	-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k \
	portrait.mp4
# FFmpeg 5.1's CLI cannot set a display matrix, so write the 90° matrix
# into the video track's tkhd box (the first one) by hand: 36 bytes at 44
# bytes past the "tkhd" type: a=0 b=1 u=0 c=-1 d=0 v=0 tx=height ty=0 w=1.
off=$(grep -obUaP "tkhd" portrait.mp4 | head -n 1 | cut -d: -f1)
printf '\000\000\000\000\000\001\000\000\000\000\000\000\377\377\000\000\000\000\000\000\000\000\000\000\000\264\000\000\000\000\000\000\100\000\000\000' |
	dd of=portrait.mp4 bs=1 seek=$((off + 44)) conv=notrunc status=none

# vfr.mp4: variable frame rate, 50 frames at 50 fps then 30 frames at 15 fps (3 s).
$FF -f lavfi -i "testsrc2=s=320x180:r=50:d=1.6,setpts='if(lt(N,50),N/50,1+(N-50)/15)/TB'" \
	-f lavfi -i "sine=f=440:r=44100:d=3" -ac 2 -fps_mode vfr \
	-c:v libx264 -preset ultrafast -pix_fmt yuv420p -video_track_timescale 1000 \
	-c:a aac -b:a 64k vfr.mp4

# odd.mp4: odd dimensions (321x241, 4:4:4 so H.264 accepts them), 2 s.
$FF -f lavfi -i "testsrc=s=321x241:r=25:d=2" -f lavfi -i "sine=f=440:r=22050:d=2" \
	-c:v libx264 -preset ultrafast -pix_fmt yuv444p -c:a aac -b:a 48k odd.mp4

# hevc10.mp4: 10-bit HEVC (yuv420p10le) with 5.1 AAC, 2 s.
$FF -f lavfi -i "testsrc2=s=320x180:r=25:d=2,format=yuv420p10le" \
	-f lavfi -i "sine=f=440:r=48000:d=2" -af "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0" \
	-c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p10le \
	-tag:v hvc1 -c:a aac -b:a 96k hevc10.mp4

# truncated.mp4: the first half of an ordinary MP4 (index at the end), so
# the moov box is missing: unreadable.
$FF -f lavfi -i "testsrc2=s=320x180:r=25:d=2" -f lavfi -i "sine=f=440:r=48000:d=2" \
	-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac whole.tmp.mp4
size=$(wc -c < whole.tmp.mp4)
head -c $((size / 2)) whole.tmp.mp4 > truncated.mp4
rm -f whole.tmp.mp4
