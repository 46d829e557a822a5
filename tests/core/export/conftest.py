"""Export fixtures: real speech from espeak-ng and frames of a drawn face."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.drawn_face import draw_portrait


@pytest.fixture(scope="session")
def speech_2s(tmp_path_factory) -> Path:
    """Exactly 2.0 s of espeak-ng speech, 16 kHz mono WAV."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to synthesise test speech")
    folder = tmp_path_factory.mktemp("speech")
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), "Hello, this is a short test."], check=True)
    out = folder / "speech_2s.wav"
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(out), "pad", "0", "2", "trim", "0", "2"], check=True)
    return out


@pytest.fixture(scope="session")
def face_frames() -> list[np.ndarray]:
    """50 RGBA frames (129×97, odd on purpose) of a drawn face sliding sideways."""
    image, _ = draw_portrait(129)
    return [np.ascontiguousarray(np.roll(image, k, axis=1)[:97]) for k in range(50)]
