"""The Project: media, the portrait's landmarks, settings, tracks and undo history.

Views subscribe to ``Project.changed`` (payload: the name of what changed —
"media", "timing", "rest_landmarks", "settings", "render") and to ``project.tracks.changed``
for timeline edits, and ``project.undo_stack.changed`` for the Undo menu and
the unsaved-changes mark (``not undo_stack.is_clean``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core import defaults
from core.animation.events import Signal
from core.animation.tracks import EMOTIONS, Tracks
from core.animation.undo_stack import UndoStack
from core.landmarks.face_landmarks import FaceLandmarks
from core.timebase import frame_count, frame_times


@dataclass(frozen=True)
class GenerationSettings:
    """Knobs of the generated motion (pose seed/amplitude live on ``tracks.pose.source``).

    blink_rate: blinks per minute for regenerate; blink_seed: its Poisson seed;
    emotion_defaults: intensity per emotion name used where the emotion track
    has no keys (missing names = 0); look_ahead: seconds of audio S2L may see ahead;
    transcript: the line's English words ("" = none): S2L then hears phones
    forced-aligned to them instead of guessed from the sound.
    """

    blink_rate: float = defaults.BLINKS_PER_MINUTE
    blink_seed: int = 0
    emotion_defaults: dict[str, float] = field(default_factory=dict)
    look_ahead: float = 0.0
    transcript: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.emotion_defaults) - set(EMOTIONS)
        if unknown:
            raise ValueError(f"unknown emotions {sorted(unknown)}; use {', '.join(EMOTIONS)}")
        if self.blink_rate < 0:
            raise ValueError(f"blink rate must not be negative, got {self.blink_rate}")


RENDERERS = ("auto", "warp", "neural", "drawn")  # the command line's --renderer choices


@dataclass(frozen=True)
class RenderSettings:
    """How frames are drawn (the command line's ``--renderer``, ``--mouth-set``, ``--background``).

    renderer: auto | warp | neural | drawn; mouth_set: a folder of sprite mouths (drawn style
    only: it is ignored under warp and neural, see ``effective_mouth_set``); background: what
    shows behind a transparent portrait — a colour as text (``#RRGGBB``) or an image file (a Path);
    None = transparent (mp4 then uses core.render.background's neutral default).
    """

    renderer: str = "auto"
    mouth_set: Path | None = None
    background: str | Path | None = None

    def __post_init__(self) -> None:
        if self.renderer not in RENDERERS:
            raise ValueError(f"renderer must be one of {', '.join(RENDERERS)}, got {self.renderer!r}")

    @property
    def effective_mouth_set(self) -> Path | None:
        """The mouth set that is drawn: only the drawn style (auto or drawn) draws sprites."""
        return self.mouth_set if self.renderer in ("auto", "drawn") else None


class Project:
    """Everything a saved .space project holds; edits go through ``undo_stack``."""

    def __init__(
        self,
        portrait_path: Path | None = None,
        audio_path: Path | None = None,
        fps: float = defaults.FPS,
        duration: float = 0.0,
        rest_landmarks: FaceLandmarks | None = None,
        settings: GenerationSettings | None = None,
        tracks: Tracks | None = None,
        render: RenderSettings | None = None,
    ) -> None:
        self.changed: Signal[str] = Signal()
        self._portrait_path = portrait_path
        self._audio_path = audio_path
        self._fps = _positive_fps(fps)
        self._duration = max(float(duration), 0.0)
        self._rest_landmarks = rest_landmarks
        self._settings = settings or GenerationSettings()
        self._render = render or RenderSettings()
        self.tracks = tracks or Tracks()
        self.undo_stack = UndoStack()
        self.path: Path | None = None  # where it was last saved or loaded
        self._apply_emotion_defaults()

    # --- media and timing --------------------------------------------------
    @property
    def portrait_path(self) -> Path | None:
        return self._portrait_path

    @portrait_path.setter
    def portrait_path(self, value: Path | None) -> None:
        self._portrait_path = value
        self.changed.emit("media")

    @property
    def audio_path(self) -> Path | None:
        return self._audio_path

    @audio_path.setter
    def audio_path(self, value: Path | None) -> None:
        self._audio_path = value
        self.changed.emit("media")

    @property
    def fps(self) -> float:
        return self._fps

    @fps.setter
    def fps(self, value: float) -> None:
        self._fps = _positive_fps(value)
        self.changed.emit("timing")

    @property
    def duration(self) -> float:
        """Clip length in seconds (normally the audio's)."""
        return self._duration

    @duration.setter
    def duration(self, value: float) -> None:
        self._duration = max(float(value), 0.0)
        self.changed.emit("timing")

    @property
    def frame_count(self) -> int:
        """ceil(duration × fps): the engine's one frame count (core.timebase)."""
        return frame_count(self._duration, self._fps)

    def frame_times(self) -> np.ndarray:
        """Time (s) of each frame: i / fps."""
        return frame_times(self.frame_count, self._fps)

    def snap(self, time: float) -> float:
        """``time`` rounded to the nearest frame (what the UI shows)."""
        return round(time * self._fps) / self._fps

    # --- edited state (set through commands) ---------------------------------
    @property
    def rest_landmarks(self) -> FaceLandmarks | None:
        """The portrait's own landmarks in image pixels; None = detect on load."""
        return self._rest_landmarks

    @rest_landmarks.setter
    def rest_landmarks(self, value: FaceLandmarks | None) -> None:
        self._rest_landmarks = value
        self.changed.emit("rest_landmarks")

    @property
    def settings(self) -> GenerationSettings:
        return self._settings

    @settings.setter
    def settings(self, value: GenerationSettings) -> None:
        self._settings = value
        self._apply_emotion_defaults()
        self.changed.emit("settings")

    @property
    def render(self) -> RenderSettings:
        """Renderer, mouth set and background: what the studio previews and exports, and
        what ``render-project`` uses unless its command line says otherwise."""
        return self._render

    @render.setter
    def render(self, value: RenderSettings) -> None:
        self._render = value
        self.changed.emit("render")

    def _apply_emotion_defaults(self) -> None:
        # A curve's default is what it returns with no keys: that is the emotion default.
        for name, curve in self.tracks.emotion.curves.items():
            value = float(self._settings.emotion_defaults.get(name, 0.0))
            if curve.default != value:
                curve.default = value
                curve.set_keys(curve.keys)  # clears the cache and notifies


def _positive_fps(fps: float) -> float:
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    return float(fps)
