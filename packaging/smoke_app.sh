#!/usr/bin/env bash
# Smoke-test the one-folder application built by packaging/build_app.sh, as a user would,
# from a folder outside the source tree and with nothing of the project's environment:
#   1. the studio (SPACE-Studio) under Xvfb opens the bundled sample, exports an mp4 through
#      File > Export's worker and progress dialog, saves a screenshot meanwhile, and quits;
#   2. the command line (space-studio-cli render) renders the sample without a display (EGL);
#   3. a batch of two lines with two worker processes (spawned: the frozen program re-runs
#      itself, which needs multiprocessing.freeze_support in packaging/app_main.py);
#   4. the mp4s are checked (h264 + aac, frames and duration match the speech) with the
#      bundle's own ffmpeg.
# Usage: bash packaging/smoke_app.sh [APP_DIR] [WORK_DIR]
#        (default dist/SPACE-Studio and a new folder under /tmp; needs xvfb-run)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
app="$(cd "${1:-$repo/dist/SPACE-Studio}" && pwd)"
work="${2:-$(mktemp -d /tmp/space-app-smoke.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
sample="$app/resources/sample"
ffmpeg="$(ls "$app"/_internal/imageio_ffmpeg/binaries/ffmpeg-* | head -n 1)"

# A fresh user: no settings, recovery copies, face cache or logs from earlier runs; and
# nothing of a development environment on the paths.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data" \
       XDG_CACHE_HOME="$work/home/cache" SPACE_STUDIO_LOG_DIR="$work/logs"
unset PYTHONPATH VIRTUAL_ENV
mkdir -p "$HOME"
# The machine is shared: one thread for torch's and OpenMP's pools.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
cd "$work"
rm -rf studio.mp4 studio.png cli.mp4 batch

start=$(date +%s)
xvfb-run -a -s "-screen 0 1600x1000x24" timeout 900 "$app/SPACE-Studio" open \
    "$sample/portrait.png" "$sample/speech.wav" --export studio.mp4 --screenshot studio.png --quit-when-done
echo "studio: started, opened the sample, exported and quit in $(( $(date +%s) - start )) s"

start=$(date +%s)
env -u DISPLAY timeout 900 "$app/space-studio-cli" render --image "$sample/portrait.png" \
    --audio "$sample/speech.wav" --out cli.mp4
echo "cli: rendered the sample in $(( $(date +%s) - start )) s"

mkdir -p batch
printf 'image,audio,outputs,name\n%s,%s,"mp4,cues.json",first\n%s,%s,mp4,second\n' \
    "$sample/portrait.png" "$sample/speech.wav" "$sample/portrait.png" "$sample/speech.wav" > batch/lines.csv
start=$(date +%s)
env -u DISPLAY timeout 900 "$app/space-studio-cli" batch batch/lines.csv --out batch/out --workers 2
echo "cli: a batch of 2 lines with 2 worker processes in $(( $(date +%s) - start )) s"

python3 "$repo/packaging/check_mp4.py" "$ffmpeg" studio.mp4 "$sample/speech.wav"
python3 "$repo/packaging/check_mp4.py" "$ffmpeg" cli.mp4 "$sample/speech.wav"
for line in first second; do
  python3 "$repo/packaging/check_mp4.py" "$ffmpeg" "batch/out/$line.mp4" "$sample/speech.wav"
done
[ -s batch/out/first.cues.json ] || { echo "FAIL: the batch wrote no mouth cues"; exit 1; }
[ "$(stat -c %s studio.png)" -gt 20000 ] || { echo "FAIL: the screenshot studio.png is missing or blank"; exit 1; }
echo "OK: the frozen studio and CLI work; outputs and screenshot in $work"
