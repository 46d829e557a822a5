"""S2L lip motion for the studio's face and speech, through core's derived-motion functions
(runs in a worker thread; core imports torch lazily)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.derived_motion import SpeechKey, compute_speech, speech_key
from core.landmarks.face_landmarks import FaceLandmarks
from core.pipeline import SpeechMotion
from core.progress import ProgressCallback


def predict_speech(key: SpeechKey, face: FaceLandmarks, progress: ProgressCallback | None = None) -> SpeechMotion:
    """The speech motion for ``key`` exactly as ``render-project`` makes it (mouth at rest in
    pauses; phones aligned to the key's transcript when it has one). Raises ModelWeightsError
    when the weights are missing, TranscriptError for a bad transcript; ``progress(stage,
    done, total)`` follows the work (and may raise Cancelled)."""
    return compute_speech(key, face, progress)


def predict_base(face: FaceLandmarks, audio_path: Path, fps: float, transcript: str = "",
                 progress: ProgressCallback | None = None) -> np.ndarray:
    """Normalized T×68×2 base motion of ``predict_speech`` for these inputs."""
    return predict_speech(speech_key(audio_path, face, fps, transcript), face, progress).base
