#!/usr/bin/env bash
# Install SPACE Studio on a fresh Debian machine with Python 3.11: system libraries
# (Mesa EGL for headless rendering, Xvfb + xcb for Qt GL, espeak-ng/sox for test speech)
# and a virtual environment in .venv with the project installed editable.
# Usage: bash packaging/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=(libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri libgles2 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libfontconfig1 libxcb-cursor0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
  libxcb-shape0 libxcb-randr0 libxcb-xkb1 libsndfile1 libportaudio2)
[ "$want_test" = 1 ] && apt_packages+=(xvfb xauth espeak-ng sox)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# The CPU build of torch first, so nothing later resolves torch to a CUDA build.
bash packaging/install_torch.sh .venv/bin/python
"${pip[@]}" -e ".[test]"
# mediapipe's own pins (numpy<2, jax, opencv-contrib) conflict with ours and are not
# needed for the face mesh; its runtime needs are in pyproject.toml.
"${pip[@]}" --no-deps "mediapipe==0.10.21"
if [ "$want_test" = 1 ]; then
  # The optional face-alignment backend, tested on stand-in weights (never downloaded);
  # --no-deps keeps its opencv-python pin away from our headless OpenCV.
  "${pip[@]}" --no-deps "face-alignment==1.5.0"
fi
