"""Live2D Cubism motion3.json: one linear curve per standard parameter.

Layout (Cubism's motion3 spec): ``{"Version": 3, "Meta": {...}, "Curves": [{"Target":
"Parameter", "Id": "ParamMouthOpenY", "Segments": [t0, v0, 0, t1, v1, 0, t2, v2, ...]}]}``
— the first point, then per segment its type (0 linear) and end point. Meta's counts
are computed from the curves written, so they always match: CurveCount, TotalSegmentCount
(segments over all curves) and TotalPointCount (each curve's first point plus one per
linear segment).

Parameters and ranges (Cubism's standard IDs): ParamAngleX/Y/Z −30..30 degrees (yaw,
pitch with up positive, roll), ParamEyeLOpen/ROpen 0..1, ParamEyeBallX/Y −1..1 (right,
up), ParamBrowLY/RY −1..1, ParamMouthOpenY 0..1 (1 at an inner-lip gap of 0.35 of the mouth
width), ParamMouthForm −1 (pucker, frown)..1
(smile), ParamCheek 0..1 (smile). L/R are the character's own left and right.
"""

from __future__ import annotations

import json

import numpy as np

from core.export.rigs.face_tracks import JAW_OPEN_FULL, FaceTracks

ANGLE_LIMIT = 30.0
# A drawn mouth's ParamMouthOpenY 1 is its widest drawing, which speech should reach on
# open vowels: full at an inner-lip gap of 0.35 of the mouth width (ARKit's jawOpen: 0.6).
MOUTH_OPEN_FULL = 0.35
_DECIMALS = 3


def parameter_curves(t: FaceTracks) -> dict[str, np.ndarray]:
    """Parameter ID → T values."""
    smile = (t.smile["left"] + t.smile["right"]) / 2
    frown = (t.frown["left"] + t.frown["right"]) / 2
    return {
        "ParamAngleX": np.clip(t.pose_change[:, 0], -ANGLE_LIMIT, ANGLE_LIMIT),
        "ParamAngleY": np.clip(-t.pose_change[:, 1], -ANGLE_LIMIT, ANGLE_LIMIT),
        "ParamAngleZ": np.clip(t.pose_change[:, 2], -ANGLE_LIMIT, ANGLE_LIMIT),
        "ParamEyeLOpen": 1.0 - t.blink["left"],
        "ParamEyeROpen": 1.0 - t.blink["right"],
        "ParamEyeBallX": np.clip(t.gaze[:, 0], -1, 1),
        "ParamEyeBallY": np.clip(-t.gaze[:, 1], -1, 1),
        "ParamBrowLY": (t.brow_inner["left"] + t.brow_outer["left"]) / 2,
        "ParamBrowRY": (t.brow_inner["right"] + t.brow_outer["right"]) / 2,
        "ParamMouthOpenY": np.clip(t.jaw_open * JAW_OPEN_FULL / MOUTH_OPEN_FULL, 0, 1),
        "ParamMouthForm": np.clip(smile - np.maximum(frown, t.pucker), -1, 1),
        "ParamCheek": smile,
    }


def linear_segments(times: np.ndarray, values: np.ndarray) -> list[float]:
    """Flat Segments array: first point, then (0, t, v) per following frame."""
    points = [(round(float(a), _DECIMALS), round(float(b), _DECIMALS)) for a, b in zip(times, values)]
    flat: list[float] = list(points[0])
    for time, value in points[1:]:
        flat += [0, time, value]
    return flat


def motion3(t: FaceTracks, loop: bool = False) -> dict:
    """The motion3.json document."""
    times = t.times if len(t) > 1 else np.array([0.0])
    curves = [{"Target": "Parameter", "Id": pid, "Segments": linear_segments(times, values[: len(times)])}
              for pid, values in parameter_curves(t).items()]
    segments = sum((len(c["Segments"]) - 2) // 3 for c in curves)
    return {
        "Version": 3,
        "Meta": {
            "Duration": round(len(t) / t.fps, _DECIMALS), "Fps": float(t.fps), "Loop": loop,
            "AreBeziersRestricted": True, "CurveCount": len(curves), "TotalSegmentCount": segments,
            "TotalPointCount": len(curves) + segments, "UserDataCount": 0, "TotalUserDataSize": 0,
        },
        "Curves": curves,
    }


def to_motion3_json(t: FaceTracks) -> str:
    """The motion3.json text."""
    return json.dumps(motion3(t), indent=1)
