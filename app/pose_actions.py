"""Head pose menu actions: import a reference video's motion, regenerate PoseGen with a new seed, still head.

Each computes the new base motion in a background task first, then pushes one undoable
``SetPoseSource``; the pose track's keyed curves stay as they are (they add to / override the base).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from app.background_task import run_in_background
from app.pose_motion import PoseRequest, pose_deltas
from core.animation.commands import SetPoseSource
from core.pose_source import PoseSource

if TYPE_CHECKING:
    from app.main_window import StudioWindow

VIDEO_FILTER = "Video (*.mp4 *.mov *.m4v *.avi *.mkv *.webm)"


class PoseActions:
    """The window's pose commands; ``ensure`` fills in the motion of a source that has none yet."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window
        self.session = window.session
        self._running: set[PoseRequest] = set()

    @property
    def source(self) -> PoseSource:
        return self.session.project.tracks.pose.source

    def import_video_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self.window, "Import head pose from video", "", VIDEO_FILTER)
        if path:
            self.import_video(path)

    def import_video(self, path: str) -> None:
        """The video's head motion (relative to its first frame) becomes the base pose."""
        self._apply(replace(self.source, kind="from-video", video_path=str(path)), "Import Pose from Video")

    def regenerate(self) -> None:
        """A new PoseGen sample: the next seed."""
        self._apply(replace(self.source, kind="generated", seed=self.source.seed + 1), "Regenerate Pose")

    def still(self) -> None:
        self._apply(replace(self.source, kind="still"), "Still Head")

    def _apply(self, source: PoseSource, label: str) -> None:
        request = self.session.pose_request(source)
        if request in self.session.poses:
            self._push(source, label)
            return

        def done(deltas) -> None:  # noqa: ANN001
            self.session.set_pose_motion(request, deltas)
            self._push(source, label)

        self._run(request, label, done, None)

    def _push(self, source: PoseSource, label: str) -> None:
        command = SetPoseSource(self.session.project.tracks.pose, source)
        command.label = label
        self.session.push(command)
        self.session.end_drag()

    def ensure(self, quiet: bool = True) -> None:
        """Compute the current source's motion when missing (a project opened, new speech)."""
        request = self.session.pose_request()
        if request in self.session.poses or request in self._running or self.session.portrait is None:
            return
        if request.source.kind == "generated" and request.audio_path is None:
            return
        self._run(request, "Head motion", lambda d: self.session.set_pose_motion(request, d),
                  self._note if quiet else None)

    def _run(self, request: PoseRequest, title: str, done, on_error) -> None:  # noqa: ANN001
        self._running.add(request)

        def finished(deltas) -> None:  # noqa: ANN001
            self._running.discard(request)
            done(deltas)

        def failed(message: str) -> None:
            self._running.discard(request)
            if on_error is not None:
                on_error(message)
            else:
                self._warn(title, message)

        task = run_in_background(self.window, title, lambda: pose_deltas(request), finished, failed)
        task.finished.connect(lambda: self._running.discard(request))

    def _note(self, message: str) -> None:
        self.window.statusBar().showMessage(f"{message} — the head stays still.", 15000)

    def _warn(self, title: str, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self.window, title, message)
