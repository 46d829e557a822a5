"""What the models are doing now (face detection, lip motion), for the canvas to show instead of a guess.

While a tracked task runs, the canvas shows the portrait as it is (no warp, mouth shut) with this
text over it: a face drawn from the template or from loudness before the models answer would be
misplaced, and would vanish a few seconds later.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal


class ModelActivity(QObject):
    """Running model tasks and their latest progress text; ``changed`` fires on every change."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[int, str] = {}

    @property
    def busy(self) -> bool:
        return bool(self._texts)

    def text(self) -> str:
        """One line per running task, e.g. 'Generating lip motion — S2L 40 %'."""
        return "\n".join(self._texts.values())

    def track(self, task: QThread, title: str) -> None:
        """Show ``task`` (an app.background_task.BackgroundTask) until it finishes."""
        if task.isFinished():
            return
        key = id(task)
        self._texts[key] = f"{title}…"
        progressed = getattr(task, "progressed", None)
        if progressed is not None:
            progressed.connect(lambda stage, done, total: self._report(key, title, stage, done, total))
        task.finished.connect(lambda: self._finish(key))
        self.changed.emit()

    def _report(self, key: int, title: str, stage: str, done: int, total: int) -> None:
        if key in self._texts:
            share = f" {100 * done // total} %" if total > 0 else "…"
            self._texts[key] = f"{title} — {stage}{share}"
            self.changed.emit()

    def _finish(self, key: int) -> None:
        if self._texts.pop(key, None) is not None:
            self.changed.emit()
