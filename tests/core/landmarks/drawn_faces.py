"""Cartoon faces drawn in the tests with OpenCV, with the positions they were drawn at."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SKIN = (246, 206, 172)
LINE = (40, 28, 24)


@dataclass(frozen=True)
class DrawnFace:
    """An RGB cartoon and where its pupils, mouth centre and chin were drawn (pixels)."""

    image: np.ndarray
    eyes: np.ndarray  # 2×2, image-left first
    mouth: np.ndarray  # 2
    chin: np.ndarray  # 2

    @property
    def eye_distance(self) -> float:
        return float(np.linalg.norm(self.eyes[1] - self.eyes[0]))


def draw_cartoon(size: int = 512, tilt_deg: float = 0.0, background=(150, 200, 235)) -> DrawnFace:
    """A flat-colour cartoon head: outlined face, white eyes with black pupils, brows, nose, a red mouth.

    ``tilt_deg`` turns the whole drawing (positions turn with it).
    """
    s = size / 512
    image = np.full((size, size, 3), background, np.uint8)

    def at(x: float, y: float) -> tuple[int, int]:
        return round(x * s), round(y * s)

    def axes(a: float, b: float) -> tuple[int, int]:
        return round(a * s), round(b * s)

    line = max(2, round(4 * s))
    cv2.ellipse(image, at(256, 250), axes(175, 190), 0, 180, 360, (110, 70, 40), -1)  # hair
    cv2.ellipse(image, at(256, 270), axes(150, 185), 0, 0, 360, SKIN, -1)
    cv2.ellipse(image, at(256, 270), axes(150, 185), 0, 0, 360, LINE, line)
    for x in (196, 316):
        cv2.ellipse(image, at(x, 240), axes(34, 24), 0, 0, 360, (255, 255, 255), -1)
        cv2.ellipse(image, at(x, 240), axes(34, 24), 0, 0, 360, LINE, max(2, round(3 * s)))
        cv2.circle(image, at(x, 240), round(13 * s), (15, 15, 15), -1)
        cv2.ellipse(image, at(x, 200), axes(36, 10), 0, 200, 340, LINE, line)  # brow
    cv2.ellipse(image, at(256, 300), axes(10, 8), 0, 0, 180, LINE, max(2, round(3 * s)))  # nose
    cv2.ellipse(image, at(256, 360), axes(40, 14), 0, 0, 360, (190, 40, 50), -1)
    cv2.ellipse(image, at(256, 360), axes(40, 14), 0, 0, 360, LINE, max(2, round(3 * s)))
    eyes = np.array([[196.0, 240.0], [316.0, 240.0]]) * s
    mouth = np.array([256.0, 360.0]) * s
    chin = np.array([256.0, 455.0]) * s
    if tilt_deg:
        turn = cv2.getRotationMatrix2D((size / 2, size / 2), tilt_deg, 1.0)
        image = cv2.warpAffine(image, turn, (size, size), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=background)

        def moved(p: np.ndarray) -> np.ndarray:
            return np.atleast_2d(p) @ turn[:, :2].T + turn[:, 2]

        eyes, mouth, chin = moved(eyes), moved(mouth)[0], moved(chin)[0]
    return DrawnFace(image, eyes, mouth, chin)


def paint_over_eyes_and_brows(rgb: np.ndarray, face) -> np.ndarray:
    """A copy of a portrait with the eyes and brows of ``face`` covered in its own skin colour.

    mediapipe still finds a face in it (it completes the missing eyes), but no eye is
    drawn under the eye points any more: the plausibility checks must refuse it.
    """
    image = rgb.copy()
    nose = face.points68[29, :2].astype(int)
    patch = image[nose[1] - 3 : nose[1] + 4, nose[0] - 30 : nose[0] - 20].reshape(-1, 3)
    skin = tuple(int(v) for v in np.median(patch, axis=0))
    for group, (sx, sy) in ((slice(36, 42), (0.9, 0.55)), (slice(42, 48), (0.9, 0.55)),
                            (slice(17, 22), (0.7, 0.3)), (slice(22, 27), (0.7, 0.3))):
        points = face.points68[group, :2]
        centre, width = points.mean(axis=0), np.ptp(points[:, 0])
        cv2.ellipse(image, tuple(int(v) for v in centre), (int(width * sx), int(width * sy)), 0, 0, 360, skin, -1)
    return image
