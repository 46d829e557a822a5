"""The timeline's tracks. Each owns Curves or event lists and re-emits their changes.

Every track has ``changed: Signal[<track>]``; ``Tracks.changed`` fires with the
track that changed, so a view or a cache can subscribe once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from core.animation.blink_track import BlinkEvent, BlinkTrack
from core.animation.events import Signal
from core.animation.keyframes import Curve
from core.animation.landmark_track import LandmarkKeyframe, LandmarkKeyframeTrack
from core.animation.lip_opening import DEFAULT_GAIN, opening_gain
from core.animation.mouth_shapes import MouthShapeTrack
from core.emotion_spec import EMOTIONS
from core.pose_source import PoseSource

__all__ = [
    "BlinkEvent",
    "BlinkTrack",
    "EMOTIONS",
    "EmotionTrack",
    "GazeTrack",
    "LIP_CHANNELS",
    "LandmarkKeyframe",
    "LandmarkKeyframeTrack",
    "LipTrack",
    "POSE_CHANNELS",
    "PoseTrack",
    "Tracks",
]

POSE_CHANNELS = ("yaw", "pitch", "roll", "tx", "ty", "tz")
GAZE_CHANNELS = ("left_x", "left_y", "right_x", "right_y")
LIP_CHANNELS = ("openness",)
PoseMode = Literal["override", "add"]


def _fixed_curves(names: tuple[str, ...], given: Mapping[str, Curve] | None) -> Mapping[str, Curve]:
    """One Curve per name, read-only mapping: replacing a curve would cut its event relay."""
    given = dict(given or {})
    unknown = set(given) - set(names)
    if unknown:
        raise ValueError(f"unknown channel(s) {sorted(unknown)}; use {', '.join(names)}")
    return MappingProxyType({name: given[name] if name in given else Curve() for name in names})


def _relay(curves: Mapping[str, Curve], signal: Signal, owner: object) -> None:
    """Re-emit each curve's change as ``owner``'s change."""
    for curve in curves.values():
        curve.changed.connect(lambda _curve: signal.emit(owner))


class EmotionTrack:
    """One Curve per emotion (intensity 0..1); any mix is allowed.

    All-zero weights mean neutral; ``conditioning`` fills neutral with the remainder.
    """

    def __init__(self, curves: Mapping[str, Curve] | None = None) -> None:
        self.curves = _fixed_curves(EMOTIONS, curves)
        self.changed: Signal[EmotionTrack] = Signal()
        _relay(self.curves, self.changed, self)

    def weights(self, times: np.ndarray) -> np.ndarray:
        """T×8 intensities clipped to 0..1, columns in EMOTIONS order."""
        columns = [self.curves[name].evaluate_many(times) for name in EMOTIONS]
        return np.clip(np.stack(columns, axis=-1), 0.0, 1.0).reshape(-1, len(EMOTIONS))

    def conditioning(self, times: np.ndarray) -> np.ndarray:
        """T×8 for S2L: as ``weights`` with neutral raised to 1 − (sum of the others), ≥ 0."""
        weights = self.weights(times)
        remainder = np.clip(1.0 - weights[:, 1:].sum(axis=1), 0.0, 1.0)
        weights[:, 0] = np.maximum(weights[:, 0], remainder)
        return weights


class GazeTrack:
    """Iris offsets per eye in iris radii (x right, y down in the image).

    ``linked`` (default): both eyes follow the left eye's curves.
    """

    def __init__(self, curves: Mapping[str, Curve] | None = None, linked: bool = True) -> None:
        self.curves = _fixed_curves(GAZE_CHANNELS, curves)
        self._linked = linked
        self.changed: Signal[GazeTrack] = Signal()
        _relay(self.curves, self.changed, self)

    @property
    def linked(self) -> bool:
        """Whether the right eye follows the left eye's curves."""
        return self._linked

    @linked.setter
    def linked(self, value: bool) -> None:
        if value != self._linked:
            self._linked = bool(value)
            self.changed.emit(self)

    def offsets(self, times: np.ndarray) -> np.ndarray:
        """T×2×2: [frame, eye (0 image-left, 1 image-right), (dx, dy)] in iris radii."""
        left = np.stack([self.curves["left_x"].evaluate_many(times), self.curves["left_y"].evaluate_many(times)], -1)
        if self._linked:
            right = left
        else:
            right = np.stack(
                [self.curves["right_x"].evaluate_many(times), self.curves["right_y"].evaluate_many(times)], -1
            )
        return np.stack([left, right], axis=1).reshape(-1, 2, 2)


class LipTrack:
    """The lips' keyable curves: ``openness`` is a gain on the model's lip opening
    (core.animation.lip_opening; 1 = as generated, which is also its value without keys)."""

    def __init__(self, curves: Mapping[str, Curve] | None = None) -> None:
        self.curves = _fixed_curves(LIP_CHANNELS, curves)
        for curve in self.curves.values():
            curve.default = DEFAULT_GAIN  # no keys: the model's own opening
        self.changed: Signal[LipTrack] = Signal()
        _relay(self.curves, self.changed, self)

    def opening_gain(self, times: np.ndarray) -> np.ndarray | None:
        """T gains on the lip opening at ``times``; None when the curve has no keys."""
        return opening_gain(self.curves["openness"], times)


class PoseTrack:
    """Six Curves (degrees / pixels, HeadPose units) over a base pose.

    mode 'override': channels with keys replace the base; channels without keys
    keep it. mode 'add': every channel is base + curve (curves default to 0).
    """

    def __init__(
        self,
        curves: Mapping[str, Curve] | None = None,
        mode: PoseMode = "add",
        source: PoseSource | None = None,
    ) -> None:
        self.curves = _fixed_curves(POSE_CHANNELS, curves)
        self._mode: PoseMode = _check_mode(mode)
        self._source = source or PoseSource("generated")
        self.changed: Signal[PoseTrack] = Signal()
        _relay(self.curves, self.changed, self)

    @property
    def mode(self) -> PoseMode:
        """'override' or 'add'."""
        return self._mode

    @mode.setter
    def mode(self, value: PoseMode) -> None:
        self._mode = _check_mode(value)
        self.changed.emit(self)

    @property
    def source(self) -> PoseSource:
        """The base pose's origin and its seed / amplitude."""
        return self._source

    @source.setter
    def source(self, value: PoseSource) -> None:
        self._source = value
        self.changed.emit(self)

    def evaluate(self, times: np.ndarray, base_pose: np.ndarray | None) -> np.ndarray:
        """T×7 (yaw, pitch, roll, tx, ty, tz, scale) from ``base_pose`` (T×7, or zeros / scale 1)."""
        times = np.asarray(times, np.float64).reshape(-1)
        if base_pose is None:
            base_pose = np.zeros((times.size, 7))
            base_pose[:, 6] = 1.0
        out = np.array(base_pose, np.float64, copy=True)
        if out.shape != (times.size, 7):
            raise ValueError(f"base pose must be {times.size}×7, got {out.shape}")
        for column, name in enumerate(POSE_CHANNELS):
            curve = self.curves[name]
            if self._mode == "add":
                out[:, column] += curve.evaluate_many(times)
            elif len(curve):
                out[:, column] = curve.evaluate_many(times)
        return out


def _check_mode(mode: str) -> PoseMode:
    if mode not in ("override", "add"):
        raise ValueError(f"pose mode must be 'override' or 'add', got {mode!r}")
    return mode  # type: ignore[return-value]


@dataclass
class Tracks:
    """All tracks of a project; ``changed`` fires with whichever track changed."""

    emotion: EmotionTrack = field(default_factory=EmotionTrack)
    blinks: BlinkTrack = field(default_factory=BlinkTrack)
    gaze: GazeTrack = field(default_factory=GazeTrack)
    pose: PoseTrack = field(default_factory=PoseTrack)
    landmarks: LandmarkKeyframeTrack = field(default_factory=LandmarkKeyframeTrack)
    mouth_shapes: MouthShapeTrack = field(default_factory=MouthShapeTrack)  # the user's overrides
    lips: LipTrack = field(default_factory=LipTrack)  # the lip-opening curve
    changed: Signal[object] = field(default_factory=Signal, compare=False, repr=False)

    def __post_init__(self) -> None:
        for track in (self.emotion, self.blinks, self.gaze, self.pose, self.landmarks, self.mouth_shapes, self.lips):
            track.changed.connect(self.changed.emit)
