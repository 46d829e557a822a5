"""Emotion names and the command line's emotion mix syntax.

``happy=0.7`` holds happy at 0.7 for the whole clip; ``angry=1@2.5-4`` ramps
angry in around 2.5 s and out around 4 s. Several specs mix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.errors import SpaceStudioError

# MEAD's 8 emotions, in the column order of every T×8 weight array: the one list of the
# engine (tracks, S2L's emotion input, the expression displacements, training labels).
EMOTIONS = ("neutral", "happy", "sad", "angry", "surprised", "fear", "disgust", "contempt")
# Other spellings found in data-set file names and in what users type.
EMOTION_ALIASES = {"surprise": "surprised", "disgusted": "disgust", "fearful": "fear", "anger": "angry"}
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
    key = EMOTION_ALIASES.get(name.lower(), name.lower())
    if key not in EMOTIONS:
        raise EmotionSpecError(f"Unknown emotion '{name[:40]}'; use one of: {', '.join(EMOTIONS)}.")
    return EMOTIONS.index(key)


def parse_emotion_spec(text: str) -> EmotionSpan:
    """Parse ``NAME=INTENSITY[@START-END]``."""
    match = _SPEC.match(text)
    if match is None:
        raise EmotionSpecError(f"Cannot read --emotion '{text[:60]}'; write NAME=INTENSITY or NAME=INTENSITY@START-END.")
    name, intensity, start, end = match.groups()
    try:
        value = float(intensity)
        span_start = float(start) if start is not None else 0.0
        span_end = float(end) if end is not None else math.inf
    except ValueError:  # "1..2" passes the pattern's [0-9.]+
        raise EmotionSpecError(f"Cannot read the numbers in --emotion '{text[:60]}'; write e.g. happy=0.7@1.5-3.") from None
    if not 0.0 <= value <= 1.0:
        raise EmotionSpecError(f"Emotion intensity must be between 0 and 1, got {value:g} in '{text[:60]}'.")
    if span_end <= span_start:
        raise EmotionSpecError(f"Emotion span must end after it starts in '{text[:60]}'.")
    return EmotionSpan(EMOTIONS[emotion_index(name)], value, span_start, span_end)
