"""The Qt-side view-model over one core ``Project``: media, current frame and selection.

Edits go through ``project.undo_stack``; this object only relays core signals to Qt.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.media import Portrait, load_portrait, load_speech
from app.pose_motion import PoseCache, PoseRequest
from app.rig_preview import compose_frames, mouth_envelope
from app.timeline_items import Item, exists, items
from core.animation.commands import Command
from core.animation.project import Project
from core.pose_source import PoseSource
from core.animation.project_file import load_project, save_project

DEFAULT_FPS = 30.0  # new projects run at the engine's default frame rate, like the command line


class StudioSession(QObject):
    """Views listen to its signals and edit only through ``push``."""

    project_changed = Signal()
    media_changed = Signal()
    frame_changed = Signal(int)
    selection_changed = Signal()
    history_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.portrait: Portrait | None = None
        self.samples: np.ndarray | None = None
        self.sample_rate = 16000
        self.mouth = np.zeros(1, np.float32)
        self.frame = 0
        self.selection: list[Item] = []
        self._rigs: tuple[np.ndarray, np.ndarray] | None = None
        self.speech_base: np.ndarray | None = None  # S2L output T×68×2, once generated
        self.poses = PoseCache()  # base head motion per pose source (PoseGen / video)
        self._attach(Project(fps=DEFAULT_FPS, duration=4.0))

    def _attach(self, project: Project) -> None:
        self.project = project
        project.tracks.changed.connect(self._tracks_changed)
        project.changed.connect(self._project_attr_changed)
        project.undo_stack.changed.connect(lambda _state: self.history_changed.emit())
        self._rigs = None

    def _tracks_changed(self, _track: object) -> None:
        self._rigs = None
        self.project_changed.emit()

    def _project_attr_changed(self, what: str) -> None:
        self._rigs = None
        if what == "rest_landmarks" and self.portrait is not None and self.project.rest_landmarks is not None:
            self.portrait.rest_face = self.project.rest_landmarks
            self.media_changed.emit()
        self.project_changed.emit()

    @property
    def undo_stack(self):  # noqa: ANN201 - core UndoStack
        return self.project.undo_stack

    @property
    def path(self) -> Path | None:
        return self.project.path

    # --- files -------------------------------------------------------------------
    def open_portrait(self, path: str) -> None:
        self.portrait = load_portrait(path)
        self.project.portrait_path = Path(path)
        with self.project.changed.blocked():
            self.project.rest_landmarks = self.portrait.rest_face
        self.undo_stack.set_dirty()
        self._rigs = None
        self.media_changed.emit()

    def open_audio(self, path: str) -> None:
        self.samples, self.sample_rate = load_speech(path)
        self.project.audio_path = Path(path)
        self.project.duration = max(0.2, len(self.samples) / self.sample_rate)
        self.undo_stack.set_dirty()
        self._media_loaded()

    def set_speech_base(self, base: np.ndarray | None) -> None:
        """Use S2L's predicted lip motion (normalized T×68×2) as the base motion."""
        self.speech_base = base
        self._rigs = None
        self.project_changed.emit()

    def pose_request(self, source: PoseSource | None = None) -> PoseRequest:
        """What the base pose for ``source`` (default: the pose track's) depends on."""
        project = self.project
        audio = str(project.audio_path) if project.audio_path else None
        return PoseRequest(source or project.tracks.pose.source, audio, project.fps, max(project.frame_count, 1))

    def pose_ready(self) -> bool:
        """True when the pose track's source has its motion (or needs none)."""
        return self.pose_request() in self.poses

    def set_pose_motion(self, request: PoseRequest, deltas: np.ndarray | None) -> None:
        """Keep computed pose deltas; the preview uses them while ``request`` is the current source."""
        self.poses.put(request, deltas)
        self._rigs = None
        self.project_changed.emit()

    def _media_loaded(self) -> None:
        self.speech_base = None
        self.mouth = mouth_envelope(self.samples, self.sample_rate, self.project.fps, self.project.frame_count)
        self._rigs = None
        self.frame = min(self.frame, self.project.frame_count - 1)
        self.media_changed.emit()
        self.project_changed.emit()
        self.frame_changed.emit(self.frame)

    def new_project(self) -> None:
        self.portrait, self.samples = None, None
        self._replace(Project(fps=DEFAULT_FPS, duration=4.0))

    def load(self, path: str, allow_outside_media: bool = False) -> Project:
        """Open the project at ``path`` and return it; media outside its folder raise
        MediaOutsideProjectError unless ``allow_outside_media`` (the window asks the user first)."""
        self._replace(load_project(Path(path), allow_outside_media=allow_outside_media))
        return self.project

    def adopt(self, project: Project) -> None:
        """Show ``project`` (e.g. one recovered from an autosave)."""
        self._replace(project)

    def _replace(self, project: Project) -> None:
        portrait = load_portrait(str(project.portrait_path)) if project.portrait_path else None
        samples = load_speech(str(project.audio_path)) if project.audio_path else None
        self._attach(project)
        self.portrait = portrait
        if portrait is not None and project.rest_landmarks is not None:
            portrait.rest_face = project.rest_landmarks
        self.samples, self.sample_rate = samples if samples else (None, 16000)
        self.selection = []
        self.frame = 0
        self._media_loaded()
        self.history_changed.emit()
        self.selection_changed.emit()

    def save(self, path: str | Path) -> None:
        save_project(self.project, Path(path))
        self.history_changed.emit()

    # --- edits -------------------------------------------------------------------
    def push(self, command: Command) -> None:
        self.undo_stack.push(command)

    def end_drag(self) -> None:
        self.undo_stack.end_merge()

    def undo(self) -> None:
        self.undo_stack.undo()
        self._prune_selection()

    def redo(self) -> None:
        self.undo_stack.redo()
        self._prune_selection()

    def _prune_selection(self) -> None:
        """After undo/redo: keep what still exists, or what now sits in its place (same lane and time)."""
        alive = [i if exists(self.project.tracks, i) else self._same_place(i) for i in self.selection]
        alive = [i for i in alive if i is not None]
        if alive != self.selection:
            self.select(alive)

    def _same_place(self, item: Item) -> Item | None:
        return next((i for i in items(self.project.tracks, item.lane) if abs(i.time - item.time) < 1e-9), None)

    def select(self, selection: list[Item]) -> None:
        self.selection = list(selection)
        self.selection_changed.emit()

    # --- time --------------------------------------------------------------------
    def set_frame(self, frame: int) -> None:
        frame = int(np.clip(frame, 0, max(self.project.frame_count - 1, 0)))
        if frame != self.frame:
            self.frame = frame
            self.frame_changed.emit(frame)

    def all_rigs(self) -> tuple[np.ndarray, np.ndarray] | None:
        """T×98×2 rig points in pixels and T mouth openings (cached until the next edit)."""
        if self.portrait is None:
            return None
        if self._rigs is None:
            self._rigs = compose_frames(self.project, self.portrait.rest_face, self.mouth, self.speech_base,
                                        self.poses.get(self.pose_request()))
        return self._rigs

    def rig_at(self, frame: int) -> tuple[np.ndarray, float] | None:
        """Rig points (98×2 pixels) and mouth opening at ``frame``; None without a portrait."""
        rigs = self.all_rigs()
        if rigs is None:
            return None
        i = int(np.clip(frame, 0, len(rigs[0]) - 1))
        return rigs[0][i], float(rigs[1][i])
