"""Face detection facade: the one entry point the rest of the engine calls.

Faces come back largest first (by the area of their 68-point bounding box),
so "the face" of a portrait is ``detect_faces(image)[0]``.
"""

from __future__ import annotations

import numpy as np

from core.errors import NoFaceError
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.mediapipe_detector import MediapipeConfig, MediapipeDetector


def _area(face: FaceLandmarks) -> float:
    x0, y0, x1, y1 = face.bounding_box()
    return (x1 - x0) * (y1 - y0)


def _run_backend(image_rgb: np.ndarray, config: MediapipeConfig | None, backend: str) -> list[FaceLandmarks]:
    if backend == "mediapipe":
        with MediapipeDetector(config) as detector:
            return detector.detect(image_rgb)
    if backend == "face_alignment":
        from core.landmarks.face_alignment_detector import FaceAlignmentDetector

        return FaceAlignmentDetector().detect(image_rgb)
    raise ValueError(f"unknown detector backend {backend!r}; use 'mediapipe' or 'face_alignment'")


def detect_faces(
    image_rgb: np.ndarray, config: MediapipeConfig | None = None, backend: str = "mediapipe"
) -> list[FaceLandmarks]:
    """All faces in an H×W×3 (or ×4) uint8 RGB image, largest first.

    Raises NoFaceError when there is none (and ModelWeightsError when the
    optional face_alignment backend cannot run offline).
    """
    faces = _run_backend(image_rgb, config, backend)
    if not faces:
        height, width = np.asarray(image_rgb).shape[:2]
        raise NoFaceError(
            f"No face found in the {width}×{height} image; place landmarks by hand or load a landmark file."
        )
    return sorted(faces, key=_area, reverse=True)


def detect_largest_face(
    image_rgb: np.ndarray, config: MediapipeConfig | None = None, backend: str = "mediapipe"
) -> tuple[FaceLandmarks, int]:
    """The largest face and how many faces were found (for "3 faces found, using the largest")."""
    faces = detect_faces(image_rgb, config, backend)
    return faces[0], len(faces)
