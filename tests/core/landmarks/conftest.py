"""Fixtures for the landmark tests: the shared data folder and one detected portrait."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.core.landmarks.shared_data import shared_data_dir

PORTRAIT = "portraits/KwaiVGI__LivePortrait/s9.jpg"  # turned ~16° yaw: exercises rotation


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = shared_data_dir()
    if data is None:
        pytest.skip("shared data folder not available")
    return data


@pytest.fixture(scope="session")
def portrait_rgb(shared_data: Path) -> np.ndarray:
    path = shared_data / PORTRAIT
    if not path.exists():
        pytest.skip(f"{PORTRAIT} not in the shared data")
    cv2.setNumThreads(1)
    return np.ascontiguousarray(cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1])


@pytest.fixture(scope="session")
def detected_face(portrait_rgb: np.ndarray):
    from core.landmarks.detector import detect_faces

    return detect_faces(portrait_rgb)[0]
