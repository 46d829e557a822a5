#!/usr/bin/env bash
# The wheel works on its own: build it, install it (not editable, no source tree on the path)
# into a clean virtual environment with its declared dependencies, then render the bundled
# sample from another folder and check that the weights came from the installed package.
# Takes minutes (torch and the other dependencies are installed into the new environment),
# so it is not part of packaging/test.sh.
# Usage: bash packaging/check_wheel.sh [WORK_DIR]   (default: a new folder under /tmp)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/space-wheel.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
build_python="$repo/.venv/bin/python"
[ -x "$build_python" ] || build_python=python3

rm -rf "$work/wheelhouse"
"$build_python" -m pip wheel "$repo" --no-deps -q --disable-pip-version-check -w "$work/wheelhouse"
wheel="$(ls "$work"/wheelhouse/space_studio-*.whl)"
echo "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"

[ -x "$work/venv/bin/python" ] || python3.11 -m venv "$work/venv" 2>/dev/null || python3 -m venv "$work/venv"
python="$work/venv/bin/python"
pip=("$python" -m pip install -q --disable-pip-version-check)
bash "$repo/packaging/install_torch.sh" "$python"
"${pip[@]}" --force-reinstall --no-deps "$wheel"
"${pip[@]}" "$wheel"  # its declared dependencies (torch is already there)
# The face mesh: mediapipe's own pins clash with ours (see packaging/INSTALL.md).
"${pip[@]}" --no-deps "mediapipe==0.10.21"

mkdir -p "$work/elsewhere"
cd "$work/elsewhere"
out="$work/elsewhere/sample.mp4"
rm -f "$out"
"$work/venv/bin/space-studio" render --image "$repo/resources/sample/portrait.png" \
    --audio "$repo/resources/sample/speech.wav" --out "$out"
"$python" - "$out" "$repo" <<'PY'
import sys
from pathlib import Path

import core
import imageio_ffmpeg
from core.weights_location import shipped_weights

out, repo = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
weights = shipped_weights().resolve()
for module_dir in (Path(core.__file__).resolve().parent, weights):
    assert repo not in module_dir.parents, f"{module_dir} is the source tree, not the installed wheel"
for needed in ("s2l/s2l_small.pt", "s2l/s2l_small.pt.sha256", "s2l/MODEL_CARD.md", "phones/phone_net.pt",
               "apc/apc.pt", "posegen/posegen_small.pt", "emotion/emotion_displacements.json"):
    assert (weights / needed).is_file(), f"the wheel lacks weights/{needed}"
frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
assert frames > 0 and out.stat().st_size > 10_000, (frames, out.stat().st_size)
print(f"OK: {out} ({frames} frames, {seconds:.2f} s) rendered by the wheel; weights from {weights}")
PY
