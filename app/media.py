"""Loading the portrait, its rest face and the speech for the studio, through core."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks

# Where a template face is first placed (fractions of width, height); the user drags it into place.
TEMPLATE_ANCHORS = {36: (0.36, 0.40), 45: (0.64, 0.40), 8: (0.50, 0.80)}

# What the studio opens, by name (core.image_io / core.audio.audio_io say what they decode).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".gif")
AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac")
PROJECT_SUFFIX = ".space.json"
FileKind = Literal["image", "audio", "project"]


def file_kind(path: str | Path) -> FileKind | None:
    """Which loader a file goes to, by its name; None for a name the studio does not open."""
    name = Path(path).name.lower()
    if name.endswith(IMAGE_SUFFIXES):
        return "image"
    if name.endswith(AUDIO_SUFFIXES):
        return "audio"
    if name.endswith(".json"):  # projects, their autosaves, and any JSON a user drops: the loader says which
        return "project"
    return None


def unknown_kind_message(path: str | Path) -> str:
    """Why a file was not opened, and what can be."""
    suffix = Path(path).suffix or "(no extension)"
    return (f"Cannot open {Path(path).name}: {suffix} is not a file type the studio opens. "
            f"Portraits: {_listed(IMAGE_SUFFIXES)}; speech: {_listed(AUDIO_SUFFIXES)}; "
            f"projects: {PROJECT_SUFFIX}.")


def file_filter(suffixes: tuple[str, ...]) -> str:
    """``*.png *.jpg …`` for a file dialog."""
    return " ".join(f"*{s}" for s in suffixes)


def _listed(suffixes: tuple[str, ...]) -> str:
    return ", ".join(s.lstrip(".").upper() for s in suffixes)


@dataclass
class Portrait:
    """The image (H×W×4 uint8 RGBA) and its rest face."""

    rgba: np.ndarray
    rest_face: FaceLandmarks
    path: str


def sidecar_landmarks(path: str | Path) -> Path | None:
    """``portrait_landmarks.json`` or ``<name>.landmarks.json`` beside the image, if present."""
    path = Path(path)
    for candidate in (path.with_name("portrait_landmarks.json"), path.with_suffix(".landmarks.json")):
        if candidate.exists():
            return candidate
    return None


def template_face(width: int, height: int) -> FaceLandmarks:
    """core's template face placed at default anchors (for cartoons, or until detection runs)."""
    from core.landmarks.face_template import fit_template

    anchors = {i: (fx * width, fy * height) for i, (fx, fy) in TEMPLATE_ANCHORS.items()}
    return fit_template(anchors, (width, height))


def load_portrait(path: str) -> Portrait:
    """Pixels via core.image_io; the face from a sidecar JSON, else the template (detection runs separately)."""
    from core.image_io import load_portrait as core_load_portrait
    from core.portrait_setup import find_face

    portrait = core_load_portrait(Path(path))
    rgba = np.ascontiguousarray(portrait.rgba)
    sidecar = sidecar_landmarks(path)
    if sidecar is not None:
        face, _notes = find_face(portrait, sidecar)
    else:
        face = template_face(rgba.shape[1], rgba.shape[0])
    return Portrait(rgba, face, str(path))


def detect_rest_face(rgba: np.ndarray) -> FaceLandmarks:
    """Run the (heavy, lazily imported) detector; call from a worker thread."""
    from core.landmarks.detector import detect_largest_face

    return detect_largest_face(np.ascontiguousarray(rgba[..., :3]))[0]


def load_speech(path: str) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate via core.audio.audio_io."""
    from core.audio.audio_io import load_audio

    audio = load_audio(path)
    return np.asarray(audio.samples, np.float32), int(audio.sample_rate)
