"""Batch fixtures: short real speech lines cut from the bundled sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample"


@pytest.fixture(scope="session")
def lines(tmp_path_factory) -> Path:
    """A folder with line1.wav, line2.wav (1.5 s of the sample's speech each), the sample
    portrait and its landmarks, and broken.wav (a file that is not audio)."""
    folder = tmp_path_factory.mktemp("lines")
    samples, rate = soundfile.read(SAMPLE / "speech.wav", dtype="float32")
    for i in (1, 2):
        soundfile.write(folder / f"line{i}.wav", samples[int((i - 1) * 2 * rate): int(((i - 1) * 2 + 1.5) * rate)], rate)
    (folder / "broken.wav").write_bytes(b"RIFF not really a wave file")
    (folder / "portrait.png").write_bytes((SAMPLE / "portrait.png").read_bytes())
    (folder / "portrait.json").write_bytes((SAMPLE / "portrait_landmarks.json").read_bytes())
    assert np.isfinite(samples).all()
    return folder


def write_manifest(folder: Path, text: str, name: str = "manifest.csv") -> Path:
    """A manifest file next to the lines."""
    path = folder / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path
