"""The Qt-side view-model over one core ``Project``: media, current frame and selection.

Edits go through ``project.undo_stack``; this object only relays core signals to Qt. The
motion derived from the media (S2L speech motion, base head pose, composed rigs) lives in
core's ``DerivedMotion`` cache (``self.motion``), keyed by what it was computed from, so a
result finished for media the user has since replaced is never shown or exported.
Opening a portrait or speech starts a new undo history: the old one's edits were made
for the old media (undoing a landmark fit of the first portrait on the second is nonsense).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.media import Portrait, load_portrait, load_speech
from app.rig_preview import emotion_displacements, loudness_base, mouth_envelope
from app.timeline_items import Item, exists, items
from core.animation.commands import Command
from core.animation.project import Project
from core.animation.project_file import load_project, save_project
from core.derived_motion import (DerivedMotion, FileStamp, PoseKey, PoseResults, RigKey, SpeechKey, base_pose,
                                 face_digest, pose_key, speech_key)
from core.landmarks.normalized_space import normalize
from core.pipeline import SpeechMotion
from core.pose_source import PoseSource
from core.timebase import fit_length  # trim, or hold the last row

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
        self.motion = DerivedMotion()  # speech motion, base poses, composed rigs (core)
        self._tracks_revision = 0  # counts track edits: part of the composed rigs' key
        self._speech_key: SpeechKey | None = None  # memo of speech_key(), dropped on any project change
        self._attach(Project(fps=DEFAULT_FPS, duration=4.0))

    def _attach(self, project: Project) -> None:
        self.project = project
        project.tracks.changed.connect(self._tracks_changed)
        project.changed.connect(self._project_attr_changed)
        project.undo_stack.changed.connect(lambda _state: self.history_changed.emit())
        self._derived_changed()

    def _derived_changed(self) -> None:
        """The project's inputs changed: the rigs (and the speech key) are looked up again."""
        self._rigs = None
        self._speech_key = None

    def _tracks_changed(self, _track: object) -> None:
        self._tracks_revision += 1
        self._rigs = None
        self.project_changed.emit()

    def _project_attr_changed(self, what: str) -> None:
        self._derived_changed()
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
        """Show the portrait at ``path``; a new undo history starts (see the module docstring)."""
        portrait = load_portrait(path)
        self.portrait = portrait
        self.project.portrait_path = Path(path)
        with self.project.changed.blocked():
            self.project.rest_landmarks = portrait.rest_face
        self._new_history()
        self._derived_changed()
        self.media_changed.emit()

    def open_audio(self, path: str) -> None:
        """Use the speech at ``path``; results derived from earlier speech are dropped, and a
        new undo history starts."""
        self.samples, self.sample_rate = load_speech(path)
        self.project.audio_path = Path(path)
        self.project.duration = max(0.2, len(self.samples) / self.sample_rate)
        self.motion.forget_other_audio(FileStamp.of(path))
        self._new_history()
        self._media_loaded()

    def _new_history(self) -> None:
        """Forget the undo history (its commands were made for the media just replaced); the
        project stays unsaved."""
        self.undo_stack.clear()
        self.undo_stack.set_dirty()

    # --- derived motion (core.derived_motion) ----------------------------------------
    def speech_key(self) -> SpeechKey | None:
        """The key of the S2L motion for the current speech, rest face, fps and transcript."""
        project = self.project
        face = project.rest_landmarks or (self.portrait.rest_face if self.portrait is not None else None)
        if face is None or project.audio_path is None:
            return None
        if self._speech_key is None:
            self._speech_key = speech_key(project.audio_path, face, project.fps, project.settings.transcript)
        return self._speech_key

    def speech_motion(self) -> SpeechMotion | None:
        """The S2L motion for the current inputs; while that is being computed, the newest one
        of the same speech at the same fps (made for an earlier face or transcript) stands
        in. Never one of other speech."""
        found = self._speech_shown()
        return None if found is None else found[1]

    def _speech_shown(self) -> tuple[SpeechKey, SpeechMotion] | None:
        key = self.speech_key()
        if key is None:
            return None
        exact = self.motion.speech.get(key)
        return (key, exact) if exact is not None else self.motion.latest_speech(key.audio, key.fps)

    @property
    def speech_base(self) -> np.ndarray | None:
        """S2L's normalized T×68×2 lip motion the preview shows, or None (lips follow loudness)."""
        speech = self.speech_motion()
        return None if speech is None else speech.base

    def accept_speech(self, key: SpeechKey, speech: SpeechMotion) -> bool:
        """Keep a finished S2L result; one computed for speech other than the open one is
        dropped (False): the user opened new audio while it ran."""
        current = self.speech_key()
        if current is None or key.audio != current.audio:
            return False
        self.motion.speech.put(key, speech)
        self._rigs = None
        self.project_changed.emit()
        return True

    def set_speech_base(self, base: np.ndarray) -> None:
        """Use ``base`` (normalized T×68×2 from S2L for the current speech, face and fps) as the
        current inputs' speech motion (scripts and tests; the window uses ``accept_speech``)."""
        from core.audio.audio_io import load_audio
        from core.derived_motion import speech_features

        key = self.speech_key()
        if key is None:
            return
        speech = SpeechMotion(load_audio(key.audio.path), key.fps, speech_features(key.audio.path, key.fps),
                              np.asarray(base, np.float32))
        self.accept_speech(key, speech)

    @property
    def poses(self) -> PoseResults:
        """Base head-pose deltas per PoseKey (core cache)."""
        return self.motion.poses

    def pose_request(self, source: PoseSource | None = None) -> PoseKey:
        """What the base pose for ``source`` (default: the pose track's) depends on (its key)."""
        project = self.project
        return pose_key(source or project.tracks.pose.source, project.audio_path, project.fps,
                        max(project.frame_count, 1))

    def pose_ready(self) -> bool:
        """True when the pose track's source has its motion (or needs none)."""
        return self.pose_request() in self.motion.poses

    def set_pose_motion(self, request: PoseKey, deltas: np.ndarray | None) -> bool:
        """Keep computed pose deltas under their key; deltas heard from speech other than the
        open one are dropped (False)."""
        current = self.pose_request(request.source)
        if request.audio != current.audio:
            return False
        self.motion.poses.put(request, deltas)
        self._rigs = None
        self.project_changed.emit()
        return True

    def _media_loaded(self) -> None:
        self.mouth = mouth_envelope(self.samples, self.sample_rate, self.project.fps, self.project.frame_count)
        self._derived_changed()
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
        self.motion.forget_other_audio(FileStamp.of(project.audio_path) if project.audio_path else None)
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
        """T×98×2 rig points in pixels and T mouth openings, composed by core as an export
        composes them (cached under their key until the next edit)."""
        if self.portrait is None:
            return None
        if self._rigs is None:
            motion = self._composed()
            self._rigs = np.asarray(motion.rig, np.float32), np.asarray(motion.mouth_open, np.float32)
        return self._rigs

    def _composed(self):  # noqa: ANN202 - core MotionFrames
        project, face = self.project, self.portrait.rest_face
        frames = max(project.frame_count, 1)
        rest = normalize(face)
        shown, key = self._speech_shown(), self.speech_key()
        if shown is not None:
            base_key, base = shown[0], shown[1].base
        else:  # until S2L has run (or without its weights): the jaw follows the loudness
            base = loudness_base(rest, np.resize(self.mouth, frames))
            base_key = ("loudness", None if key is None else key.audio, project.fps, frames)
        base = fit_length(base, frames)
        pose = self.pose_request()
        rig_key = RigKey(base_key, pose, face_digest(face), (id(project.tracks), self._tracks_revision))
        return self.motion.composed(rig_key, rest, base, project.fps, project.tracks,
                                    base_pose(face, self.motion.poses.get(pose), frames), emotion_displacements())

    def rig_at(self, frame: int) -> tuple[np.ndarray, float] | None:
        """Rig points (98×2 pixels) and mouth opening at ``frame``; None without a portrait."""
        rigs = self.all_rigs()
        if rigs is None:
            return None
        i = int(np.clip(frame, 0, len(rigs[0]) - 1))
        return rigs[0][i], float(rigs[1][i])
