"""Run one blocking call off the UI thread behind a busy dialog with Cancel.

``run_with_progress`` hands the call a core ``Progress``: its reports move the dialog's
bar and label (long lines take minutes), and Cancel stops the work at its next report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.action_guard import error_text
from core.progress import Progress


class BackgroundTask(QThread):
    """Calls ``fn()``; ``result`` or ``error`` (a one-line message; a bug's names its crash log)."""

    progressed = Signal(str, int, int)  # stage, done, total: emitted from the worker thread

    def __init__(self, fn: Callable[[], Any], title: str = "Background task") -> None:
        super().__init__()
        self.fn = fn
        self.title = title
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False
        self.busy: QProgressDialog | None = None  # the dialog showing this task
        self.cancel_requested: Callable[[], None] = lambda: None  # how Cancel reaches the work

    def run(self) -> None:
        try:
            self.result = self.fn()
        except Exception as exc:  # noqa: BLE001 - a bug is reported (with a crash log), never silently dropped
            self.error = error_text(exc, self.title)


class _DialogProgress(QObject):
    """Lives on the UI thread, so reports from the worker arrive queued, never mid-paint."""

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    @Slot(str, int, int)
    def show(self, stage: str, done: int, total: int) -> None:
        if self.dialog.wasCanceled():
            return
        self.dialog.setLabelText(stage)
        self.dialog.setRange(0, max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)


def run_with_progress(parent: QWidget, title: str, fn: Callable[[Progress], Any], done: Callable[[Any], None],
                      on_error: Callable[[str], None] | None = None) -> BackgroundTask:
    """As ``run_in_background``, with ``fn(progress)`` reporting into the dialog; Cancel
    makes its next ``progress.step`` raise Cancelled."""
    progress = Progress()
    return run_in_background(parent, title, lambda: fn(progress), done, on_error, progress)


def run_in_background(parent: QWidget, title: str, fn: Callable[[], Any], done: Callable[[Any], None],
                      on_error: Callable[[str], None] | None = None,
                      progress: Progress | None = None) -> BackgroundTask:
    """Start ``fn`` in a thread; ``done(result)`` runs on the UI thread unless cancelled or failed.

    Any exception's one-line message goes to ``on_error`` (default: a message box). A
    ``progress`` that ``fn`` reports to moves the dialog, and Cancel cancels it."""
    task = BackgroundTask(fn, title)
    busy = task.busy = QProgressDialog(title, "Cancel", 0, 0, parent)
    busy.setWindowTitle(title)
    busy.setMinimumDuration(300)

    def cancel() -> None:
        task.cancelled = True
        task.cancel_requested()

    busy.canceled.connect(cancel)
    if progress is not None:  # wired before the thread starts, so no report is lost
        progress.callback = task.progressed.emit
        task.cancel_requested = progress.cancel
        task.progressed.connect(_DialogProgress(busy).show)

    def finished() -> None:
        busy.reset()
        if task.cancelled:
            return
        if task.error and on_error is not None:
            on_error(task.error)
        elif task.error:
            QMessageBox.warning(parent, title, task.error)
        else:
            done(task.result)

    task.finished.connect(finished)
    task.start()
    parent._tasks = [t for t in getattr(parent, "_tasks", []) if t.isRunning()] + [task]  # keep alive
    return task
