"""Spine 4.x animation JSON: a minimal skeleton and one animation driven by our motion.

- the mouth slot switches attachments with the mouth cues (``mouth_A`` … ``mouth_X``),
  as Rhubarb's Spine integration does;
- the head bone rotates with the head roll and translates with the head position;
- each eye slot shows ``<eye>_open`` or ``<eye>_closed`` (blinks, lids past half shut);
- each eye's pupil bone translates with the gaze;
- an ``emotion`` event fires whenever the strongest emotion changes (its name as the
  event's string), for state machines that swap expressions.

Names are configurable (``SpineNames``) so the animation can be pasted into an existing
skeleton's JSON (its "animations" entry) whose bones and slots are named differently.
Spine's y axis points up and its angles turn counter-clockwise, so image-space roll and
y are negated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from core.animation.tracks import EMOTIONS
from core.export.rigs.face_tracks import FaceTracks

SPINE_VERSION = "4.1.24"
MOUTH_SHAPES = "ABCDEFGHX"
PUPIL_TRAVEL = 6.0  # skeleton units a pupil moves for a gaze of one iris radius
BLINK_SHUT = 0.5
EMOTION_MIN = 0.2  # below this every emotion counts as neutral


@dataclass(frozen=True)
class SpineNames:
    """Bone, slot and attachment names the animation refers to."""

    animation: str = "speech"
    head_bone: str = "head"
    mouth_slot: str = "mouth"
    mouth_prefix: str = "mouth_"  # attachments mouth_A … mouth_X
    eye_slots: tuple[str, str] = ("eye_left", "eye_right")
    pupil_bones: tuple[str, str] = ("pupil_left", "pupil_right")


def _keys_on_change(times: np.ndarray, values: list[str]) -> list[tuple[float, str]]:
    keys: list[tuple[float, str]] = []
    for time, value in zip(times, values):
        if not keys or keys[-1][1] != value:
            keys.append((round(float(time), 4), value))
    return keys


def _skeleton(names: SpineNames) -> dict:
    """Bones, slots and a default skin with placeholder regions for every attachment."""
    bones = [{"name": "root"}, {"name": names.head_bone, "parent": "root", "y": 200}]
    bones += [{"name": b, "parent": names.head_bone, "x": x, "y": 40} for b, x in zip(names.pupil_bones, (30, -30))]
    slots = [{"name": names.mouth_slot, "bone": names.head_bone, "attachment": f"{names.mouth_prefix}X"}]
    slots += [{"name": s, "bone": b, "attachment": f"{s}_open"} for s, b in zip(names.eye_slots, names.pupil_bones)]
    attachments = {names.mouth_slot: {f"{names.mouth_prefix}{s}": {"width": 80, "height": 50} for s in MOUTH_SHAPES}}
    for slot in names.eye_slots:
        attachments[slot] = {f"{slot}_{state}": {"width": 30, "height": 20} for state in ("open", "closed")}
    return {
        "skeleton": {"hash": "", "spine": SPINE_VERSION, "x": -150, "y": 0, "width": 300, "height": 400,
                     "images": "./images/", "audio": ""},
        "bones": bones, "slots": slots, "skins": [{"name": "default", "attachments": attachments}],
        "events": {"emotion": {"string": "neutral"}},
    }


def _emotion_names(t: FaceTracks) -> list[str]:
    strongest = t.emotion.argmax(axis=1)
    return [EMOTIONS[i] if t.emotion[f, i] >= EMOTION_MIN else "neutral" for f, i in enumerate(strongest)]


def animation(t: FaceTracks, names: SpineNames) -> dict:
    """The animation entry: slot attachment timelines, bone timelines, events."""
    times = t.times
    slots = {names.mouth_slot: {"attachment": [{"time": k, "name": f"{names.mouth_prefix}{v}"}
                                               for k, v in _keys_on_change(times, list(t.cues))]}}
    for slot, side in zip(names.eye_slots, ("left", "right")):
        states = [f"{slot}_closed" if b > BLINK_SHUT else f"{slot}_open" for b in t.blink[side]]
        slots[slot] = {"attachment": [{"time": k, "name": v} for k, v in _keys_on_change(times, states)]}
    head = {
        "rotate": [{"time": round(float(s), 4), "value": round(float(-r), 3)} for s, r in zip(times, t.pose_change[:, 2])],
        "translate": [{"time": round(float(s), 4), "x": round(float(x), 2), "y": round(float(-y), 2)}
                      for s, x, y in zip(times, t.pose_change[:, 3], t.pose_change[:, 4])],
    }
    bones = {names.head_bone: head}
    for bone in names.pupil_bones:
        bones[bone] = {"translate": [{"time": round(float(s), 4), "x": round(float(gx * PUPIL_TRAVEL), 2),
                                      "y": round(float(-gy * PUPIL_TRAVEL), 2)}
                                     for s, (gx, gy) in zip(times, t.gaze)]}
    events = [{"time": k, "name": "emotion", "string": v} for k, v in _keys_on_change(times, _emotion_names(t))]
    return {"slots": slots, "bones": bones, "events": events}


def spine_document(t: FaceTracks, names: SpineNames | None = None) -> dict:
    """A complete Spine JSON: the minimal skeleton plus the animation."""
    names = names or SpineNames()
    document = _skeleton(names)
    document["animations"] = {names.animation: animation(t, names)}
    return document


def to_spine_json(t: FaceTracks, names: SpineNames | None = None) -> str:
    """The Spine JSON text."""
    return json.dumps(spine_document(t, names), indent=1)
