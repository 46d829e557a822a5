"""A portrait made ready to animate: pixels, its landmarks, and its normalized rest face."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from core.image_io import Portrait, load_portrait
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.normalized_space import NormalizedFace, normalize


@dataclass(frozen=True)
class PortraitSetup:
    """The portrait, its face in image pixels, the same face normalized, and notes for the user."""

    portrait: Portrait
    face: FaceLandmarks
    rest: NormalizedFace
    notes: tuple[str, ...] = ()


def find_face(portrait: Portrait, landmarks_path: Path | None = None) -> tuple[FaceLandmarks, tuple[str, ...]]:
    """The portrait's landmarks: from the user's JSON when given, else detected (largest face)."""
    if landmarks_path is not None:
        from core.landmarks.landmark_json import load_landmarks

        face = load_landmarks(landmarks_path)
        return _scaled_to(face, portrait), ()
    from core.landmarks.detector import detect_largest_face

    face, count = detect_largest_face(portrait.rgba[:, :, :3])
    notes = (f"{count} faces found; animating the largest.",) if count > 1 else ()
    return face, notes


def _scaled_to(face: FaceLandmarks, portrait: Portrait) -> FaceLandmarks:
    """Landmarks written for the full-size image, moved onto a downscaled portrait."""
    width, height = portrait.rgba.shape[1], portrait.rgba.shape[0]
    if face.image_size in ((0, 0), (width, height)):
        return face
    factor = width / face.image_size[0]
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


def prepare_portrait(image_path: Path, landmarks_path: Path | None = None) -> PortraitSetup:
    """Load the image and find (or read) its face; raises SpaceStudioError subclasses."""
    portrait = load_portrait(image_path)
    face, notes = find_face(portrait, landmarks_path)
    return PortraitSetup(portrait, face, normalize(face), notes + tuple(portrait.notes))
