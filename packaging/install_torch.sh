#!/usr/bin/env bash
# Install the CPU build of torch into the Python environment of $1 (default .venv/bin/python),
# before the project, so nothing later resolves torch to PyPI's multi-GB CUDA build (PyPI's
# Linux wheels of torch carry CUDA; its Windows and macOS wheels are CPU builds already).
#   - a torch >= 2.2 already there is kept (pyproject's range accepts it);
#   - else a local wheel of torch (pip's find-links) is used when there is one, its small
#     dependencies coming from the usual index;
#   - else the CPU index of download.pytorch.org, or SPACE_STUDIO_TORCH_INDEX (a mirror).
# Usage: bash packaging/install_torch.sh [PYTHON]
set -euo pipefail
python="${1:-.venv/bin/python}"
torch_version=2.13.0
torch_index="${SPACE_STUDIO_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
pip=("$python" -m pip install -q --disable-pip-version-check)

if "$python" -c 'import sys, torch; sys.exit(tuple(map(int, torch.__version__.split("+")[0].split(".")[:2])) < (2, 2))' \
    2>/dev/null; then
  exit 0
fi
if "${pip[@]}" --no-index --no-deps "torch==$torch_version" 2>/dev/null; then
  "${pip[@]}" "torch==$torch_version"
else
  "${pip[@]}" --index-url "$torch_index" "torch==$torch_version"
fi
