"""A friendly cartoon portrait drawn with OpenCV, with its exact landmarks.

Tests (and ``packaging/make_sample.py``) need a real portrait whose landmarks are
known without a detector. Every landmark here is a point of the drawing's own
geometry: the jaw lies on the face outline, lid points on the lid curves, the
mouth points on the lip shapes. The drawing is made at 4× size and reduced with
area averaging, which antialiases every edge.

Coordinates: pixel centres are integers (pixel ``i`` covers ``[i - 0.5, i + 0.5)``),
the convention of ``core.render.delaunay_warp``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, FaceLandmarks

SUPERSAMPLE = 4
_SHIFT = 4  # cv2 fixed-point bits: sub-pixel accuracy for the 4x canvas

# Colours (RGB).
BACKGROUND_TOP = (150, 200, 235)
BACKGROUND_BOTTOM = (235, 225, 200)
SKIN = (246, 205, 170)
SKIN_SHADE = (226, 176, 140)
HAIR = (92, 58, 38)
SHIRT = (70, 130, 110)
BROW = (80, 50, 32)
SCLERA = (252, 252, 250)
IRIS = (60, 120, 200)
PUPIL = (20, 20, 30)
LINER = (55, 35, 30)
LIP_UPPER = (200, 95, 100)
LIP_LOWER = (220, 115, 118)
MOUTH_LINE = (120, 40, 50)
BLUSH = (245, 150, 150)


@dataclass(frozen=True)
class FaceGeometry:
    """The drawing's shapes in unit coordinates (image width = height = 1)."""

    head_centre: tuple[float, float] = (0.5, 0.44)
    head_axes: tuple[float, float] = (0.215, 0.285)
    eye_centres: tuple[tuple[float, float], ...] = ((0.415, 0.45), (0.585, 0.45))
    eye_half_width: float = 0.052
    eye_upper_height: float = 0.032
    eye_lower_height: float = 0.022
    iris_radius: float = 0.021
    mouth_centre: tuple[float, float] = (0.5, 0.648)
    mouth_half_width: float = 0.062


def _ellipse_point(centre, axes, angle: np.ndarray) -> np.ndarray:
    """Points on an axis-aligned ellipse; angle 0 = right, pi/2 = down (y down)."""
    return np.stack([centre[0] + axes[0] * np.cos(angle), centre[1] + axes[1] * np.sin(angle)], -1)


def _eye_curves(geo: FaceGeometry, eye: int, samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower lid curves of one eye, corner to corner, left to right."""
    cx, cy = geo.eye_centres[eye]
    u = np.linspace(0.0, 1.0, samples)
    x = cx - geo.eye_half_width + 2 * geo.eye_half_width * u
    # Outer corners sit slightly higher: an upturned, friendly almond.
    tilt = 0.006 * (1 - 2 * u) * (1 if eye == 0 else -1)
    upper = np.stack([x, cy - geo.eye_upper_height * np.sin(np.pi * u) ** 0.8 - tilt], -1)
    lower = np.stack([x, cy + geo.eye_lower_height * np.sin(np.pi * u) - tilt], -1)
    return upper, lower


def _mouth_curves(geo: FaceGeometry, samples: int) -> dict[str, np.ndarray]:
    """Outer upper, outer lower and the closed mouth line, left to right."""
    mx, my = geo.mouth_centre
    w = geo.mouth_half_width
    u = np.linspace(-1.0, 1.0, samples)
    x = mx + w * u
    smile = 0.010 * u**2  # corners lift: a gentle smile
    line = my - smile
    bow = 0.005 * np.exp(-((np.abs(u) - 0.22) ** 2) / 0.02) - 0.004 * np.exp(-(u**2) / 0.004)
    upper = line - 0.017 * (1 - u**2) ** 0.7 - bow
    lower = line + 0.024 * (1 - u**2) ** 0.8
    return {"x": x, "line": line, "upper": upper, "lower": lower}


def face_landmarks_unit(geo: FaceGeometry = FaceGeometry()) -> dict[str, np.ndarray]:
    """All landmarks in unit coordinates, keyed like the JSON format."""
    points = np.zeros((68, 2))
    jaw_angle = np.linspace(np.pi - 0.12, 0.12, 17)
    points[0:17] = _ellipse_point(geo.head_centre, geo.head_axes, jaw_angle)
    for eye, first_brow in ((0, 17), (1, 22)):
        cx, cy = geo.eye_centres[eye]
        bx = cx + np.linspace(-0.062, 0.052, 5) * (1 if eye == 0 else -1)
        by = cy - 0.068 - 0.016 * np.sin(np.linspace(0.25, np.pi - 0.1, 5)) * (1 if eye == 0 else 1)
        brow = np.stack([bx, by], -1)
        points[first_brow : first_brow + 5] = brow if eye == 0 else brow[::-1]
    points[27:31] = np.stack([np.full(4, 0.5), np.linspace(0.455, 0.57, 4)], -1)
    points[31:36] = np.stack([0.5 + np.linspace(-0.033, 0.033, 5), 0.585 + 0.006 * np.cos(np.linspace(-1.3, 1.3, 5))], -1)
    upper_lids, lower_lids = [], []
    for eye, first in ((0, 36), (1, 42)):
        upper, lower = _eye_curves(geo, eye, 25)
        corners = (upper[0], upper[-1])
        on_thirds_up = _eye_curves(geo, eye, 4)[0][1:3]
        on_thirds_low = _eye_curves(geo, eye, 4)[1][1:3]
        points[first] = corners[0]
        points[first + 1 : first + 3] = on_thirds_up
        points[first + 3] = corners[1]
        points[first + 4 : first + 6] = on_thirds_low[::-1]
        lids = _eye_curves(geo, eye, LID_POINTS + 2)
        upper_lids.append(lids[0][1:-1])
        lower_lids.append(lids[1][1:-1])
    mouth = _mouth_curves(geo, 13)
    x, line = mouth["x"], mouth["line"]
    points[48:55] = np.stack([x[0:13:2], mouth["upper"][0:13:2]], -1)
    points[48], points[54] = (x[0], line[0]), (x[12], line[12])
    lower_outer = np.stack([x[0:13:2], mouth["lower"][0:13:2]], -1)
    points[55:60] = lower_outer[1:6][::-1]
    inner = _mouth_curves(geo, 5)
    gap = 0.75 / 512  # closed lips: the inner contours 1.5 px apart at 512 px
    points[60] = (inner["x"][0] + 0.008, inner["line"][0] + 0.0005)
    points[64] = (inner["x"][4] - 0.008, inner["line"][4] + 0.0005)
    points[61:64] = np.stack([inner["x"][1:4], inner["line"][1:4] - gap], -1)
    points[65:68] = np.stack([inner["x"][1:4], inner["line"][1:4] + gap], -1)[::-1]
    iris = np.array([[cx, cy + 0.002] for cx, cy in geo.eye_centres])
    return {
        "points68": points,
        "upper_lids": np.array(upper_lids),
        "lower_lids": np.array(lower_lids),
        "iris": iris,
        "iris_radius": np.full(2, geo.iris_radius),
    }


class _Canvas:
    """A supersampled RGB + alpha canvas with unit-coordinate drawing helpers."""

    def __init__(self, size: int) -> None:
        self.size = size
        big = size * SUPERSAMPLE
        self.rgb = np.zeros((big, big, 3), np.uint8)
        self.alpha = np.zeros((big, big), np.uint8)

    def pts(self, unit: np.ndarray) -> np.ndarray:
        """Unit coordinates → fixed-point big-canvas pixels (pixel centres at integers)."""
        small = np.asarray(unit) * self.size - 0.5
        big = (small * SUPERSAMPLE + (SUPERSAMPLE - 1) / 2) * (1 << _SHIFT)
        return np.round(big).astype(np.int32).reshape(-1, 1, 2)

    def px(self, unit_length: float) -> int:
        return max(1, int(round(unit_length * self.size * SUPERSAMPLE)))

    def polygon(self, unit: np.ndarray, colour, opaque: bool = True) -> None:
        cv2.fillPoly(self.rgb, [self.pts(unit)], colour, cv2.LINE_AA, _SHIFT)
        if opaque:
            cv2.fillPoly(self.alpha, [self.pts(unit)], 255, cv2.LINE_AA, _SHIFT)

    def ellipse(self, centre, axes, colour, angle: float = 0.0, opaque: bool = True) -> None:
        t = np.linspace(0, 2 * np.pi, 180, endpoint=False)
        pts = np.stack([np.cos(t) * axes[0], np.sin(t) * axes[1]], -1)
        c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
        pts = pts @ np.array([[c, s], [-s, c]]) + np.asarray(centre)
        self.polygon(pts, colour, opaque)

    def line(self, unit: np.ndarray, colour, width: float) -> None:
        cv2.polylines(self.rgb, [self.pts(unit)], False, colour, self.px(width), cv2.LINE_AA, _SHIFT)

    def blend(self, draw, opacity: float) -> None:
        """Draw with ``draw(layer_canvas)`` and blend it over at ``opacity``."""
        layer = _Canvas(self.size)
        layer.rgb[:] = self.rgb
        draw(layer)
        mask = (layer.rgb != self.rgb).any(-1)
        mixed = self.rgb * (1 - opacity) + layer.rgb * opacity
        self.rgb[mask] = mixed[mask].astype(np.uint8)

    def result(self) -> np.ndarray:
        small = cv2.resize(self.rgb, (self.size, self.size), interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(self.alpha, (self.size, self.size), interpolation=cv2.INTER_AREA)
        return np.dstack([small, alpha])


def _draw_background(canvas: _Canvas) -> None:
    big = canvas.rgb.shape[0]
    t = np.linspace(0, 1, big)[:, None, None]
    canvas.rgb[:] = (np.array(BACKGROUND_TOP) * (1 - t) + np.array(BACKGROUND_BOTTOM) * t).astype(np.uint8)
    for cx, cy, r in ((0.14, 0.18, 0.07), (0.86, 0.28, 0.05), (0.8, 0.12, 0.03)):
        canvas.blend(lambda c, cx=cx, cy=cy, r=r: c.ellipse((cx, cy), (r, r), (255, 255, 255), opaque=False), 0.35)


def _draw_body(canvas: _Canvas, geo: FaceGeometry) -> None:
    cx = geo.head_centre[0]
    canvas.ellipse((cx, 1.02), (0.38, 0.2), SHIRT)
    neck = np.array([[cx - 0.075, 0.62], [cx + 0.075, 0.62], [cx + 0.085, 0.83], [cx - 0.085, 0.83]])
    canvas.polygon(neck, SKIN_SHADE)
    canvas.ellipse((cx, 0.83), (0.085, 0.035), SKIN_SHADE)
    collar = np.array([[cx - 0.12, 0.83], [cx, 0.9], [cx + 0.12, 0.83], [cx + 0.1, 0.86], [cx, 0.95], [cx - 0.1, 0.86]])
    canvas.polygon(collar, (240, 240, 235))


def _draw_head(canvas: _Canvas, geo: FaceGeometry) -> None:
    (hx, hy), (ax, ay) = geo.head_centre, geo.head_axes
    canvas.ellipse((hx, hy - 0.03), (ax + 0.03, ay + 0.02), HAIR)  # hair behind the head
    for side in (-1, 1):
        canvas.ellipse((hx + side * (ax - 0.005), 0.47), (0.032, 0.05), SKIN)
        canvas.ellipse((hx + side * (ax - 0.002), 0.47), (0.016, 0.03), SKIN_SHADE)
    canvas.ellipse((hx, hy), (ax, ay), SKIN)
    t = np.linspace(np.pi, 2 * np.pi, 60)
    top = _ellipse_point((hx, hy - 0.025), (ax + 0.012, ay + 0.012), t)
    fringe_x = np.linspace(hx + ax + 0.012, hx - ax - 0.012, 40)
    wave = 0.012 * np.abs(np.sin(np.linspace(0, 3 * np.pi, 40)))
    # A fringe swept to one side, scalloped: reads as hair rather than a cap.
    sweep = np.clip((fringe_x - (hx - ax)) / (2 * ax), 0.0, 1.0)
    fringe = np.stack([fringe_x, 0.255 + 0.075 * sweep**1.5 + 0.04 * ((fringe_x - hx) / ax) ** 4 + wave], -1)
    canvas.polygon(np.concatenate([top, fringe]), HAIR)


def _draw_eye(canvas: _Canvas, geo: FaceGeometry, eye: int, iris_centre, iris_radius: float) -> None:
    upper, lower = _eye_curves(geo, eye, 41)
    outline = np.concatenate([upper, lower[::-1][1:-1]])
    canvas.polygon(outline, SCLERA)
    layer = _Canvas(canvas.size)
    layer.ellipse(iris_centre, (iris_radius, iris_radius), IRIS)
    layer.ellipse(iris_centre, (iris_radius * 0.7, iris_radius * 0.7), (40, 90, 170))
    layer.ellipse(iris_centre, (iris_radius * 0.45, iris_radius * 0.45), PUPIL)
    hl = (iris_centre[0] + 0.35 * iris_radius, iris_centre[1] - 0.35 * iris_radius)
    layer.ellipse(hl, (iris_radius * 0.22, iris_radius * 0.22), (255, 255, 255))
    eye_mask = np.zeros(canvas.alpha.shape, np.uint8)
    cv2.fillPoly(eye_mask, [canvas.pts(outline)], 255, cv2.LINE_AA, _SHIFT)
    iris_mask = layer.alpha.astype(np.float32) * eye_mask / (255.0 * 255.0)
    canvas.rgb[:] = (canvas.rgb * (1 - iris_mask[..., None]) + layer.rgb * iris_mask[..., None]).astype(np.uint8)
    canvas.line(upper, LINER, 0.006)
    canvas.line(lower[4:-4], SKIN_SHADE, 0.002)
    crease = upper[6:-8] + np.array([0.0, -0.014])
    canvas.line(crease, SKIN_SHADE, 0.0025)
    lash = upper[-1] if eye == 1 else upper[0]
    canvas.line(np.array([lash, lash + np.array([0.012 * (1 if eye else -1), -0.008])]), LINER, 0.005)


def _draw_features(canvas: _Canvas, geo: FaceGeometry, marks: dict[str, np.ndarray]) -> None:
    p = marks["points68"]
    for cx in (0.375, 0.625):
        canvas.blend(lambda c, cx=cx: c.ellipse((cx, 0.56), (0.04, 0.022), BLUSH), 0.45)
    for eye in (0, 1):
        _draw_eye(canvas, geo, eye, marks["iris"][eye], float(marks["iris_radius"][eye]))
    canvas.line(p[17:22], BROW, 0.012)
    canvas.line(p[22:27], BROW, 0.012)
    canvas.line(np.array([[0.515, 0.49], [0.527, 0.56], [0.523, 0.575]]), SKIN_SHADE, 0.004)
    canvas.line(p[31:36], SKIN_SHADE, 0.005)
    for nostril in (p[32], p[34]):
        canvas.ellipse(nostril + np.array([0, -0.004]), (0.006, 0.0035), (200, 140, 115))
    mouth = _mouth_curves(geo, 41)
    x = mouth["x"]
    upper = np.concatenate([np.stack([x, mouth["upper"]], -1), np.stack([x, mouth["line"]], -1)[::-1]])
    lower = np.concatenate([np.stack([x, mouth["line"]], -1), np.stack([x, mouth["lower"]], -1)[::-1]])
    canvas.polygon(lower, LIP_LOWER)
    canvas.polygon(upper, LIP_UPPER)
    canvas.line(np.stack([x, mouth["line"]], -1)[1:-1], MOUTH_LINE, 0.003)
    shine = np.stack([x[18:26], mouth["lower"][18:26] - 0.009], -1)
    canvas.blend(lambda c: c.line(shine, (255, 220, 220), 0.004), 0.6)


def draw_portrait(size: int = 512, transparent_background: bool = False) -> tuple[np.ndarray, FaceLandmarks]:
    """A size×size RGBA cartoon portrait and its exact landmarks in pixels.

    With ``transparent_background`` the sky is alpha 0 and only the person is opaque.
    """
    geo = FaceGeometry()
    marks = face_landmarks_unit(geo)
    canvas = _Canvas(size)
    _draw_background(canvas)
    _draw_body(canvas, geo)
    _draw_head(canvas, geo)
    _draw_features(canvas, geo, marks)
    image = canvas.result()
    if not transparent_background:
        image[..., 3] = 255
    return image, landmarks_in_pixels(marks, size)


def landmarks_in_pixels(marks: dict[str, np.ndarray], size: int) -> FaceLandmarks:
    """Unit-coordinate landmarks → FaceLandmarks for a size×size image."""

    def scale(a: np.ndarray) -> np.ndarray:
        return (np.asarray(a) * size - 0.5).astype(np.float32)

    points = np.zeros((68, 3), np.float32)
    points[:, :2] = scale(marks["points68"])
    return FaceLandmarks(
        points68=points,
        upper_lids=scale(marks["upper_lids"]),
        lower_lids=scale(marks["lower_lids"]),
        iris=scale(marks["iris"]),
        iris_radius=(marks["iris_radius"] * size).astype(np.float32),
        image_size=(size, size),
        source="user",
    )
