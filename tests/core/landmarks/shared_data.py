"""Where the shared (read-only) data set lives for tests, or None when absent."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_dir() -> Path | None:
    """$SPACE_STUDIO_SHARED/data, else ../shared/data next to the repository; None when absent."""
    root = Path(os.environ.get("SPACE_STUDIO_SHARED", REPO_ROOT.parent / "shared"))
    data = root / "data"
    return data if data.is_dir() else None
