"""The evaluation's "cues" row: our mouth cues read back through the shapes' openings."""

from pathlib import Path

import numpy as np
import soundfile as sf

from core.evaluation.baselines import normalized_loudness
from core.evaluation.clip_source import RealTrack
from core.evaluation.evaluate import run_evaluation
from core.evaluation.predictor import PredictionInput
from core.motion.s2l_inference import DEFAULT_WEIGHTS
from tests.core.evaluation.synthetic import face_with_openness, spoken_wav


def test_cues_row_sits_beside_the_phone_visemes_and_follows_the_speech(tmp_path: Path) -> None:
    wav = spoken_wav(tmp_path, text="one two three, a big map", pad_s=0.7)
    samples, rate = sf.read(wav, dtype="float32")
    n = int(np.ceil(len(samples) / rate * 25))
    loudness = normalized_loudness(PredictionInput(samples, rate, 25.0, n, np.zeros((68, 3))))
    track = RealTrack(face_with_openness(0.3 * loudness).astype(np.float32), np.ones(n, bool), 25.0)

    result = run_evaluation([wav], model_path=DEFAULT_WEIGHTS, track_loader=lambda path: track)
    assert "cues" in result.methods and "phone visemes" in result.methods
    cues = result.metric_means("cues")
    assert cues["r0"] > 0.3, "cues should open the mouth where the speech is"
    assert cues["closed_in_silence"] > 0.8  # X in the pauses
    assert "| cues |" in result.table()
