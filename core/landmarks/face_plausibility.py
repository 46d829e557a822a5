"""Is a found face really where the landmarks say? Cheap checks on every detected face.

mediapipe's face mesh always returns a face-shaped mesh, even on drawings it
does not understand: on chibi and anime characters the mouth points can sit on
the chin line and eye points on the hat. These checks look at the pixels under
the landmarks and at the proportions between them, so a wrong face is refused
with a reason instead of being animated silently.

Everything is measured in a *face frame*: the image warped (similarity) so the
eye centres sit ``FRAME_EYE_DISTANCE`` pixels apart on a horizontal line. All
thresholds are therefore in eye distances and independent of image size. The
thresholds were set on the 245 portraits of the shared data set (photos,
paintings, illustrations, cartoons; see docs/drawn_faces.md): no ordinary photo
is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.landmarks.face_landmarks import EYE_LEFT, EYE_RIGHT, INNER_LIPS, MOUTH, FaceLandmarks

FRAME_EYE_DISTANCE = 40.0  # pixels between the eye centres in the face frame
FRAME_SIZE = (120, 150)  # width, height of the face frame
FRAME_EYES_AT = (60.0, 50.0)  # where the midpoint between the eyes lands

# What the user can do instead, in the words of the CLI and the studio.
NO_FACE_HINT = "give its landmarks with --landmarks FILE.json or fit it in the studio (Rest mode ▸ Fit face to anchors)"
FITTING_HINT = (
    "give its landmarks with --landmarks FILE.json, fit it in the studio (Rest mode ▸ Fit face to anchors), "
    "or keep it with --accept-low-confidence"
)


@dataclass(frozen=True)
class PlausibilityConfig:
    """Limits a face must respect; lengths in eye distances (centre to centre)."""

    mouth_below_eyes: tuple[float, float] = (0.3, 2.6)  # photos 0.90–2.1 (turned heads), drawings 0.41–1.57
    mouth_off_centre: float = 1.0  # sideways offset from the eyes' midpoint: ≤ 0.6 on turned heads
    min_chin_below_mouth: float = 0.25  # photos ≥ 0.44, right drawn faces ≥ 0.28 (chibi)
    eye_distance_per_face_width: tuple[float, float] = (0.2, 0.85)  # jaw ends 0–16
    min_eye_contrast: float = 8.0  # L* levels (0–100): eyes ≥ 15 on the data, a plain patch of skin or hat < 1
    sunglasses_darkness: float = 25.0  # an eye this much darker than the skin is hidden, not missing
    flat_fill_fraction: float = 0.2  # share of flat pixels from which a face counts as drawn in flat colour
    min_face_below_mouth: float = 0.3  # share of skin-coloured pixels between mouth and chin (flat drawings)
    skin_tolerance: float = 15.0  # ΔE (a*b*+L*) within which a pixel counts as the face's fill colour
    image_margin: float = 0.02  # eye and mouth points may lie this share of the image size outside


@dataclass(frozen=True)
class FaceCheck:
    """Outcome of the checks: an empty ``problems`` means the face is plausible."""

    problems: tuple[str, ...]
    measures: dict[str, float]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """The first problem, as shown to the user."""
        return self.problems[0] if self.problems else ""


def implausible_message(reason: str, image_name: str | None = None) -> str:
    """The one-line refusal the CLI and the studio show."""
    where = f" in '{image_name}'" if image_name else ""
    return f"The face found{where} looks wrong ({reason}); {FITTING_HINT}."


def eye_centres(face: FaceLandmarks) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the two 6-point eye contours (image-left eye first)."""
    points = face.points68[:, :2].astype(np.float64)
    return points[EYE_LEFT].mean(axis=0), points[EYE_RIGHT].mean(axis=0)


class FaceFrame:
    """The similarity that puts a face's eyes level, FRAME_EYE_DISTANCE apart."""

    def __init__(self, face: FaceLandmarks) -> None:
        left, right = eye_centres(face)
        self.eye_distance = float(np.linalg.norm(right - left))
        across = (right - left) / max(self.eye_distance, 1e-6)
        down = np.array([-across[1], across[0]])
        scale = FRAME_EYE_DISTANCE / max(self.eye_distance, 1e-6)
        rotation = np.stack([across, down]) * scale
        offset = np.asarray(FRAME_EYES_AT) - rotation @ ((left + right) / 2)
        self.matrix = np.hstack([rotation, offset[:, None]])  # image → frame, 2×3

    def to_frame(self, points: np.ndarray) -> np.ndarray:
        """N×2 image pixels → N×2 frame pixels."""
        return np.asarray(points, np.float64)[:, :2] @ self.matrix[:, :2].T + self.matrix[:, 2]

    def units(self, frame_points: np.ndarray) -> np.ndarray:
        """Frame pixels → eye distances from the eyes' midpoint (x across, y down)."""
        return (np.asarray(frame_points, np.float64) - FRAME_EYES_AT) / FRAME_EYE_DISTANCE

    def warp(self, image_rgb: np.ndarray) -> np.ndarray:
        """The face frame's pixels as float32 CIE L*a*b* (L* 0–100)."""
        image = np.asarray(image_rgb)[:, :, :3]
        # Only the image region the frame covers is blurred and sampled.
        corners = np.array([[0, 0], [FRAME_SIZE[0], 0], [0, FRAME_SIZE[1]], [FRAME_SIZE[0], FRAME_SIZE[1]]], np.float64)
        inverse = cv2.invertAffineTransform(self.matrix)
        spread = corners @ inverse[:, :2].T + inverse[:, 2]
        height, width = image.shape[:2]
        x0, y0 = np.clip(np.floor(spread.min(axis=0)).astype(int) - 2, 0, [width - 1, height - 1])
        x1, y1 = np.clip(np.ceil(spread.max(axis=0)).astype(int) + 2, [x0 + 1, y0 + 1], [width, height])
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        shrink = self.eye_distance / FRAME_EYE_DISTANCE
        if shrink > 2:  # blur before sampling so fine texture does not alias
            crop = cv2.GaussianBlur(crop, (0, 0), shrink / 2)
        matrix = self.matrix.copy()
        matrix[:, 2] += self.matrix[:, :2] @ np.array([x0, y0], np.float64)
        frame = cv2.warpAffine(crop, matrix, FRAME_SIZE, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return cv2.cvtColor(frame.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def _patch(lab: np.ndarray, centre: np.ndarray, half_width: float, half_height: float) -> np.ndarray:
    """The pixels (N×3) of a box in the frame, clipped to it (at least one pixel)."""
    height, width = lab.shape[:2]
    x0 = int(np.clip(round(centre[0] - half_width), 0, width - 1))
    y0 = int(np.clip(round(centre[1] - half_height), 0, height - 1))
    x1 = int(np.clip(round(centre[0] + half_width) + 1, x0 + 1, width))
    y1 = int(np.clip(round(centre[1] + half_height) + 1, y0 + 1, height))
    return lab[y0:y1, x0:x1].reshape(-1, 3)


def _flat_fraction(lab: np.ndarray) -> float:
    """Share of the central face area with no brightness change at all (flat colour fills)."""
    light = lab[:, :, 0]
    gradient = np.hypot(cv2.Sobel(light, cv2.CV_32F, 1, 0), cv2.Sobel(light, cv2.CV_32F, 0, 1))
    d, (cx, cy) = FRAME_EYE_DISTANCE, FRAME_EYES_AT
    centre = gradient[int(cy - 0.3 * d) : int(cy + 1.3 * d), int(cx - 0.8 * d) : int(cx + 0.8 * d)]
    return float(np.mean(centre < 1.5))  # L* per Sobel unit: noise in photos and paintings exceeds it


def _outside_image(face: FaceLandmarks, image_shape: tuple[int, ...], margin: float) -> bool:
    height, width = image_shape[:2]
    points = face.points68[np.r_[EYE_LEFT, EYE_RIGHT, MOUTH], :2]
    low = -margin * np.array([width, height])
    high = np.array([width, height]) * (1 + margin)
    return bool(np.any(points < low) or np.any(points > high))


def _geometry(face: FaceLandmarks, frame: FaceFrame, config: PlausibilityConfig) -> tuple[list[str], dict[str, float]]:
    """Proportions: mouth below the eyes and above the chin, eye distance vs face width."""
    points = frame.units(frame.to_frame(face.points68))
    mouth = points[INNER_LIPS].mean(axis=0)
    chin_gap = points[8, 1] - mouth[1]
    face_width = np.linalg.norm(points[16] - points[0])
    measures = {
        "mouth_below_eyes": float(mouth[1]),
        "mouth_off_centre": float(abs(mouth[0])),
        "chin_below_mouth": float(chin_gap),
        "eye_distance_per_face_width": float(1.0 / max(face_width, 1e-6)),
    }
    problems = []
    low, high = config.mouth_below_eyes
    if not low <= mouth[1] <= high or abs(mouth[0]) > config.mouth_off_centre:
        problems.append(f"the mouth is {mouth[1]:.1f} eye distances below the eyes and {abs(mouth[0]):.1f} aside")
    elif chin_gap < config.min_chin_below_mouth:
        problems.append("the mouth points lie on the chin")
    low, high = config.eye_distance_per_face_width
    if not low <= measures["eye_distance_per_face_width"] <= high:
        problems.append("the eyes are too close or too far apart for the face's width")
    return problems, measures


def _appearance(face: FaceLandmarks, frame: FaceFrame, lab: np.ndarray, config: PlausibilityConfig):
    """Pixels: a visible eye under each eye contour; face colour between a drawn mouth and chin."""
    points = frame.to_frame(face.points68)
    d = FRAME_EYE_DISTANCE
    mouth = points[INNER_LIPS].mean(axis=0)
    # The face's own colour: cheeks halfway between the eye line and the mouth.
    cheek_y = FRAME_EYES_AT[1] + 0.5 * (mouth[1] - FRAME_EYES_AT[1])
    cheeks = np.vstack([_patch(lab, np.array([FRAME_EYES_AT[0] + side * 0.5 * d, cheek_y]), 4, 3) for side in (-1, 1)])
    skin = np.median(cheeks, axis=0)
    problems, measures = [], {"flat_fill": _flat_fraction(lab)}
    for name, contour in (("left", EYE_LEFT), ("right", EYE_RIGHT)):
        eye = _patch(lab, points[contour].mean(axis=0), 0.25 * d, 0.12 * d)[:, 0]
        contrast = float(np.percentile(eye, 95) - np.percentile(eye, 5))
        darker = float(skin[0] - np.median(eye))
        measures[f"{name}_eye_contrast"] = contrast
        if contrast < config.min_eye_contrast and darker < config.sunglasses_darkness:
            problems.append(f"there is no eye under the {name} eye points")
    # The band between the lower lip and the chin.
    top, chin = max(points[57, 1], mouth[1]), points[8, 1]
    band = _patch(lab, np.array([mouth[0], (top + chin) / 2]), 0.15 * d, max(0.5, (chin - top) / 2 - 0.05 * d))
    measures["face_below_mouth"] = float(np.mean(np.linalg.norm(band - skin, axis=1) < config.skin_tolerance))
    # In flat colour every pixel of the face between mouth and chin has the fill colour;
    # when none has, the mouth sits on the chin line or under the face (photos never get here).
    flat = measures["flat_fill"] >= config.flat_fill_fraction
    if flat and measures["face_below_mouth"] < config.min_face_below_mouth:
        problems.append("the mouth points lie on the chin line, not on a drawn mouth")
    return problems, measures


def check_face(face: FaceLandmarks, image_rgb: np.ndarray, config: PlausibilityConfig | None = None) -> FaceCheck:
    """Run every check on one face of ``image_rgb`` (H×W×3 or ×4 uint8 RGB)."""
    config = config or PlausibilityConfig()
    image = np.asarray(image_rgb)
    if _outside_image(face, image.shape, config.image_margin):
        return FaceCheck(("the eye or mouth points lie outside the image",), {})
    frame = FaceFrame(face)
    if frame.eye_distance < 4:
        return FaceCheck(("the eyes are less than 4 pixels apart",), {"eye_distance": frame.eye_distance})
    problems, measures = _geometry(face, frame, config)
    more, seen = _appearance(face, frame, frame.warp(image), config)
    measures.update(seen, eye_distance=frame.eye_distance)
    return FaceCheck(tuple(problems + more), measures)


__all__ = [
    "FITTING_HINT",
    "NO_FACE_HINT",
    "FaceCheck",
    "FaceFrame",
    "PlausibilityConfig",
    "check_face",
    "eye_centres",
    "implausible_message",
]
