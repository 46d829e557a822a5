#!/usr/bin/env bash
# Install with test extras and system test tools, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install.sh --test
.venv/bin/ruff check core app tests benchmarks packaging
# Layering contracts ([tool.importlinter] in pyproject.toml): core never imports Qt or app/,
# the product never imports training or evaluation code.
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
