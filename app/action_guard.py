"""Every studio action fails as a one-line message box, never as a crash or an exit.

A ``SpaceStudioError`` is the user's to fix and its message says how. Anything else
is our bug: its traceback goes to a crash log (core.crash_log) and the box names the
log, so the user keeps working and can attach the file to a bug report. The same
reporting catches exceptions that escape a Qt slot (``install_excepthook``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from core.crash_log import crash_message, write_crash_log
from core.errors import SpaceStudioError
from core.input_limits import one_line


def error_text(exc: BaseException, action: str) -> str:
    """The one line a user sees for ``exc`` (writing a crash log first when it is a bug)."""
    if isinstance(exc, SpaceStudioError):
        return one_line(str(exc))
    return crash_message(exc, write_crash_log(exc, context=f"studio action: {action}"))


def report_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """Show ``exc`` in a warning box titled ``title``."""
    QMessageBox.warning(parent, title, error_text(exc, title))


def guarded(parent: QWidget | None, title: str, action: Callable[[], object]) -> bool:
    """Run ``action``; True when it finished, False when it raised (and was reported)."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - any failure becomes a message, never a crash
        report_error(parent, title, exc)
        return False
    return True


def install_excepthook(parent: Callable[[], QWidget | None]) -> None:
    """Report exceptions that escape Qt slots and event handlers instead of printing a
    traceback (or, in some Qt versions, aborting). ``parent()`` gives the box its window."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: the default
            sys.__excepthook__(kind, exc, tb)
            return
        try:
            report_error(parent(), "Unexpected error", exc)
        except Exception:  # noqa: BLE001 - reporting itself failed: fall back to stderr
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook
