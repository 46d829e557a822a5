"""S2L lip motion for the studio's face and speech (runs in a worker thread; imports torch lazily)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks
from core.progress import ProgressCallback


def predict_base(face: FaceLandmarks, audio_path: Path, fps: float, transcript: str = "",
                 progress: ProgressCallback | None = None) -> np.ndarray:
    """Normalized T×68×2 base motion, exactly as ``space-studio render`` makes it (mouth at
    rest in pauses; phones aligned to ``transcript`` when one is given). Raises
    ModelWeightsError when the weights are missing, TranscriptError for a bad transcript;
    ``progress(stage, done, total)`` follows the work (and may raise Cancelled)."""
    from core.audio.audio_io import load_audio
    from core.landmarks.normalized_space import normalize
    from core.motion.s2l_inference import SpeechToLandmarks

    model = SpeechToLandmarks.load()
    base, _ = model.animate_speech(load_audio(audio_path), fps, normalize(face).points68,
                                   transcript=transcript.strip() or None, progress=progress)
    return np.asarray(base, np.float32)
