"""Find the face of a cartoon drawn in flat colour: pupils, mouth, chin → the template face.

mediapipe's face mesh knows photographs; a flat cartoon (dark pupils on a plain
face fill, a mouth drawn as a dark or coloured shape) often gets no face at all,
or a wrong one. This locator reads such drawings directly (docs/drawn_faces.md):

1. Pupils: dark connected blobs (L* below ``dark_level``; also after a small
   opening, so pupils touching a thin outline come free) of sensible size and
   roundness, in pairs that are level, alike, far apart for their size, and not
   part of a row of alike blobs (text).
2. Face fill: the flat colour just below both pupils. It must cover most of the
   band between pupils and mouth and the gap between the pupils, and the area
   around the face must be mostly flat colour (not a photo, painting or hatching).
3. Mouth: a shape that is not face fill, below the pupils' midpoint and inside
   the face; darker and wider ones score higher, and of the strong ones the
   lowest wins (nostrils and noses sit above the mouth).
4. Chin: the lowest face-fill pixel under the mouth where a drawn outline bounds
   the fill; else the template's chin.

The located eyes and mouth place ``core.landmarks.face_template``'s mean face
exactly (affine), the chin bends the jaw, the lips take the drawn mouth's width,
and the pupils become the iris centres. The result is a candidate only:
``core.landmarks.detector`` runs the same plausibility checks on it as on any
detected face.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from core.landmarks.face_landmarks import EYE_LEFT, EYE_RIGHT, INNER_LIPS, JAW, FaceLandmarks
from core.landmarks.face_template import ANCHOR_POINTS, fit_template, load_template


# How much each jaw point (0–16) follows a located chin: the chin fully, the jaw ends not at all.
JAW_BEND = np.clip(1.0 - np.abs(np.arange(17) - 8) / 5.0, 0.0, 1.0)[:, None]


@dataclass(frozen=True)
class DrawnLocatorConfig:
    """Limits of the search; lengths in eye distances unless named otherwise."""

    work_side: int = 512  # the drawing is searched at this size (longer side)
    dark_level: float = 38.0  # L* (0–100) below which a pixel can belong to a pupil
    blob_area: tuple[float, float] = (1e-5, 0.04)  # pupil area as a share of the image
    min_blob_pixels: int = 6
    min_blob_fill: float = 0.3  # pupil area / its bounding box (rings and outlines are lower)
    max_blob_aspect: float = 6.0  # closed eyes are drawn as short thick arcs
    max_pair_slope: float = 0.45  # |dy| / dx between the pupils (about 24°)
    max_pair_area_ratio: float = 2.5
    eye_distance_per_pupil_radius: tuple[float, float] = (2.5, 16.0)  # drawn pupils: 5–13 on the data
    mouth_below_eyes: tuple[float, float] = (0.3, 1.9)
    max_mouth_aside: float = 0.5
    max_mouth_width: float = 2.3
    fill_tolerance: float = 8.0  # ΔE from the face fill that still counts as fill (flat colour + JPEG noise)
    mouth_contrast: float = 12.0  # ΔE from the face fill from which a pixel can belong to the mouth
    max_fill_noise: float = 4.0  # L* spread allowed in the fill samples under the pupils
    min_fill_share: float = 0.6  # face fill share between pupils and mouth
    max_blobs: int = 300  # more dark blobs than this: a texture (photo, hatching), not a flat drawing
    min_flat_share: float = 0.3  # share of pixels around the face with no brightness change at all


@dataclass(frozen=True)
class DrawnFeatures:
    """What the locator found, in pixels of the full image."""

    eyes: np.ndarray  # 2×2 pupil centres, image-left first
    pupil_radius: np.ndarray  # 2
    mouth: np.ndarray  # 2
    mouth_size: tuple[float, float]  # drawn mouth width, height in eye distances
    chin: np.ndarray | None  # 2, or None where no chin outline is drawn
    score: float


@dataclass(frozen=True)
class _Mouth:
    centre: np.ndarray  # work-image pixels
    size: tuple[float, float]  # width, height in eye distances
    score: float


@dataclass(frozen=True)
class _Blob:
    centre: np.ndarray
    area: float
    width: int
    height: int

    @property
    def radius(self) -> float:
        return float(np.sqrt(self.area / np.pi))


def _lab(image_rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(image_rgb[:, :, :3]).astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def _blobs(dark: np.ndarray, config: DrawnLocatorConfig) -> list[_Blob]:
    """Pupil-like connected components of a dark mask."""
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(dark, connectivity=8)
    total = dark.shape[0] * dark.shape[1]
    low, high = config.blob_area
    found = []
    for index in range(1, count):
        x, y, w, h, area = stats[index]
        if area < max(config.min_blob_pixels, low * total) or area > high * total:
            continue
        if area / (w * h) < config.min_blob_fill or max(w, h) / max(1, min(w, h)) > config.max_blob_aspect:
            continue
        found.append(_Blob(centroids[index].astype(np.float64), float(area), int(w), int(h)))
    return found


def _pupil_candidates(lab: np.ndarray, config: DrawnLocatorConfig) -> list[_Blob]:
    dark = (lab[:, :, 0] < config.dark_level).astype(np.uint8)
    opened = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    blobs = _blobs(dark, config)
    for blob in _blobs(opened, config):  # pupils freed from the outline they touch
        if all(np.linalg.norm(blob.centre - other.centre) > 2 for other in blobs):
            blobs.append(blob)
    return blobs


def _pairs(blobs: list[_Blob], config: DrawnLocatorConfig):
    """Pupil pairs (image-left first) that are level, alike and well apart."""
    low, high = config.eye_distance_per_pupil_radius
    for i, a in enumerate(blobs):
        for b in blobs[i + 1 :]:
            left, right = (a, b) if a.centre[0] < b.centre[0] else (b, a)
            dx, dy = right.centre - left.centre
            if dx <= 0 or abs(dy) / dx > config.max_pair_slope:
                continue
            if max(a.area, b.area) / min(a.area, b.area) > config.max_pair_area_ratio:
                continue
            distance = float(np.hypot(dx, dy))
            if low <= distance / max(a.radius, b.radius) <= high:
                yield left, right, distance


def _in_a_row(blobs: list[_Blob], left: _Blob, right: _Blob, frame: _PairFrame) -> int:
    """How many blobs of the pupils' size continue the pair's row outwards (text does, eyes do not)."""
    size = (left.area + right.area) / 2
    alike = [b for b in blobs if b is not left and b is not right and size / 3 <= b.area <= 3 * size]
    if not alike:
        return 0
    x, y = frame.units(np.stack([b.centre for b in alike])).T
    return int(np.sum((np.abs(y) <= 0.2) & (np.abs(x) > 0.5) & (np.abs(x) <= 1.6)))


class _PairFrame:
    """Eye-distance units around a pupil pair: x across, y down."""

    def __init__(self, left: np.ndarray, right: np.ndarray) -> None:
        self.mid = (left + right) / 2
        self.distance = float(np.linalg.norm(right - left))
        self.across = (right - left) / self.distance
        self.down = np.array([-self.across[1], self.across[0]])

    def to_image(self, x: float, y: float) -> np.ndarray:
        return self.mid + self.distance * (x * self.across + y * self.down)

    def units(self, points: np.ndarray) -> np.ndarray:
        rel = np.atleast_2d(points) - self.mid
        return np.stack([rel @ self.across, rel @ self.down], axis=1) / self.distance


def _region(shape: tuple[int, ...], frame: _PairFrame, x: tuple[float, float], y: tuple[float, float]) -> np.ndarray:
    """Boolean mask of the frame rectangle x×y (eye distances) in the image."""
    corners = np.array([frame.to_image(cx, cy) for cx, cy in ((x[0], y[0]), (x[1], y[0]), (x[1], y[1]), (x[0], y[1]))])
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(corners).astype(np.int32), 1)
    return mask.astype(bool)


def _fill_colour(lab: np.ndarray, left: _Blob, right: _Blob, frame: _PairFrame, max_noise: float) -> np.ndarray | None:
    """Median colour just below both pupils: the face's fill."""
    height, width = lab.shape[:2]
    r = max(1, int(0.05 * frame.distance))
    for depth in (0.45, 0.65, 0.85):  # below big drawn eyes the first depth can still be the eye
        samples = []
        for blob in (left, right):
            x, y = np.round(blob.centre + frame.down * max(depth * frame.distance, 2.5 * blob.radius)).astype(int)
            if 0 <= x < width and 0 <= y < height:
                samples.append(lab[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].reshape(-1, 3))
        if len(samples) < 2:
            return None
        samples = np.vstack(samples)
        fill = np.median(samples, axis=0)
        # A flat fill: both samples the same colour, little spread (no shading, no hatching).
        if np.percentile(np.linalg.norm(samples - fill, axis=1), 80) <= max_noise:
            return fill
    return None


def _mouth(lab, fill, frame: _PairFrame, config: DrawnLocatorConfig) -> _Mouth | None:
    """The best mouth shape below the pupils: not face fill, inside the face, dark preferred."""
    low, high = config.mouth_below_eyes
    window = _region(lab.shape, frame, (-1.25, 1.25), (low - 0.1, high + 0.1))
    rim = window & ~cv2.erode(window.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    other = (np.linalg.norm(lab - fill, axis=2) > config.mouth_contrast) & window
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(other.astype(np.uint8), connectivity=8)
    touching = set(np.unique(labels[rim]).tolist())  # outlines and background run out of the window
    candidates: list[_Mouth] = []
    min_area = max(4.0, (0.03 * frame.distance) ** 2)
    for index in range(1, count):
        if stats[index, cv2.CC_STAT_AREA] < min_area or index in touching:
            continue
        x, y = frame.units(centroids[index])[0]
        if not (low <= y <= high and abs(x) <= config.max_mouth_aside):
            continue
        width = stats[index, cv2.CC_STAT_WIDTH] / frame.distance
        if width > config.max_mouth_width:
            continue
        pixels = labels == index
        darkness = float(fill[0] - lab[pixels, 0].min())
        score = (10.0 + max(darkness, 0.0)) * np.sqrt(width) * (1.0 - abs(x))
        ys, xs = np.nonzero(pixels)
        extent = np.ptp(frame.units(np.stack([xs, ys], axis=1).astype(np.float64)), axis=0)
        candidates.append(_Mouth(centroids[index].astype(np.float64), (float(extent[0]), float(extent[1])), score))
    if not candidates:
        return None
    # Nostrils and noses are often darker than a drawn mouth, but always above it.
    strong = [m for m in candidates if m.score >= 0.35 * max(c.score for c in candidates)]
    return max(strong, key=lambda m: frame.units(m.centre)[0, 1])


def _share_of_fill(lab, fill, frame: _PairFrame, x: tuple[float, float], y: tuple[float, float], config) -> float:
    """Share of face-fill pixels in a rectangle of the pair frame."""
    area = _region(lab.shape, frame, x, y)
    if not area.any():
        return 0.0
    return float(np.mean(np.linalg.norm(lab[area] - fill, axis=1) < config.fill_tolerance))


def _fill_share(lab, fill, frame: _PairFrame, mouth_y: float, config: DrawnLocatorConfig) -> float:
    """Share of face fill in the band between the pupils and the mouth (beside the nose)."""
    return _share_of_fill(lab, fill, frame, (-0.5, 0.5), (0.25, max(0.3, mouth_y - 0.1)), config)


def _flat_share(lab: np.ndarray, frame: _PairFrame) -> float:
    """Share of pixels around the face whose brightness does not change (flat colour fills)."""
    corners = np.array([frame.to_image(x, y) for x in (-1.0, 1.0) for y in (-0.4, 1.6)])
    height, width = lab.shape[:2]
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, [width - 1, height - 1])
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int), [x0 + 2, y0 + 2], [width, height])
    light = np.ascontiguousarray(lab[y0:y1, x0:x1, 0])
    gradient = np.hypot(cv2.Sobel(light, cv2.CV_32F, 1, 0), cv2.Sobel(light, cv2.CV_32F, 0, 1))
    return float(np.mean(gradient < 1.5))


def _chin(lab, fill, frame: _PairFrame, mouth: np.ndarray, config: DrawnLocatorConfig) -> np.ndarray | None:
    """Lowest face-fill pixel under the mouth, when the fill ends at a drawn edge inside the image."""
    height, width = lab.shape[:2]
    fill_mask = (np.linalg.norm(lab - fill, axis=2) < config.fill_tolerance).astype(np.uint8)
    _count, labels = cv2.connectedComponents(fill_mask, connectivity=4)
    seed = np.round(frame.to_image(0.0, 0.45)).astype(int)
    if not (0 <= seed[0] < width and 0 <= seed[1] < height) or labels[seed[1], seed[0]] == 0:
        return None
    face = labels == labels[seed[1], seed[0]]
    border = np.concatenate([face[0], face[-1], face[:, 0], face[:, -1]])
    if border.mean() > 0.05:  # the fill is the background too: no outline to find
        return None
    mouth_y = frame.units(mouth)[0, 1]
    column = _region(lab.shape, frame, (-0.08, 0.08), (mouth_y, 3.0)) & face
    ys, xs = np.nonzero(column)
    if len(ys) == 0:
        return None
    depth = frame.units(np.stack([xs, ys], axis=1).astype(np.float64))[:, 1]
    lowest = int(np.argmax(depth))
    if depth[lowest] - mouth_y < 0.15:
        return None
    return np.array([xs[lowest], ys[lowest]], np.float64)


def find_drawn_features(image_rgb: np.ndarray, config: DrawnLocatorConfig | None = None) -> DrawnFeatures | None:
    """Pupils, mouth and chin of a flat-colour drawing, or None when no face reads clearly."""
    config = config or DrawnLocatorConfig()
    image = np.asarray(image_rgb)
    height, width = image.shape[:2]
    factor = min(1.0, config.work_side / max(height, width))
    small = cv2.resize(image[:, :, :3], (max(1, round(width * factor)), max(1, round(height * factor))),
                       interpolation=cv2.INTER_AREA) if factor < 1 else image[:, :, :3]
    lab = _lab(small)
    blobs = _pupil_candidates(lab, config)
    if len(blobs) > config.max_blobs:
        return None
    best: DrawnFeatures | None = None
    for left, right, _distance in _pairs(blobs, config):
        frame = _PairFrame(left.centre, right.centre)
        if _in_a_row(blobs, left, right, frame) >= 2:
            continue  # letters of a line of text, not a pair of eyes
        fill = _fill_colour(lab, left, right, frame, config.max_fill_noise)
        if fill is None:
            continue
        mouth = _mouth(lab, fill, frame, config)
        if mouth is None:
            continue
        share = _fill_share(lab, fill, frame, frame.units(mouth.centre)[0, 1], config)
        if share < config.min_fill_share or _flat_share(lab, frame) < config.min_flat_share:
            continue
        if _share_of_fill(lab, fill, frame, (-0.3, 0.3), (-0.15, 0.15), config) < config.min_fill_share:
            continue  # letters of a line of text, not two eyes with the face between them
        likeness = min(left.area, right.area) / max(left.area, right.area)
        score = share + 0.5 * likeness + 0.01 * mouth.score
        if best is None or score > best.score:
            chin = _chin(lab, fill, frame, mouth.centre, config)
            best = DrawnFeatures(
                eyes=np.stack([left.centre, right.centre]) / factor,
                pupil_radius=np.array([left.radius, right.radius]) / factor,
                mouth=mouth.centre / factor,
                mouth_size=mouth.size,
                chin=None if chin is None else chin / factor,
                score=float(score),
            )
    return best


def fit_drawn_face(features: DrawnFeatures, image_size: tuple[int, int]) -> FaceLandmarks:
    """The template face placed on located pupils, mouth (and chin); pupils become the iris."""
    template = load_template()
    points = template["points3d"][:, :2]
    # Eyes and mouth fix the affine map exactly; a located chin is pinned on top of it.
    source = np.stack([points[EYE_LEFT].mean(axis=0), points[EYE_RIGHT].mean(axis=0), points[INNER_LIPS].mean(axis=0)])
    target = np.stack([features.eyes[0], features.eyes[1], features.mouth])
    transform = np.linalg.solve(np.hstack([source, np.ones((3, 1))]), target)
    anchors = {index: tuple(np.append(points[index], 1.0) @ transform) for index in ANCHOR_POINTS}
    across = (features.eyes[1] - features.eyes[0]) / np.linalg.norm(features.eyes[1] - features.eyes[0])
    down = np.array([-across[1], across[0]])
    distance = float(np.linalg.norm(features.eyes[1] - features.eyes[0]))
    chin = features.chin
    if chin is None:  # keep the template's chin, but never inside a big drawn mouth
        template_chin = np.asarray(anchors[8])
        lowest = features.mouth + down * distance * (features.mouth_size[1] / 2 + 0.35)
        chin = template_chin if (template_chin - lowest) @ down > 0 else lowest
    del anchors[8]  # the other anchors fit the template exactly; the chin is bent in below
    face = fit_template(anchors, image_size)
    points68 = face.points68.copy()
    points68[JAW, :2] += JAW_BEND * (chin - points68[8, :2])
    points68[48:68, :2] = _mouth_resized(points68[48:68, :2], features, across, down, distance)
    eye_width = np.linalg.norm(points68[[39, 45], :2] - points68[[36, 42], :2], axis=1)
    radius = np.minimum(features.pupil_radius, 0.45 * eye_width)
    return replace(face, points68=points68, iris=features.eyes, iris_radius=radius, source="drawn")


def _mouth_resized(mouth: np.ndarray, features: DrawnFeatures, across, down, distance: float) -> np.ndarray:
    """The template's 20 lip points stretched to the drawn mouth's width (and height, when taller)."""
    rel = mouth - features.mouth
    x, y = rel @ across, rel @ down
    width, height = np.ptp(x), np.ptp(y)
    sx = np.clip(features.mouth_size[0] * distance / max(width, 1e-6), 0.6, 3.0)
    sy = np.clip(features.mouth_size[1] * distance / max(height, 1e-6), 1.0, 4.0)
    return features.mouth + np.outer(x * sx, across) + np.outer(y * sy, down)


def locate_drawn_face(image_rgb: np.ndarray, config: DrawnLocatorConfig | None = None) -> FaceLandmarks | None:
    """FaceLandmarks of a flat-colour cartoon face, or None when none reads clearly."""
    features = find_drawn_features(image_rgb, config)
    if features is None:
        return None
    height, width = np.asarray(image_rgb).shape[:2]
    return fit_drawn_face(features, (width, height))
