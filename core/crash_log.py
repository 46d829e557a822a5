"""Unexpected errors: the traceback goes to a log file, the user gets one line naming it.

The CLI's ``main`` and the studio's action guard both call ``write_crash_log`` for any
exception that is not a SpaceStudioError, then show ``crash_message(exc, log)``.
Logs live in the platform's per-user log/cache folder (``SPACE_STUDIO_LOG_DIR``
overrides it), one file per crash; the newest ``KEEP_LOGS`` are kept.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from core.input_limits import one_line
from core.user_dirs import user_cache_dir

KEEP_LOGS = 50
LOG_PREFIX = "crash-"


def log_folder() -> Path:
    """Where crash logs go: $SPACE_STUDIO_LOG_DIR, else macOS's per-user Logs folder, else
    ``logs`` in the user's cache folder (core.user_dirs)."""
    override = os.environ.get("SPACE_STUDIO_LOG_DIR")
    if override:
        return Path(override)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "space-studio"
    return user_cache_dir() / "logs"


def write_crash_log(exc: BaseException, context: str = "") -> Path | None:
    """Write ``exc``'s traceback (and ``context``, e.g. the command line) to a new log file.

    Returns the file's path, or None when no log could be written anywhere (a full or
    read-only disk must not turn one error into two)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = f"{time.strftime('%Y-%m-%d %H:%M:%S %z')}\n{context}\n\n" + "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    for folder in (log_folder(), Path(tempfile.gettempdir()) / "space-studio-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{LOG_PREFIX}{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        _prune(folder)
        return path
    return None


def crash_message(exc: BaseException, log: Path | None) -> str:
    """One line for the user: what broke, and where the details are."""
    if isinstance(exc, MemoryError):
        what = "ran out of memory"
    elif isinstance(exc, RecursionError):
        what = "the input is nested too deeply"
    else:
        what = f"unexpected {type(exc).__name__}: {one_line(str(exc), 120)}"
    where = f"; details for a bug report in {log}" if log is not None else ""
    return one_line(f"{what}{where}")


def _prune(folder: Path) -> None:
    """Keep the newest KEEP_LOGS crash logs."""
    try:
        logs = sorted(folder.glob(f"{LOG_PREFIX}*.log"), key=lambda p: p.stat().st_mtime)
        for old in logs[:-KEEP_LOGS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # pruning is housekeeping; the crash itself was logged
