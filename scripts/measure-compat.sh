#!/usr/bin/env bash
# Measures which video/concat output combinations this machine's FFmpeg 5.1
# (the libraries ossemu links) can write, with the ffmpeg CLI driving the
# same encoders, options and muxers the engine uses. Writes the tables the
# parser's compatibility test compares its decisions with:
#   parser/testdata/compat/video.tsv   container vcodec fps      -> ok | reason
#                                      (12 frames written, decoded, spanning 11/fps s)
#   parser/testdata/compat/pixfmt.tsv  container vcodec pixfmt   -> ok | reason
#   parser/testdata/compat/size.tsv    container vcodec WxH      -> ok | reason
#   parser/testdata/compat/audio.tsv   container acodec ar ac    -> ok | reason
#   parser/testdata/compat/depth.tsv   container acodec adepth   -> ok | reason
#   parser/testdata/compat/streams.tsv container vcodec acodec   -> ok | reason
# A combination is "ok" when the file is written, decodes without error and
# has the requested codec, size, pixel format, frame rate (within 1%),
# sample rate and channel count. AMR is measured by engine/amr's tests (the
# CLI has no AMR encoder). Takes one to two hours on two busy cores:
#   bash scripts/measure-compat.sh [jobs [table…]]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
shift || true
tables=${*:-streams video pixfmt size audio depth} # or a subset, to re-measure some
want() { [[ " $tables " == *" $1 "* ]]; }
out=parser/testdata/compat
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export work

# The engine's choices, as engine/ffmpeg (concat plan/encode/mux) makes them.
video_containers="mp4 mkv mov asf avi mxf ts flv webm"
audio_only="mp3 aac flac oga ac3 opus"
vcodecs="h264 h265 vp9"
acodecs="mp3 vorbis aac flac ac3 opus pcm"
fpss="0.5 1 5 7.5 10 12 12.5 15 20 23.976 24 25 29.97 30 33.333 47.952 48 50 59.94 60 72 75 90 96 100 119.88 120 144 200 240"
pixfmts="yuv420p yuv422p yuv444p yuv420p10le yuv422p10le yuv444p10le yuva420p"
sizes="2x2 16x16 64x64 162x122 1920x1080 4096x2160 4096x4096"
rates="8000 11025 12000 16000 22050 24000 32000 44100 48000 64000 88200 96000"

cat >"$work/lib.sh" <<'EOF'
muxer() { case $1 in mkv) echo matroska;; ts) echo mpegts;; oga) echo ogg;; aac) echo adts;; *) echo "$1";; esac; }
vargs() { # vcodec container: the engine's encoder options, on one line
  local a
  case $1 in
    h264) a="-c:v libx264 -preset ultrafast";;
    h265) a="-c:v libx265 -preset ultrafast -x265-params log-level=error"
          case $2 in mp4|mov) a+=" -tag:v hvc1";; avi) a+=" -tag:v HEVC";; esac;;
    vp9) a="-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1";;
  esac
  [ "$2" = avi ] && [ "$1" != vp9 ] && a+=" -bf 0"
  echo "$a"
}
aargs() { # acodec adepth
  case $1 in
    mp3) echo "-c:a libmp3lame";; vorbis) echo "-c:a libvorbis";; aac) echo "-c:a aac";;
    flac) [ "${2:-16}" = 24 ] && echo "-c:a flac -sample_fmt s32" || echo "-c:a flac -sample_fmt s16";;
    ac3) echo "-c:a ac3";; opus) echo "-c:a libopus";;
    pcm) [ "${2:-16}" = 24 ] && echo "-c:a pcm_s24le" || echo "-c:a pcm_s16le";;
  esac
}
# layout is the engine's layout for n channels; libopus takes only the
# Vorbis channel orders, whose 4-channel layout is quad, not 4.0.
layout() { # channels acodec
  case $1 in 1) echo mono;; 2) echo stereo;; 3) echo 3.0;; 5) echo 5.0;; 6) echo 5.1;; 7) echo 6.1;; 8) echo 7.1;;
    4) [ "$2" = opus ] && echo quad || echo 4.0;; esac
}
# rate "23.976" -> the exact rational the engine uses (NTSC rates n*1000/1001).
rational() {
  awk -v f="$1" 'BEGIN { split("24 30 48 60 72 90 96 120", n, " ");
    for (i in n) { r = n[i]*1000/1001; if (f-r < 0.005 && r-f < 0.005) { printf "%d/1001\n", n[i]*1000; exit } }
    if (f == int(f)) printf "%d\n", f; else printf "%d/1000\n", f*1000 + 0.5 }'
}
# run writes file with the given ffmpeg arguments, then decodes every frame
# of stream sel (ffprobe -count_frames) and sets props to the entries asked
# (key=value lines); prints "ok" or the first error line.
props=""
run() { # file sel entries args...
  local f=$1 sel=$2 entries=$3 err; shift 3
  # ossemu's muxer runs at experimental strictness (Vorbis, FLAC and Opus
  # in MP4), except MXF, whose non-broadcast frame rates are "unofficial".
  local strict=(-strict experimental)
  case $f in *.mxf) strict=(-strict:v experimental -strict:a experimental);; esac
  if ! err=$(ffmpeg -nostdin -v error -y "$@" "${strict[@]}" "$f" 2>&1 >/dev/null); then
    echo "${err%%$'\n'*}" | tr '\t' ' ' | cut -c1-160; return 1
  fi
  if ! props=$(ffprobe -v error -count_frames -select_streams "$sel" -show_entries "$entries" -of default=nw=1 "$f" 2>"$f.err") || [ -s "$f.err" ]; then
    err=$(cat "$f.err"); rm -f "$f.err"
    echo "decode: ${err%%$'\n'*}" | tr '\t' ' ' | cut -c1-160; return 1
  fi
  rm -f "$f.err"
}
prop() { printf '%s\n' "$props" | sed -n "s/^\(TAG:\)\{0,1\}$1=//p" | head -1; }
vsrc() { echo "-f lavfi -i testsrc2=s=$1:r=$2:d=$3"; }
asrc() { echo "-f lavfi -i sine=f=440:r=48000:d=$1"; }
video_row() { # container vcodec fps pixfmt size kind
  local c=$1 v=$2 fps=$3 pf=$4 s=$5 kind=$6 f r d msg
  f=$work/v.$$.$RANDOM.$c; r=$(rational "$fps")
  # 12 frames; 25 for small sizes (a 3-frame MPEG-TS of 16x16 is too short
  # for ffprobe to find its stream) and 3 for the big ones (encode time).
  d=$(awk -v f="$fps" -v k="$kind" -v s="$s" 'BEGIN { split(s, wh, "x"); n = 12
    if (k == "size") n = (wh[1]*wh[2] >= 2000000) ? 3 : 25; printf "%.6f", (n - 0.5)/f }')
  local a=(); [ "$c" = mxf ] && a=(-f lavfi -i "sine=r=48000:d=$d" -c:a pcm_s16le)
  # shellcheck disable=SC2046
  if run "$f" v:0 stream=codec_name,pix_fmt,width,height,nb_read_frames:stream_tags=alpha_mode:frame=best_effort_timestamp_time \
    $(vsrc "$s" "$r" "$d") "${a[@]}" $(vargs "$v" "$c") -pix_fmt "$pf" -f "$(muxer "$c")" >"$f.msg"; then
    local codec want pfo w h n last
    codec=$(prop codec_name); want=$v; [ "$v" = h265 ] && want=hevc
    pfo=$(prop pix_fmt); w=$(prop width); h=$(prop height); n=$(prop nb_read_frames)
    last=$(printf '%s\n' "$props" | sed -n 's/^best_effort_timestamp_time=//p' | tail -1)
    # FFmpeg's vp9 decoder does not read alpha; the container flags it.
    if [ "$pf" = yuva420p ] && [ "$pfo" = yuv420p ] && [ "$(prop alpha_mode)" = 1 ]; then
      pfo=yuva420p
    fi
    msg=ok
    if [ "$codec" != "$want" ]; then msg="wrote $codec"
    elif [ "$pfo" != "$pf" ]; then msg="wrote pixel format $pfo"
    elif [ "${w}x${h}" != "$s" ]; then msg="wrote ${w}x${h}"
    elif [ "$kind" = fps ] && [ "$n" != 12 ]; then msg="wrote $n frames of 12"
    elif [ "$kind" = fps ] && ! awk -v t="$last" -v f="$fps" -v first="$(printf '%s\n' "$props" | sed -n 's/^best_effort_timestamp_time=//p' | head -1)" \
      'BEGIN { want = 11/f; got = t - first; exit !(got > want - 0.002 - want/100 && got < want + 0.002 + want/100) }'; then
      msg="frames span ${last}s, not 11/$fps s"
    fi
  else msg=$(cat "$f.msg")
  fi
  rm -f "$f" "$f.msg"
  case $kind in fps) printf '%s\t%s\t%s\t%s\n' "$c" "$v" "$fps" "$msg";;
    pixfmt) printf '%s\t%s\t%s\t%s\n' "$c" "$v" "$pf" "$msg";;
    size) printf '%s\t%s\t%s\t%s\n' "$c" "$v" "$s" "$msg";; esac
}
audio_row() { # container acodec ar ac depth kind
  local c=$1 a=$2 ar=$3 ac=$4 depth=$5 kind=$6 f msg
  f=$work/a.$$.$RANDOM.$c
  local vi=() vc=()
  case $c in mp3|aac|flac|oga|ac3|opus) ;;
    webm) vi=(-f lavfi -i testsrc2=s=64x64:r=25:d=0.5); read -r -a vc <<<"$(vargs vp9 "$c")";;
    *) vi=(-f lavfi -i testsrc2=s=64x64:r=25:d=0.5); read -r -a vc <<<"$(vargs h264 "$c")";; esac
  # shellcheck disable=SC2046
  if run "$f" a:0 stream=codec_name,sample_rate,channels "${vi[@]}" $(asrc 0.5) "${vc[@]}" \
    -af "aformat=sample_rates=$ar:channel_layouts=$(layout "$ac" "$a")" $(aargs "$a" "$depth") \
    -ar "$ar" -channel_layout "$(layout "$ac" "$a")" -f "$(muxer "$c")" >"$f.msg"; then
    local codec want rate chans
    codec=$(prop codec_name); rate=$(prop sample_rate); chans=$(prop channels)
    case $a in pcm) want=pcm_s${depth:-16}le;; *) want=$a;; esac
    if [ "$codec" != "$want" ]; then msg="wrote ${codec:-no audio}"
    # -ar and -channel_layout make the encoder refuse what it cannot code
    # (as the engine's does) instead of the CLI converting. Opus always
    # decodes at 48 kHz; its header keeps the input rate.
    elif [ "$rate" != "$ar" ] && ! { [ "$a" = opus ] && [ "$rate" = 48000 ]; }; then msg="wrote $rate Hz"
    elif [ "$chans" != "$ac" ]; then msg="wrote $chans channels"
    else msg=ok; fi
  else msg=$(cat "$f.msg")
  fi
  rm -f "$f" "$f.msg"
  case $kind in audio) printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$a" "$ar" "$ac" "$msg";;
    depth) printf '%s\t%s\t%s\t%s\n' "$c" "$a" "$depth" "$msg";; esac
}
streams_row() { # container vcodec acodec ("-" = none)
  local c=$1 v=$2 a=$3 f msg args=()
  f=$work/s.$$.$RANDOM.$c
  if [ "$v" != - ]; then args+=(-f lavfi -i testsrc2=s=64x64:r=25:d=0.5); fi
  if [ "$a" != - ]; then args+=(-f lavfi -i sine=r=48000:d=0.5); fi
  local va=() aa=()
  if [ "$v" != - ]; then read -r -a va <<<"$(vargs "$v" "$c")"; args+=("${va[@]}"); fi
  if [ "$a" != - ]; then read -r -a aa <<<"$(aargs "$a")"; args+=("${aa[@]}"); fi
  if run "$f" "" stream=codec_type,codec_name "${args[@]}" -f "$(muxer "$c")" >"$f.msg"; then
    local got want=""
    got=$(printf '%s\n' "$props" | sed -n 's/^codec_name=//p' | sort -u | tr '\n' ' ')
    [ "$v" != - ] && want+="$( [ "$v" = h265 ] && echo hevc || echo "$v")"$'\n'
    case $a in -) ;; pcm) want+=pcm_s16le$'\n';; *) want+=$a$'\n';; esac
    want=$(printf '%s' "$want" | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then msg=ok; else msg="wrote streams ${got:-none}"; fi
  else msg=$(cat "$f.msg")
  fi
  rm -f "$f" "$f.msg"
  printf '%s\t%s\t%s\t%s\n' "$c" "$v" "$a" "$msg"
}
EOF
measure() { # kind < rows
  xargs -P "$jobs" -L 1 bash -c '. "$work/lib.sh"; '"$1"'_row "$@"' _ | sort
}

header() { echo "# measured by scripts/measure-compat.sh with $(ffmpeg -version | head -1 | cut -d' ' -f1-3); $1"; }

want streams && {
  header "container vcodec acodec (- = none) -> ok or the error (64x64, 48 kHz stereo; ok = decodes to exactly these codecs)"
  for c in $video_containers $audio_only; do
    for v in - $vcodecs; do
      case $c in mp3|aac|flac|oga|ac3|opus) [ "$v" != - ] && continue;; esac
      for a in - $acodecs; do [ "$v" = - ] && [ "$a" = - ] && continue; echo "$c $v $a"; done
    done
  done | measure streams
} >"$out/streams.tsv.new" && mv "$out/streams.tsv.new" "$out/streams.tsv"

want video && {
  header "container vcodec fps -> ok or the error (12 frames, 160x120, yuv420p)"
  for c in $video_containers; do for v in $vcodecs; do for r in $fpss; do echo "$c $v $r yuv420p 160x120 fps"; done; done; done | measure video
} >"$out/video.tsv.new" && mv "$out/video.tsv.new" "$out/video.tsv"

want pixfmt && {
  header "container vcodec pixfmt -> ok or the error (12 frames, 160x120, 25 fps)"
  for c in $video_containers; do for v in $vcodecs; do for p in $pixfmts; do echo "$c $v 25 $p 160x120 pixfmt"; done; done; done | measure video
} >"$out/pixfmt.tsv.new" && mv "$out/pixfmt.tsv.new" "$out/pixfmt.tsv"

want size && {
  header "container vcodec size -> ok or the error (25 fps, yuv420p; 25 frames, 3 from 1920x1080 up)"
  for c in $video_containers; do for v in $vcodecs; do for s in $sizes; do echo "$c $v 25 yuv420p $s size"; done; done; done | measure video
} >"$out/size.tsv.new" && mv "$out/size.tsv.new" "$out/size.tsv"

want audio && {
  header "container acodec ar ac -> ok or the error (0.5 s; every rate with 1, 2 and 6 channels, every channel count at 48 kHz; video containers also carry 64x64 h264, webm vp9)"
  # Only pairs the container took at 48 kHz stereo in streams.tsv (with or
  # without video): the others fail on the codec, whatever the rate.
  for c in $video_containers $audio_only; do for a in $acodecs; do
    awk -F'\t' -v c="$c" -v a="$a" '$1 == c && $3 == a && $4 == "ok" { found = 1 } END { exit !found }' "$out/streams.tsv" || continue
    for r in $rates; do for n in 1 2 6; do echo "$c $a $r $n 16 audio"; done; done
    for n in 3 4 5 7 8; do echo "$c $a 48000 $n 16 audio"; done
  done; done | measure audio
} >"$out/audio.tsv.new" && mv "$out/audio.tsv.new" "$out/audio.tsv"

want depth && {
  header "container acodec adepth -> ok or the error (48 kHz stereo)"
  for c in $video_containers $audio_only; do for a in flac pcm; do for d in 16 24; do echo "$c $a 48000 2 $d depth"; done; done; done | measure audio
} >"$out/depth.tsv.new" && mv "$out/depth.tsv.new" "$out/depth.tsv"
echo "wrote $out"
