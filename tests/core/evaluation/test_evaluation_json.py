"""`evaluate --json`: means and per-clip rows of every method, run to run comparable."""

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from core.evaluation.baselines import normalized_loudness
from core.evaluation.clip_source import RealTrack
from core.evaluation.evaluate import run_evaluation
from core.evaluation.predictor import PredictionInput
from tests.core.evaluation.synthetic import face_with_openness, spoken_wav


def _loader(wav: Path):
    samples, rate = sf.read(wav, dtype="float32")
    n = int(np.ceil(len(samples) / rate * 30))
    loudness = normalized_loudness(PredictionInput(samples, rate, 30.0, n, np.zeros((68, 3))))
    track = RealTrack(face_with_openness(0.3 * loudness).astype(np.float32), np.ones(n, bool), 30.0)
    return lambda path: track


def test_json_holds_means_and_clip_rows_for_every_method(tmp_path):
    wav = spoken_wav(tmp_path, text="bring me a big map, bob", pad_s=0.8)
    out = tmp_path / "scores.json"
    result = run_evaluation([wav], json_path=out, track_loader=_loader(wav))
    scores = json.loads(out.read_text(encoding="utf-8"))

    assert scores["clips_scored"] == 1 and scores["skipped"] == []
    assert list(scores["methods"]) == result.methods == ["still", "energy jaw", "phone visemes"]
    for method, block in scores["methods"].items():
        assert [row["clip"] for row in block["clips"]] == [result.clips[0].name]
        for key in ("r0", "amplitude_ratio", "width_r", "closed_short_pause", "closed_long_pause",
                    "real_closed_long_pause", "closed_phrase_end", "bilabial_closed", "real_bilabial_closed", "abs_best_lag"):
            assert key in block["means"], (method, key)
    still = scores["methods"]["still"]
    assert still["means"]["r0"] is None and still["clips"][0]["best_lag"] is None  # NaN → null
    assert still["means"]["amplitude_ratio"] == 0.0  # a still face does not move at all
    energy = scores["methods"]["energy jaw"]["clips"][0]
    assert energy["r0"] > 0.7 and 0.5 < energy["amplitude_ratio"] < 2
    # PhoneNet hears the /b/ /m/ /p/ of the line; the still, closed portrait meets them all.
    assert still["clips"][0]["bilabial_closed"] == 1.0
    assert energy["real_closed_phrase_end"] > 0.9  # the padded silence before and after the line
