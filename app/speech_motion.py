"""S2L lip motion for the studio's face and speech (runs in a worker thread; imports torch lazily)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks


def predict_base(face: FaceLandmarks, audio_path: Path, fps: float) -> np.ndarray:
    """Normalized T×68×2 base motion; raises ModelWeightsError when the weights are missing."""
    from core.audio.audio_io import load_audio
    from core.audio.features import mfcc_per_frame
    from core.landmarks.normalized_space import normalize
    from core.motion.s2l_inference import SpeechToLandmarks

    model = SpeechToLandmarks.load()
    mfcc = mfcc_per_frame(load_audio(audio_path), fps)
    return np.asarray(model.predict(mfcc, normalize(face).points68, None), np.float32)
