"""Face detection facade: the one entry point the rest of the engine calls.

Faces come back largest first (by the area of their 68-point bounding box),
so "the face" of a portrait is ``detect_faces(image)[0]``.

Every face the detector returns passes ``core.landmarks.face_plausibility``'s
checks before it is used; implausible ones are dropped. When none is left (or
the detector found nothing), ``core.landmarks.drawn_face_locator`` tries to read
a flat-colour cartoon face, and its result must pass the same checks. What
still fails is refused with ImplausibleFaceError (a NoFaceError) naming the
reason, unless the caller accepts low-confidence faces.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.errors import ImplausibleFaceError, NoFaceError
from core.landmarks.detection_cache import FACE_CACHE, cache_key, load_face, store_face
from core.landmarks.drawn_face_locator import locate_drawn_face
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.face_plausibility import NO_FACE_HINT, check_face, implausible_message
from core.landmarks.mediapipe_detector import MediapipeConfig, MediapipeDetector


CHECKS_VERSION = 1  # part of the cache key: faces kept before the checks changed are checked again


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
    image_rgb: np.ndarray, config: MediapipeConfig | None = None, backend: str = "mediapipe",
    accept_low_confidence: bool = False,
) -> list[FaceLandmarks]:
    """All plausible faces in an H×W×3 (or ×4) uint8 RGB image, largest first.

    Raises ImplausibleFaceError when faces were found but none passes the
    plausibility checks, NoFaceError when there is none (and ModelWeightsError
    when the optional face_alignment backend cannot run offline). With
    ``accept_low_confidence`` the detector's faces (or the drawn locator's) are
    returned unchecked.
    """
    image = np.asarray(image_rgb)
    faces = sorted(_run_backend(image, config, backend), key=_area, reverse=True)
    if faces and accept_low_confidence:
        return faces
    checks = [check_face(face, image) for face in faces]
    plausible = [face for face, check in zip(faces, checks) if check.ok]
    if plausible:
        return plausible
    drawn = locate_drawn_face(image)
    if drawn is not None:
        drawn_check = check_face(drawn, image)
        if drawn_check.ok or accept_low_confidence:
            return [drawn]
        checks.append(drawn_check)
    if checks:
        raise ImplausibleFaceError(implausible_message(checks[0].reason), checks[0].reason)
    height, width = image.shape[:2]
    raise NoFaceError(f"No face found in the {width}×{height} image; {NO_FACE_HINT}.")


def detect_largest_face(
    image_rgb: np.ndarray, config: MediapipeConfig | None = None, backend: str = "mediapipe",
    cache: Path | None = FACE_CACHE, accept_low_confidence: bool = False,
) -> tuple[FaceLandmarks, int]:
    """The largest face and how many faces were found (for "3 faces found, using the largest").

    Kept in ``cache`` (core.landmarks.detection_cache; None: always detect), so the
    same portrait is detected once rather than at every start."""
    checked = "unchecked" if accept_low_confidence else f"checked-{CHECKS_VERSION}"
    key = cache_key(image_rgb, f"{backend}|{config or MediapipeConfig()}|{checked}")
    cached = load_face(key, cache)
    if cached is not None:
        return cached
    faces = detect_faces(image_rgb, config, backend, accept_low_confidence)
    store_face(key, faces[0], len(faces), cache)
    return faces[0], len(faces)
