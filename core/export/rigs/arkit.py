"""ARKit's 52 blendshapes in Live Link Face's CSV layout (what Unreal's Live Link Face
importer, Blender add-ons and Unity/VRM face rigs read).

Columns: ``Timecode`` (HH:MM:SS:FF.mmm, FF the frame in its second), ``BlendShapeCount``
(61 = 52 shapes + 9 rotations), the 52 values 0–1 in Live Link Face's order, then
HeadYaw, HeadPitch, HeadRoll, LeftEyeYaw, LeftEyePitch, LeftEyeRoll, RightEyeYaw,
RightEyePitch, RightEyeRoll in radians. How each shape is derived from our motion is
the table ``_shape_values`` builds (documented in docs/exports.md); shapes our motion
never moves (cheekPuff, tongueOut, jaw sideways...) stay 0.
"""

from __future__ import annotations

import numpy as np

from core.export.rigs.face_tracks import GAZE_RADIANS, FaceTracks

BLENDSHAPES = (
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft",
    "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight",
    "EyeSquintRight", "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel",
    "MouthPucker", "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft",
    "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
    "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft", "MouthPressRight",
    "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight", "BrowDownLeft",
    "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft",
    "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
)
ROTATIONS = ("HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
             "RightEyeYaw", "RightEyePitch", "RightEyeRoll")
HEADER = ("Timecode", "BlendShapeCount", *BLENDSHAPES, *ROTATIONS)
SHAPE_COUNT = len(BLENDSHAPES) + len(ROTATIONS)  # 61, what Live Link Face writes
_DISGUST = 6  # column of "disgust" in core.animation.tracks.EMOTIONS


def _shape_values(t: FaceTracks) -> dict[str, np.ndarray]:
    """The blendshapes our motion drives; every other one is 0."""
    gx, gy = t.gaze[:, 0], t.gaze[:, 1]
    right, left, up, down = (np.clip(v, 0, 1) for v in (gx, -gx, -gy, gy))
    jaw = t.jaw_open
    values = {
        "JawOpen": jaw, "MouthFunnel": t.pucker * np.clip(jaw * 2, 0, 1), "MouthPucker": t.pucker,
        "MouthLowerDownLeft": 0.5 * jaw, "MouthLowerDownRight": 0.5 * jaw,
        "BrowInnerUp": np.clip((t.brow_inner["left"] + t.brow_inner["right"]) / 2, 0, 1),
        "NoseSneerLeft": 0.5 * t.emotion[:, _DISGUST], "NoseSneerRight": 0.5 * t.emotion[:, _DISGUST],
        # The character's left eye looks out when the gaze goes to the image right.
        "EyeLookOutLeft": right, "EyeLookInLeft": left, "EyeLookInRight": right, "EyeLookOutRight": left,
        "EyeLookUpLeft": up, "EyeLookUpRight": up, "EyeLookDownLeft": down, "EyeLookDownRight": down,
    }
    for side, name in (("left", "Left"), ("right", "Right")):
        values[f"EyeBlink{name}"] = t.blink[side]
        values[f"EyeWide{name}"] = t.eye_wide[side]
        values[f"MouthSmile{name}"] = t.smile[side]
        values[f"MouthFrown{name}"] = t.frown[side]
        values[f"MouthStretch{name}"] = t.stretch
        values[f"CheekSquint{name}"] = 0.5 * t.smile[side]
        values[f"EyeSquint{name}"] = 0.3 * t.smile[side]
        values[f"BrowOuterUp{name}"] = np.clip(t.brow_outer[side], 0, 1)
        values[f"BrowDown{name}"] = np.clip(-t.brow_inner[side], 0, 1)
    return values


def blendshape_matrix(t: FaceTracks) -> np.ndarray:
    """T×52 values 0..1 in BLENDSHAPES order."""
    values = _shape_values(t)
    out = np.zeros((len(t), len(BLENDSHAPES)))
    for i, name in enumerate(BLENDSHAPES):
        if name in values:
            out[:, i] = values[name]
    return np.clip(out, 0.0, 1.0) + 0.0  # + 0.0: no "-0.000000" in the file


def rotation_matrix(t: FaceTracks) -> np.ndarray:
    """T×9 radians: head yaw, pitch, roll; each eye's yaw, pitch, roll (roll 0)."""
    head = np.radians(t.pose[:, :3])
    eye = np.stack([t.gaze[:, 0] * GAZE_RADIANS, -t.gaze[:, 1] * GAZE_RADIANS, np.zeros(len(t))], axis=1)
    return np.concatenate([head, eye, eye], axis=1) + 0.0


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF.mmm for a frame at ``fps`` (Live Link Face's Timecode column)."""
    seconds, within = divmod(frame, max(1, round(fps)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}:{within:02d}.000"


def to_live_link_csv(t: FaceTracks) -> str:
    """The CSV text: header, then one row per frame."""
    shapes, rotations = blendshape_matrix(t), rotation_matrix(t)
    lines = [",".join(HEADER)]
    for i in range(len(t)):
        numbers = ",".join(f"{v:.6f}" for v in (*shapes[i], *rotations[i]))
        lines.append(f"{timecode(i, t.fps)},{SHAPE_COUNT},{numbers}")
    return "\n".join(lines) + "\n"

