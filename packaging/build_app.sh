#!/usr/bin/env bash
# Build the one-folder application dist/SPACE-Studio/ with PyInstaller 6
# (packaging/space_studio.spec): the studio (SPACE-Studio), the command line
# (space-studio-cli), the shipped weights, Qt's plugins, the face mesh models, pocketsphinx's
# English model, ffmpeg and the sample. Takes many minutes and ~1.5 GB (torch): not part of
# packaging/test.sh or CI. Then: bash packaging/smoke_app.sh
# Usage: bash packaging/build_app.sh [PYTHON]   (default .venv/bin/python; the environment
#        the project is installed in, e.g. by packaging/install.sh)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-$repo/.venv/bin/python}"
cd "$repo"

# PyInstaller is a build tool, not a run-time need: pyproject's [packaging] extra pins it,
# installed here into the same environment because PyInstaller bundles what that
# environment has (a separate venv would need every dependency installed twice).
if ! "$python" -c 'import PyInstaller, sys; sys.exit(int(PyInstaller.__version__.split(".")[0]) != 6)' 2>/dev/null; then
  "$python" -m pip install -q --disable-pip-version-check "pyinstaller>=6.10,<7"
fi
"$python" -c 'import mediapipe' 2>/dev/null || {
  echo "mediapipe is missing (the face detector): bash packaging/install.sh, or"
  echo "  $python -m pip install --no-deps mediapipe==0.10.21"; exit 1; }

start=$(date +%s)
# nice: the build is long and CPU-bound; the machine stays usable meanwhile.
nice -n 10 "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$repo/dist" --workpath "$repo/build/pyinstaller" "$repo/packaging/space_studio.spec"
seconds=$(( $(date +%s) - start ))
app="$repo/dist/SPACE-Studio"
echo "built $app in ${seconds} s: $(du -sh "$app" | cut -f1) on disk," \
     "$(find "$app" -type f | wc -l) files"
