"""Every per-frame track a rig export needs, measured once from a generated Animation.

All face measures are taken in the normalized (frontalized, pose-free) space of
``ComposedMotion.rig`` and calibrated per portrait: the portrait's own rest face
(its mouth closed, as S2L speaks from it) is the neutral, so a value is 0 when the
face looks as painted and grows as the face moves away from it. Scales (what counts
as "fully" open, raised...) are the constants below, documented in docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.export.mouth_cues import MouthCue, cue_at
from core.landmarks.face_geometry import mouth_openness, mouth_width

JAW_OPEN_FULL = 0.6  # inner-lip gap / mouth width of a fully open jaw (ARKit jawOpen 1)
PUCKER_FULL = 0.25  # mouth narrower than at rest by this fraction: fully puckered
STRETCH_FULL = 0.2  # wider by this fraction: fully stretched
CORNER_FULL = 0.12  # mouth-corner rise (or drop) of this fraction of the mouth width: full smile (frown)
BROW_FULL = 0.12  # brow rise of this many normalized units (jaw ends 2 apart): fully raised
EYE_WIDE_FULL = 0.3  # lids this fraction further apart than at rest: eyes fully wide
GAZE_FULL = 1.0  # gaze offset in iris radii that counts as looking fully to one side
GAZE_RADIANS = 0.35  # eye rotation for a gaze offset of one iris radius (≈ 20°)

# iBUG indices; "left"/"right" are the *character's* (image right/left), as ARKit and Live2D name them.
_EYES = {"left": (43, 44, 47, 46), "right": (37, 38, 41, 40)}  # upper, upper, lower, lower
_BROW_INNER = {"left": 22, "right": 21}
_BROW_OUTER = {"left": 26, "right": 17}
_CORNER = {"left": 54, "right": 48}


@dataclass(frozen=True)
class FaceTracks:
    """T values per frame at ``fps`` (left/right are the character's own sides)."""

    fps: float
    jaw_open: np.ndarray  # 0..1
    openness: np.ndarray  # inner-lip gap / mouth width, raw
    width: np.ndarray  # mouth width / rest mouth width
    cues: tuple[str, ...]  # the mouth shape at each frame
    blink: dict[str, np.ndarray]  # 0 open .. 1 shut
    eye_wide: dict[str, np.ndarray]
    smile: dict[str, np.ndarray]
    frown: dict[str, np.ndarray]
    brow_inner: dict[str, np.ndarray]  # -1 down .. 1 up
    brow_outer: dict[str, np.ndarray]
    gaze: np.ndarray  # T×2 (x right, y down in the image) in iris radii, both eyes
    emotion: np.ndarray  # T×8 weights, core.animation.tracks.EMOTIONS order
    pose: np.ndarray  # T×6 yaw, pitch, roll (degrees), tx, ty, tz (pixels), in the image
    rest_pose: np.ndarray  # (6,) the portrait's own pose: a rig's neutral drawing

    def __len__(self) -> int:
        return len(self.jaw_open)

    @property
    def times(self) -> np.ndarray:
        """Frame start times in seconds."""
        return np.arange(len(self)) / self.fps

    @property
    def pose_change(self) -> np.ndarray:
        """T×6: the pose relative to the portrait's own (what moves a rig drawn as the portrait)."""
        return self.pose - self.rest_pose[None]

    @property
    def pucker(self) -> np.ndarray:
        """0..1: the mouth narrower than at rest."""
        return np.clip((1.0 - self.width) / PUCKER_FULL, 0.0, 1.0)

    @property
    def stretch(self) -> np.ndarray:
        """0..1: the mouth wider than at rest."""
        return np.clip((self.width - 1.0) / STRETCH_FULL, 0.0, 1.0)


def _lid_gap(points: np.ndarray, eye: tuple[int, int, int, int]) -> np.ndarray:
    return (points[..., eye[2], 1] - points[..., eye[0], 1] + points[..., eye[3], 1] - points[..., eye[1], 1]) / 2


def _corner_lift(points: np.ndarray, corner: int) -> np.ndarray:
    """How far a mouth corner sits above the middle of the lips (62/66): the jaw opening
    moves both, so only a smile or a frown changes it."""
    middle = (points[..., 62, 1] + points[..., 66, 1]) / 2
    return middle - points[..., corner, 1]


def _unit(values: np.ndarray, full: float, low: float = 0.0) -> np.ndarray:
    return np.clip(values / full, low, 1.0)


def measure(points: np.ndarray, rest: np.ndarray) -> dict:
    """Face measures of T×68×2 normalized points against the 68×2 rest face."""

    rest_open = float(mouth_openness(rest[None])[0])
    rest_width = float(mouth_width(rest[None])[0])
    width = mouth_width(points) / max(rest_width, 1e-9)
    out: dict = {"openness": mouth_openness(points), "width": width}
    out["jaw_open"] = _unit(out["openness"] - rest_open, JAW_OPEN_FULL)
    for key in ("blink", "eye_wide", "smile", "frown", "brow_inner", "brow_outer"):
        out[key] = {}
    for side, eye in _EYES.items():
        ratio = _lid_gap(points, eye) / max(float(_lid_gap(rest, eye)), 1e-9)
        out["blink"][side] = np.clip(1.0 - ratio, 0.0, 1.0)
        out["eye_wide"][side] = _unit(ratio - 1.0, EYE_WIDE_FULL)
        rise = (_corner_lift(points, _CORNER[side]) - _corner_lift(rest[None], _CORNER[side])) / max(rest_width, 1e-9)
        out["smile"][side] = _unit(rise, CORNER_FULL)
        out["frown"][side] = _unit(-rise, CORNER_FULL)
        out["brow_inner"][side] = _unit(rest[_BROW_INNER[side], 1] - points[:, _BROW_INNER[side], 1], BROW_FULL, -1.0)
        out["brow_outer"][side] = _unit(rest[_BROW_OUTER[side], 1] - points[:, _BROW_OUTER[side], 1], BROW_FULL, -1.0)
    return out


def face_tracks(animation, cues: Sequence[MouthCue]) -> FaceTracks:
    """Every track of a ``core.pipeline.Animation``, with its mouth cues per frame."""
    from core.motion.rest_face import closed_mouth

    composed = animation.composed
    fps = composed.fps
    times = np.arange(len(composed)) / fps
    rest = closed_mouth(animation.setup.rest.points68)
    measures = measure(np.asarray(composed.rig[:, :68], np.float64), np.asarray(rest, np.float64))
    tracks = animation.tracks
    gaze = np.clip(tracks.gaze.offsets(times).mean(axis=1), -GAZE_FULL, GAZE_FULL)
    face_pose = animation.setup.face.pose
    rest_pose = np.array([face_pose.yaw, face_pose.pitch, face_pose.roll, face_pose.tx, face_pose.ty, face_pose.tz])
    return FaceTracks(fps=fps, cues=tuple(cue_at(cues, times)), gaze=gaze, rest_pose=rest_pose,
                      emotion=tracks.emotion.weights(times), pose=np.asarray(animation.motion.pose, np.float64),
                      **measures)
