"""End to end on a tiny synthetic clip: espeak speech + a drawn face track."""

from pathlib import Path

import numpy as np
import soundfile as sf

from core.evaluation.baselines import normalized_loudness
from core.evaluation.clip_source import RealTrack
from core.evaluation.evaluate import run_evaluation
from core.evaluation.predictor import PredictionInput
from tests.core.evaluation.synthetic import face_with_openness, spoken_wav


def _real_track(wav: Path) -> RealTrack:
    """A 'real' face at 25 fps whose mouth opens with the loudness of the speech."""
    samples, rate = sf.read(wav, dtype="float32")
    n = int(np.ceil(len(samples) / rate * 25))
    loudness = normalized_loudness(PredictionInput(samples, rate, 25.0, n, np.zeros((68, 3))))
    return RealTrack(face_with_openness(0.3 * loudness).astype(np.float32), np.ones(n, bool), 25.0)


def test_report_with_baselines_and_an_extra_predictor(tmp_path):
    wav = spoken_wav(tmp_path, text="one two three", pad_s=0.7)
    track = _real_track(wav)

    def loader(path: Path) -> RealTrack:
        assert path == wav
        return track

    def always_open(inputs: PredictionInput) -> np.ndarray:
        return face_with_openness(np.full(inputs.n_frames, 0.2))[..., :2]

    report = tmp_path / "out" / "report.md"
    steps = []
    result = run_evaluation([wav], report_path=report, extra_predictors={"always open": always_open},
                            track_loader=loader, progress=lambda *step: steps.append(step))
    assert steps[-1] == ("Evaluating clips", 1, 1)

    assert result.methods == ["still", "energy jaw", "phone visemes", "always open"]
    assert "| always open | — | — |" in result.table()
    energy = result.metric_means("energy jaw")
    assert energy["r0"] > 0.7, "loudness-driven jaw should follow a loudness-driven mouth"
    assert energy["closed_in_silence"] > 0.9
    assert result.metric_means("always open")["closed_in_silence"] == 0.0
    assert result.metric_means("phone visemes")["closed_in_silence"] > 0.9  # silence is the closed phone
    text = report.read_text(encoding="utf-8")
    assert "## How much of the position error is a constant offset" in text
    assert "| always open |" in text.split("## How much")[1].split("## Per clip")[0]
    assert "| energy jaw |" in text and "| always open |" in text and "| still | —" in text
    plots = sorted(report.parent.glob("report_*.png"))
    assert len(plots) == 1 and plots[0].stat().st_size > 5000
    assert f"]({plots[0].name})" in text
