"""Emotion names and the command line's emotion mix syntax.

``happy=0.7`` holds happy at 0.7 for the whole clip; ``angry=1@2.5-4`` ramps
angry in around 2.5 s and out around 4 s. Several specs mix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.animation.tracks import EMOTIONS
from core.errors import SpaceStudioError

_ALIASES = {"surprise": "surprised", "disgusted": "disgust", "fearful": "fear", "anger": "angry"}
_SPEC = re.compile(r"^\s*([a-zA-Z]+)\s*=\s*([0-9.]+)\s*(?:@\s*([0-9.]+)\s*-\s*([0-9.]+)\s*)?$")


class EmotionSpecError(SpaceStudioError):
    """An --emotion value that cannot be understood."""


@dataclass(frozen=True)
class EmotionSpan:
    """One emotion at an intensity over [start, end) seconds (end=inf: to the end)."""

    emotion: str
    intensity: float
    start: float = 0.0
    end: float = math.inf


def emotion_index(name: str) -> int:
    """Index of an emotion name (aliases accepted) in EMOTIONS."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in EMOTIONS:
        raise EmotionSpecError(f"Unknown emotion '{name}'; use one of: {', '.join(EMOTIONS)}.")
    return EMOTIONS.index(key)


def parse_emotion_spec(text: str) -> EmotionSpan:
    """Parse ``NAME=INTENSITY[@START-END]``."""
    match = _SPEC.match(text)
    if match is None:
        raise EmotionSpecError(f"Cannot read --emotion '{text}'; write NAME=INTENSITY or NAME=INTENSITY@START-END.")
    name, intensity, start, end = match.groups()
    value = float(intensity)
    if not 0.0 <= value <= 1.0:
        raise EmotionSpecError(f"Emotion intensity must be between 0 and 1, got {value} in '{text}'.")
    span_start = float(start) if start is not None else 0.0
    span_end = float(end) if end is not None else math.inf
    if span_end <= span_start:
        raise EmotionSpecError(f"Emotion span must end after it starts in '{text}'.")
    return EmotionSpan(EMOTIONS[emotion_index(name)], value, span_start, span_end)
