"""Per-user folders SPACE Studio writes to outside a project: caches and crash logs.

One home for "where does this user's cache live", so every cache (detected faces, crash
logs) moves together when a user or a test points ``SPACE_STUDIO_CACHE_DIR`` elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    """$SPACE_STUDIO_CACHE_DIR, else the platform's per-user cache folder for space-studio."""
    override = os.environ.get("SPACE_STUDIO_CACHE_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "space-studio" / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "space-studio"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "space-studio"
