"""A portrait made ready to animate: pixels, its landmarks, and its normalized rest face."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import LandmarkFileError
from core.image_io import Portrait, load_portrait
from core.input_limits import one_line
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.normalized_space import NormalizedFace, normalize


@dataclass(frozen=True)
class PortraitSetup:
    """The portrait, its face in image pixels, the same face normalized, and notes for the user."""

    portrait: Portrait
    face: FaceLandmarks
    rest: NormalizedFace
    notes: tuple[str, ...] = ()


def find_face(
    portrait: Portrait, landmarks_path: Path | None = None, accept_low_confidence: bool = False
) -> tuple[FaceLandmarks, tuple[str, ...]]:
    """The portrait's landmarks: from the user's JSON when given, else detected (largest face).

    Detected faces must pass the plausibility checks (ImplausibleFaceError otherwise)
    unless ``accept_low_confidence``."""
    if landmarks_path is not None:
        from core.landmarks.landmark_json import load_landmarks

        face = load_landmarks(landmarks_path)
        return _scaled_to(face, portrait), ()
    from core.landmarks.detector import detect_largest_face

    face, count = detect_largest_face(portrait.rgba[:, :, :3], accept_low_confidence=accept_low_confidence)
    notes = (f"{count} faces found; animating the largest.",) if count > 1 else ()
    if face.source == "drawn":
        notes += ("The face was read as a flat-colour drawing (pupils, mouth, chin); check it in the studio.",)
    return face, notes


def _scaled_to(face: FaceLandmarks, portrait: Portrait) -> FaceLandmarks:
    """Landmarks written for the full-size image, moved onto a downscaled portrait."""
    width, height = portrait.rgba.shape[1], portrait.rgba.shape[0]
    if face.image_size in ((0, 0), (width, height)):
        return face
    factor = width / face.image_size[0]
    if abs(face.image_size[1] * factor - height) > max(2.0, 0.02 * height):
        # Scaling by the width alone would put the points off the face (or off the image).
        raise LandmarkFileError(
            f"The landmarks are for a {face.image_size[0]}×{face.image_size[1]} image, but "
            f"'{portrait.path.name}' is {width}×{height}: not the same proportions — is it the right image?")
    return scale_face(face, factor, (width, height))


def scale_face(face: FaceLandmarks, factor: float, image_size: tuple[int, int]) -> FaceLandmarks:
    """The same face on an image resized by ``factor`` (pose translation and scale follow)."""
    pose = replace(face.pose, tx=face.pose.tx * factor, ty=face.pose.ty * factor, scale=face.pose.scale * factor)
    return replace(
        face,
        points68=face.points68 * factor,
        upper_lids=face.upper_lids * factor,
        lower_lids=face.lower_lids * factor,
        iris=face.iris * factor,
        iris_radius=face.iris_radius * factor,
        pose=pose,
        image_size=image_size,
    )


def prepare_portrait(
    image_path: Path, landmarks_path: Path | None = None, accept_low_confidence: bool = False
) -> PortraitSetup:
    """Load the image and find (or read) its face; raises SpaceStudioError subclasses."""
    portrait = load_portrait(image_path)
    face, notes = find_face(portrait, landmarks_path, accept_low_confidence)
    try:
        rest = normalize(face)
    except ValueError as err:  # degenerate geometry the file checks did not catch
        raise LandmarkFileError(one_line(f"The landmarks of '{Path(image_path).name}' cannot be used: {err}.")) from None
    return PortraitSetup(portrait, face, rest, notes + tuple(portrait.notes))
