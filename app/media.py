"""Loading the portrait, its rest face and the speech for the studio, through core where it exists."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.stand_in.face import template_face
from core.errors import ImageError
from core.landmarks.face_landmarks import FaceLandmarks


@dataclass
class Portrait:
    """The image (H×W×4 uint8 RGBA) and its rest face."""

    rgba: np.ndarray
    rest_face: FaceLandmarks
    path: str


def _optional(module: str, name: str):  # noqa: ANN202 - returns whatever core exposes
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def load_portrait_image(path: str) -> np.ndarray:
    """RGBA uint8 pixels, via core.image_io when present."""
    core_load = _optional("core.image_io", "load_portrait")
    if core_load is not None:
        image = np.asarray(core_load(path))
    else:
        import cv2

        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ImageError(f"Cannot read image {Path(path).name}.")
        image = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    if image.ndim == 3 and image.shape[2] == 3:
        image = np.concatenate([image, np.full(image.shape[:2] + (1,), 255, np.uint8)], 2)
    return np.ascontiguousarray(image.astype(np.uint8))


def find_rest_face(path: str, rgba: np.ndarray) -> FaceLandmarks:
    """Sidecar landmark JSON, else the detector, else a template face (user then drags it in place)."""
    h, w = rgba.shape[:2]
    loader = _optional("core.landmarks.landmark_json", "load_landmarks")
    for sidecar in (Path(path).with_name("portrait_landmarks.json"), Path(path).with_suffix(".landmarks.json")):
        if loader is not None and sidecar.exists():
            return loader(sidecar)
    return template_face(w, h)


def detect_rest_face(rgba: np.ndarray) -> FaceLandmarks:
    """Run the (heavy, lazily imported) detector; call from a worker thread."""
    detect = _optional("core.landmarks.detector", "detect_faces")
    if detect is None:
        raise ImageError("Face detection is not available in this build; drag the template face into place.")
    return detect(np.ascontiguousarray(rgba[..., :3]))[0]


def load_portrait(path: str) -> Portrait:
    rgba = load_portrait_image(path)
    return Portrait(rgba, find_rest_face(path, rgba), str(path))


def load_speech(path: str) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate via core.audio.audio_io."""
    from core.audio.audio_io import load_audio

    audio = load_audio(path)
    return np.asarray(audio.samples, np.float32), int(audio.sample_rate)
