"""Learned per-emotion expression displacements in normalized landmark space.

Each MEAD emotion is a fixed displacement of the 68 normalized landmarks and of
the interior eyelid points from a speaker's neutral face (learned by
``core.training.train_emotion`` from MEAD and CREMA-D clips: averaged over actors,
each region scaled back to the actors' own size, the inner-lip gap left to speech;
core.training.emotion_reach measures it against the real faces).
An emotion track gives per-frame intensities (T×8, 0 = none, 1 = MEAD level 3);
the offsets are their weighted sum, added to the speaking face before posing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ModelWeightsError
from core.landmarks.face_landmarks import LID_POINTS, RIG_68, RIG_LOWER_LIDS, RIG_POINT_COUNT, RIG_UPPER_LIDS

from core.emotion_spec import EMOTION_ALIASES, EMOTIONS  # the one emotion list and its other spellings
from core.weights_location import shipped_weights

# Names older files or MEAD's file names use for the same emotions.
DEFAULT_PATH = shipped_weights("emotion", "emotion_displacements.json")


@dataclass(frozen=True)
class EmotionExpressions:
    """Displacements per emotion: points68 8×68×2, upper/lower lids 8×2×7×2."""

    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> EmotionExpressions:
        """Read the displacement JSON; ModelWeightsError if missing or malformed."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise ModelWeightsError(f"Emotion displacements not found: {path}") from err
        except (OSError, json.JSONDecodeError) as err:
            raise ModelWeightsError(f"Emotion displacements unreadable ({path.name}): {err}") from err
        return cls.from_dict(data, path.name)

    @classmethod
    def from_dict(cls, data: dict, name: str = "emotion data") -> EmotionExpressions:
        """Build from the JSON layout written by train_emotion (checked)."""
        stored = [EMOTION_ALIASES.get(e, e) for e in data.get("emotions", ())]
        if sorted(stored) != sorted(EMOTIONS):
            raise ModelWeightsError(f"{name}: emotions must be {', '.join(EMOTIONS)}")
        order = [stored.index(e) for e in EMOTIONS]
        try:
            arrays = {key: np.asarray(data[key], np.float32)[order] for key in ("points68", "upper_lids", "lower_lids")}
        except (KeyError, ValueError, IndexError) as err:
            raise ModelWeightsError(f"{name}: missing or malformed displacement arrays ({err})") from err
        n = len(EMOTIONS)
        expected = {"points68": (n, 68, 2), "upper_lids": (n, 2, LID_POINTS, 2), "lower_lids": (n, 2, LID_POINTS, 2)}
        for key, shape in expected.items():
            if arrays[key].shape != shape:
                raise ModelWeightsError(f"{name}: {key} has shape {arrays[key].shape}, expected {shape}")
        return cls(**arrays)

    def offsets(self, weights: np.ndarray) -> np.ndarray:
        """weights: T×8 intensities → T×68×2 normalized displacements."""
        return np.einsum("te,ekc->tkc", _check_weights(weights), self.points68).astype(np.float32)

    def lid_offsets(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """weights: T×8 → (upper, lower) lid displacements, each T×2×7×2."""
        w = _check_weights(weights)
        upper = np.einsum("te,eskc->tskc", w, self.upper_lids).astype(np.float32)
        lower = np.einsum("te,eskc->tskc", w, self.lower_lids).astype(np.float32)
        return upper, lower

    def rig_offsets(self, weights: np.ndarray) -> np.ndarray:
        """weights: T×8 → T×RIG_POINT_COUNT×2 (iris offsets are zero: gaze owns them)."""
        w = _check_weights(weights)
        rig = np.zeros((len(w), RIG_POINT_COUNT, 2), np.float32)
        upper, lower = self.lid_offsets(w)
        rig[:, RIG_68] = self.offsets(w)
        rig[:, RIG_UPPER_LIDS] = upper.reshape(len(w), -1, 2)
        rig[:, RIG_LOWER_LIDS] = lower.reshape(len(w), -1, 2)
        return rig


def one_hot(emotion: str, intensity: float, frames: int) -> np.ndarray:
    """T×8 weights holding one emotion at a constant intensity."""
    if emotion not in EMOTIONS:
        raise ValueError(f"Unknown emotion {emotion!r}; expected one of {', '.join(EMOTIONS)}")
    weights = np.zeros((frames, len(EMOTIONS)), np.float32)
    weights[:, EMOTIONS.index(emotion)] = intensity
    return weights


def _check_weights(weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, np.float32)
    if w.ndim != 2 or w.shape[1] != len(EMOTIONS):
        raise ValueError(f"emotion weights must be T×{len(EMOTIONS)}, got {w.shape}")
    return w
