"""The studio driven from its command line: open files, export when the models are done, quit.

``space-studio open PORTRAIT SPEECH --export OUT.mp4 --quit-when-done [--screenshot SHOT.png]``
does what a user does by hand: the window opens the files (face detection, lip motion and head
motion run in the background as usual), and once they are all done File ▸ Export's own path
runs (``app.export_dialog.run_export``: the worker thread and the progress dialog with Cancel)
with the project's fps and the portrait's size. It serves batch use without the CLI's
``render-project`` and is how packaging/smoke_app.sh checks the frozen application.

A model that fails, or any message box the studio raises meanwhile, ends the run with that
message on stderr and exit code 1, instead of waiting for a click that never comes.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

POLL_MS = 200
# The models chain (face → lips, head): between two of them nothing runs for a moment, so
# "idle but not ready" must last this long before it counts as a failure.
IDLE_GRACE_S = 10.0


@dataclass(frozen=True)
class StudioOptions:
    """What ``space-studio open`` was asked: files to open, and an optional scripted export."""

    files: list[str]
    export: Path | None = None
    quit_when_done: bool = False
    screenshot: Path | None = None
    timeout_s: float = 900.0

    @property
    def scripted(self) -> bool:
        return self.export is not None or self.quit_when_done


def parse_studio_args(args: list[str]) -> StudioOptions:
    """Files to open plus the scripted-run options (``--export``, ``--quit-when-done`` ...)."""
    parser = argparse.ArgumentParser(prog="space-studio open", description="Open files in the studio.")
    parser.add_argument("files", nargs="*", help="portrait images, speech files or a project")
    parser.add_argument("--export", type=Path, metavar="OUT",
                        help="when the models are done, export through File ▸ Export (.mp4, .json, "
                             "or a folder for PNG frames) at the project's fps and the portrait's size")
    parser.add_argument("--quit-when-done", action="store_true",
                        help="close the studio after the export (or at once), saving nothing")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="save a picture of the screen while the export runs")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                        help="give up when the models and the export take longer (default 900)")
    parsed = parser.parse_args(args)
    if parsed.screenshot is not None and parsed.export is None:
        parser.error("--screenshot is taken during --export; give --export too")
    return StudioOptions(parsed.files, parsed.export, parsed.quit_when_done, parsed.screenshot, parsed.timeout)


def export_kind(path: Path) -> str:
    """The export dialog's kind for an output name: mp4, motion JSON, else a PNG folder."""
    return {".mp4": "mp4", ".json": "json"}.get(path.suffix.lower(), "png")


class StudioScript(QObject):
    """Waits for the window's models, runs the export, reports, and quits when asked."""

    def __init__(self, window: QWidget, options: StudioOptions) -> None:
        super().__init__(window)
        self.window = window
        self.options = options
        self.exit_code = 0
        self._started = time.monotonic()
        self._idle_since: float | None = None
        self._worker = None
        self._shot_taken = False
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    def _tick(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self._fail(f"{box.windowTitle()}: {box.text()}", box)
            return
        if time.monotonic() - self._started > self.options.timeout_s:
            self._fail(f"gave up after {self.options.timeout_s:.0f} s")
            return
        if self._worker is not None:
            return
        if self.options.export is None:
            self._done()
            return
        if self._models_ready():
            self._start_export(self.options.export)
            return
        self._check_stuck()

    def _models_ready(self) -> bool:
        """Face found, lip motion and head motion computed, nothing left running."""
        session = self.window.session
        if self.window.activity.busy or session.portrait is None:
            return False
        lips_done = session.project.audio_path is None or session.speech_base is not None
        return lips_done and session.pose_ready()

    def _check_stuck(self) -> None:
        if self.window.activity.busy:
            self._idle_since = None
            return
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        if now - self._idle_since > IDLE_GRACE_S:
            session = self.window.session
            missing = ("a portrait" if session.portrait is None else "a speech file"
                       if session.project.audio_path is None else "the lip/head motion (see the status bar)")
            self._fail(f"nothing to export: {missing} is missing")

    def _start_export(self, out: Path) -> None:
        from app.export_dialog import run_export
        from app.export_job import ExportSettings

        session = self.window.session
        # The dialog's defaults: the project's fps, the portrait's size, every frame.
        settings = ExportSettings(str(out), export_kind(out))
        print(f"exporting {session.project.frame_count} frames to {out}", file=sys.stderr)
        worker = run_export(session, settings, self.window)
        if worker is None:  # refused: run_export showed the reason in a message box (next tick)
            return
        self._worker = worker
        self.window.export_worker = worker
        worker.progressed.connect(self._progressed)
        worker.finished.connect(self._export_finished)

    def _progressed(self, *report: object) -> None:
        """``(stage, done, total)`` from the export worker: the picture is taken a third into
        the frames' stage, with the progress dialog showing over the window."""
        stage, done, total = (report if len(report) == 3 else ("frames", *report))
        if "frame" in str(stage).lower() and int(done) * 3 >= int(total):
            self._take_screenshot()

    def _take_screenshot(self) -> None:
        if self.options.screenshot is None or self._shot_taken:
            return
        self._shot_taken = True
        # The screen itself (what the X server or compositor shows): the window, its GL
        # preview and the progress dialog, as a user sees them.
        QGuiApplication.primaryScreen().grabWindow(0).save(str(self.options.screenshot))

    def _export_finished(self) -> None:
        error = self._worker.error
        if error:
            self._fail(f"export failed: {error}")
            return
        self._take_screenshot()  # when no stage was named as frames: the window after the export
        print(f"exported {self.options.export}", file=sys.stderr)
        self._done()

    def _fail(self, message: str, box: QWidget | None = None) -> None:
        if self._finished:  # a failed export reports twice: its message box, then its worker
            return
        print(f"space-studio: {message}", file=sys.stderr)
        self.exit_code = 1
        if box is not None:
            box.close()
        self._done()

    def _done(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        if self._worker is not None and self._worker.isRunning():  # failed mid-export (a bug's message box)
            self._worker.cancel()
            self._worker.wait()
        if self.options.quit_when_done or self.exit_code:
            # A scripted run saves nothing, so closing asks nothing (and leaves no recovery copy).
            self.window.session.undo_stack.set_clean()
            QTimer.singleShot(0, self.window.close)
