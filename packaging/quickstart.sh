#!/usr/bin/env bash
# Install, then render the bundled sample portrait + speech to out/sample.mp4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install.sh
mkdir -p out
.venv/bin/space-studio render --image resources/sample/portrait.png \
    --audio resources/sample/speech.wav --out out/sample.mp4
echo "Rendered out/sample.mp4. Open the studio with: .venv/bin/space-studio"
