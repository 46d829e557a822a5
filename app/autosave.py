"""Crash safety: a recovery copy on disk within 2 s of every edit, and recovery that keeps it.

Every change of the undo stack (an edit, undo, redo, a drag step) restarts a short
single-shot timer, so a burst of edits is written once when it pauses; a burst that
never pauses (a long drag) is still written MAX_DELAY_MS after its first change. A
kill -9 therefore loses at most MAX_DELAY_MS of edits plus the write itself.

Accepting a recovery keeps the autosave file until the recovered project is saved
again: a second crash before that must not lose the recovered edits too.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from app.action_guard import error_text, guarded
from app.outside_media import load_asking
from app.studio_session import StudioSession
from core.animation.project_file import autosave_path, find_autosave, load_autosave, remove_autosave, write_autosave

QUIET_MS = 400  # an edit burst that pauses this long is written
MAX_DELAY_MS = 1500  # ... and one that never pauses, this long after its first change


class Autosaver(QObject):
    """Writes ``session``'s recovery copy beside its project (in app data while untitled)."""

    def __init__(self, window: QWidget, session: StudioSession, untitled_path: Path | None) -> None:
        super().__init__(window)
        self.window, self.session, self.untitled_path = window, session, untitled_path
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.write_now)
        self._first_change: float | None = None
        self.max_delay_ms = MAX_DELAY_MS  # Preferences ▸ "Autosave within" may change it
        self._failed: Path | None = None  # the target whose failure was already shown
        self.recovered_untitled = False  # an untitled recovery: its autosave goes when saved elsewhere
        session.history_changed.connect(self.schedule)

    def target(self) -> Path | None:
        """The project file the autosave belongs to."""
        return self.session.path or self.untitled_path

    def schedule(self) -> None:
        """An edit happened: write once the edits pause, and never later than MAX_DELAY_MS."""
        now = time.monotonic()
        if self._first_change is None:
            self._first_change = now
        left_ms = self.max_delay_ms - (now - self._first_change) * 1000
        self.timer.start(int(max(0.0, min(QUIET_MS, left_ms))))

    def write_now(self) -> None:
        """Write the recovery copy when there are unsaved edits."""
        self.timer.stop()
        self._first_change = None
        target = self.target()
        if target is None or self.session.undo_stack.is_clean:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_autosave(self.session.project, target)
        except Exception as exc:  # noqa: BLE001 - a failing autosave must not stop the editing
            self._report_once(target, exc)
        else:
            self._failed = None

    def _report_once(self, target: Path, exc: Exception) -> None:
        """A box the first time a target cannot be written; the status bar after that."""
        text = error_text(exc, "Autosave")
        if self._failed != target:
            self._failed = target
            QMessageBox.warning(self.window, "Autosave", text)
        elif hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(f"Autosave failed: {text}", 10000)

    def saved(self, path: Path) -> None:
        """The project was saved to ``path`` (core dropped that path's autosave); an untitled
        recovery's autosave is now stale too."""
        if self.recovered_untitled and self.untitled_path is not None and path != self.untitled_path:
            _remove(self.untitled_path)
        self.recovered_untitled = False

    def discard(self) -> None:
        """The user closed without keeping the edits: no recovery copy either."""
        self.timer.stop()
        target = self.target()
        for project in (target, self.untitled_path if self.recovered_untitled else None):
            if project is not None:
                _remove(project)

    def offer_recovery(self, path: Path | None = None) -> bool:
        """Offer the autosave of ``path`` (default: the untitled one) when it is newer than the file.

        Yes adopts it and keeps the file until the project is saved; No deletes it."""
        path = path or self.untitled_path
        found = find_autosave(path) if path is not None else None
        if found is None:
            return False
        answer = QMessageBox.question(self.window, "Recover", f"Recover unsaved changes from {found.name}?")
        if answer != QMessageBox.StandardButton.Yes:
            _remove(path)
            return False
        untitled = path == self.untitled_path
        adopted: list[bool] = []
        guarded(self.window, "Recover", lambda: adopted.append(self._adopt(path, untitled)))
        if not (adopted and adopted[0]):
            return False  # unreadable (reported) or declined: the file stays for another try
        if untitled:
            self.session.project.path = None
            self.recovered_untitled = True
        return True

    def _adopt(self, path: Path, untitled: bool) -> bool:
        # The untitled autosave lives in our own app-data folder, its media chosen by this user
        # in an earlier session, so they may lie anywhere; a project's own autosave asks as the
        # project does.
        project = load_asking(self.window, autosave_path(path).name,
                              lambda allow: load_autosave(path, allow_outside_media=allow or untitled))
        if project is None:
            return False
        self.session.adopt(project)
        return True


def _remove(project: Path) -> None:
    """Delete ``project``'s autosave; a folder that cannot be changed keeps it (never an error
    while closing or saving)."""
    try:
        remove_autosave(project)
    except OSError:
        pass
