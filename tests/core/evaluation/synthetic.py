"""Hand-made faces and speech for the evaluation tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

MOUTH_Y = 0.5
HALF_WIDTH = 0.4  # mouth corners at x = ±0.4 → width 0.8


def face_with_openness(openness: np.ndarray) -> np.ndarray:
    """T×68×3 normalized faces whose mouth openness (gap / width) is ``openness``."""
    openness = np.asarray(openness, np.float64)
    face = np.zeros((len(openness), 68, 3))
    angles = np.linspace(np.pi, 0, 17)
    face[:, 0:17, 0], face[:, 0:17, 1] = np.cos(angles), np.sin(angles)  # jaw down to chin (8)
    face[:, 27, :2] = (0.0, -0.3)  # nose bridge
    gap = openness * 2 * HALF_WIDTH
    xs_outer = np.linspace(-HALF_WIDTH, HALF_WIDTH, 7)
    face[:, 48:55, 0] = xs_outer
    face[:, 48:55, 1] = MOUTH_Y - 0.05 - gap[:, None] / 2
    face[:, [48, 54], 1] = MOUTH_Y
    face[:, 55:60, 0] = xs_outer[1:6][::-1]
    face[:, 55:60, 1] = MOUTH_Y + 0.05 + gap[:, None] / 2
    xs_inner = np.linspace(-0.3, 0.3, 5)
    face[:, 60, :2], face[:, 64, :2] = (xs_inner[0], MOUTH_Y), (xs_inner[-1], MOUTH_Y)
    face[:, 61:64, 0] = xs_inner[1:4]
    face[:, 61:64, 1] = MOUTH_Y - gap[:, None] / 2
    face[:, 65:68, 0] = xs_inner[1:4][::-1]
    face[:, 65:68, 1] = MOUTH_Y + gap[:, None] / 2
    return face


def spoken_wav(folder: Path, text: str = "hello there, how are you today", pad_s: float = 1.0) -> Path:
    """espeak-ng speech at 16 kHz mono with ``pad_s`` seconds of silence on both sides."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to synthesise speech")
    raw, padded = folder / "raw.wav", folder / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(padded), "pad", str(pad_s), str(pad_s)],
                   check=True, capture_output=True)
    return padded
