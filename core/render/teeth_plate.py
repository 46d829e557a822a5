"""Real teeth for the photo renderer: a *teeth plate* cut from a filmed mouth.

The two networks paint the mean of all the teeth they saw: a pale, soft band. Talking-head
systems that show single teeth either learn them from hours of video on a GPU or carry
real teeth with them (Face2Face's mouth retrieval). This does the second, inside the mouth
opening only and after both networks (core.render.portrait_teeth lays it into a portrait's
frames).

The plate (``cut_plate``): from one real frame with the mouth open and both rows of teeth
showing, two layers are sampled in *lip coordinates* (``LipFrame``) — across the mouth (from
the midpoint of the inner-lip corners along their axis) and depth (below the upper inner lip
for the upper layer, above the lower inner lip for the lower one), both in interocular
distances (outer eye corners), so teeth keep their real size whatever the mouth does. Each
layer starts where the filmed lip's red ends and stops at its share of the filmed gap; its
alpha is the filmed opening.

Shipped as weights/renderer/teeth_plate.png (RGBA: the upper layer above the lower one)
with teeth_plate.json (where it was cut, its licence, the filmed face's interocular distance),
both checked against their sha256 sidecars before use. Cut by
``space-studio train teeth-plate`` (core.training.cut_teeth_plate).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import ModelWeightsError
from core.weights_file import verify_sha256
from core.weights_location import shipped_weights

TEETH_PLATE_NAME = "teeth_plate.png"
DEFAULT_TEETH_PLATE = shipped_weights("renderer", TEETH_PLATE_NAME)
PLATE_WIDTH, LAYER_HEIGHT = 256, 64  # plate pixels across, and of depth per layer
ACROSS_RANGE = 0.4  # interocular distances either side of the mouth centre the plate covers
LAYER_DEPTH = 0.2  # interocular distances a layer reaches from its lip
UPPER_SHARE = 0.6  # share of a gap that shows the upper layer (upper teeth show more)
FADE_FROM = 0.7  # fraction of LAYER_DEPTH from which a layer fades out into the interior behind it
OWN_ROW_SOFTNESS = 0.03  # interocular distances over which a layer ends at its share of the filmed gap
LUMA = np.array([0.299, 0.587, 0.114], np.float32)
UPPER_LIP, LOWER_LIP = (60, 61, 62, 63, 64), (60, 67, 66, 65, 64)


@dataclass(frozen=True)
class LipFrame:
    """Coordinates of one face's mouth: ``a`` along the inner-lip corners' axis from their midpoint,
    ``b`` across it (downwards in the image), both in pixels; ``unit`` = interocular distance."""

    centre: np.ndarray
    axis: np.ndarray
    normal: np.ndarray
    unit: float
    upper: tuple[np.ndarray, np.ndarray]  # (a sorted, b) of the upper inner lip
    lower: tuple[np.ndarray, np.ndarray]

    @staticmethod
    def of(rig: np.ndarray) -> LipFrame:
        rig = np.asarray(rig, np.float64)
        left, right = rig[60], rig[64]
        if np.linalg.norm(right - left) < 1e-6:
            left, right = rig[48], rig[54]
        axis = (right - left) / max(float(np.linalg.norm(right - left)), 1e-6)
        normal = np.array([-axis[1], axis[0]])
        centre = (left + right) / 2
        unit = max(float(np.linalg.norm(rig[45] - rig[36])), 1.0)

        def profile(indices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
            local = (rig[list(indices)] - centre) @ np.stack([axis, normal], 1)
            order = np.argsort(local[:, 0], kind="stable")
            return local[order, 0], local[order, 1]

        return LipFrame(centre, axis, normal, unit, profile(UPPER_LIP), profile(LOWER_LIP))

    def to_image(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image x, y of lip coordinates (a, b)."""
        return (self.centre[0] + a * self.axis[0] + b * self.normal[0],
                self.centre[1] + a * self.axis[1] + b * self.normal[1])

    def to_lips(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lip coordinates (a, b) of image points."""
        dx, dy = x - self.centre[0], y - self.centre[1]
        return dx * self.axis[0] + dy * self.axis[1], dx * self.normal[0] + dy * self.normal[1]

    def upper_b(self, a: np.ndarray) -> np.ndarray:
        return np.interp(a, *self.upper)

    def lower_b(self, a: np.ndarray) -> np.ndarray:
        return np.interp(a, *self.lower)


def _plate_grid() -> tuple[np.ndarray, np.ndarray]:
    """(u, v) of every plate pixel centre of one layer, in interocular distances."""
    u = (np.arange(PLATE_WIDTH) + 0.5) / PLATE_WIDTH * 2 * ACROSS_RANGE - ACROSS_RANGE
    v = (np.arange(LAYER_HEIGHT) + 0.5) / LAYER_HEIGHT * LAYER_DEPTH
    return np.meshgrid(u, v)


def cut_plate(image: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """(2·LAYER_HEIGHT)×PLATE_WIDTH×4 uint8 plate of a filmed open mouth (module doc).

    ``image``: H×W×3 uint8 RGB frame; ``rig``: its 98×2 (or ≥68×2) landmarks in pixels.
    Tracked inner lips sit a pixel or two inside the red of the lips; each layer's columns
    are moved up to where the lip's colour ends (``lip_edge_rows``), so a layer starts with
    teeth or the dark behind them, never with lip."""
    lips = LipFrame.of(rig)
    rgb_image = np.ascontiguousarray(image[:, :, :3])
    opening = polygon_mask(image.shape[:2], np.asarray(rig, np.float64)[60:68])
    lip_saturation = _lip_saturation_threshold(rgb_image, rig, opening)
    u, v = _plate_grid()
    a = u * lips.unit
    fade = np.clip((LAYER_DEPTH - v) / ((1.0 - FADE_FROM) * LAYER_DEPTH), 0.0, 1.0)
    layers = []
    for lip_b, sign in ((lips.upper_b(a), 1.0), (lips.lower_b(a), -1.0)):
        # sample twice as deep, then drop each column's lip rows and keep LAYER_HEIGHT rows
        deep_v = np.vstack([v, v + LAYER_DEPTH])
        deep_a = np.vstack([a, a])
        x, y = lips.to_image(deep_a, np.vstack([lip_b, lip_b]) + sign * deep_v * lips.unit)
        maps = (x.astype(np.float32), y.astype(np.float32))
        rgb = cv2.remap(rgb_image, *maps, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        alpha = cv2.remap(opening, *maps, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        skip = lip_edge_rows(rgb, alpha, lip_saturation)
        rows = np.arange(LAYER_HEIGHT)[:, None] + skip[None, :]
        columns = np.arange(PLATE_WIDTH)[None, :]
        # each layer keeps its own row of teeth: up to its share of the filmed gap, no further
        share = UPPER_SHARE if sign > 0 else 1.0 - UPPER_SHARE
        own_depth = share * (lips.lower_b(a[0]) - lips.upper_b(a[0])) / lips.unit
        own = np.clip((own_depth[None, :] - deep_v[rows, columns]) / OWN_ROW_SOFTNESS, 0.0, 1.0)
        layer_alpha = alpha[rows, columns] * fade * own
        layers.append(np.dstack([rgb[rows, columns], np.round(layer_alpha * 255).astype(np.uint8)]))
    return np.vstack(layers)


def polygon_mask(shape: tuple[int, int], polygon: np.ndarray) -> np.ndarray:
    """float32 0..1 antialiased fill of a polygon (image pixels)."""
    mask = np.zeros(shape, np.float32)
    shift = 4
    points = np.round(np.asarray(polygon, np.float64) * (1 << shift)).astype(np.int32)
    cv2.fillPoly(mask, [points.reshape(-1, 1, 2)], 1.0, cv2.LINE_AA, shift)
    return mask


def _lip_saturation_threshold(image: np.ndarray, rig: np.ndarray, opening: np.ndarray) -> float:
    """HSV saturation (0..255) halfway between the lips' red (between the outer and inner lip
    outlines) and the least saturated tenth of the opening (the teeth)."""
    lips_mask = polygon_mask(image.shape[:2], np.asarray(rig, np.float64)[48:60]) > 0.5
    ring = lips_mask & (cv2.dilate(opening, np.ones((5, 5), np.uint8)) < 0.5)
    saturation = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)[..., 1].astype(np.float32)
    inside = saturation[opening > 0.5]
    lip = float(np.median(saturation[ring])) if ring.any() else 128.0
    teeth = float(np.percentile(inside, 10)) if inside.size else 0.0
    return (lip + teeth) / 2


def lip_edge_rows(rgb: np.ndarray, alpha: np.ndarray, lip_saturation: float, max_share: float = 0.4) -> np.ndarray:
    """Per plate column, how many rows from the lip still show lip (saturated and not dark),
    within the first ``max_share`` of a layer; median-filtered across columns so the edge is smooth."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    is_lip = (hsv[..., 1] > lip_saturation) & (hsv[..., 2] > 60) | (alpha < 0.5)
    limit = int(LAYER_HEIGHT * max_share)
    not_lip = ~is_lip[:limit]
    first = np.where(not_lip.any(axis=0), not_lip.argmax(axis=0), 0)
    edge = cv2.medianBlur(first.astype(np.uint8)[None, :], 15)[0].astype(np.float32)
    return np.round(cv2.GaussianBlur(edge[None, :], (0, 0), 4.0)[0]).astype(int)


@dataclass(frozen=True)
class TeethPlate:
    """A loaded plate (float32 RGBA 0..1 layers) and the filmed face's size."""

    upper: np.ndarray
    lower: np.ndarray
    filmed_unit: float  # the filmed face's interocular distance in its own pixels: how fine its detail is
    source: str = ""

    @staticmethod
    def from_array(plate: np.ndarray, filmed_unit: float, source: str = "") -> TeethPlate:
        rgba = np.asarray(plate, np.float32) / 255.0
        return TeethPlate(rgba[:LAYER_HEIGHT], rgba[LAYER_HEIGHT:], float(filmed_unit), source)

    def teeth_cast(self) -> np.ndarray:
        """RGB / brightness of the plate's teeth (its brightest half where opaque): the film's colour cast."""
        layers = np.vstack([self.upper, self.lower])
        opaque = layers[..., 3] > 0.5
        if not opaque.any():
            return np.ones(3, np.float32)
        rgb = layers[..., :3][opaque]
        luma = rgb @ LUMA
        teeth = rgb[luma >= np.median(luma)]
        mean = teeth.mean(axis=0)
        return (mean / max(float(mean @ LUMA), 1e-3)).astype(np.float32)

    def brightest_teeth(self) -> float:
        """97th percentile of the plate's brightness (0..1) where it is opaque: its brightest teeth
        (the plate is mostly teeth; a filmed opening is mostly not, its 90th percentile is its teeth)."""
        layers = np.vstack([self.upper, self.lower])
        luma = layers[..., :3] @ LUMA
        opaque = layers[..., 3] > 0.5
        return float(np.percentile(luma[opaque], 97)) if opaque.any() else 1.0

    @staticmethod
    def load(path: Path | None = None) -> TeethPlate:
        """The checked plate (default: the shipped one); ModelWeightsError when missing or damaged."""
        path = Path(path or DEFAULT_TEETH_PLATE)
        record_path = path.with_suffix(".json")
        for item in (path, record_path):
            if not item.is_file():
                raise ModelWeightsError(f"Teeth plate file {item} is missing")
            verify_sha256(item, "Teeth plate")
        bgra = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if bgra is None or bgra.shape != (2 * LAYER_HEIGHT, PLATE_WIDTH, 4):
            raise ModelWeightsError(f"Teeth plate {path.name} is not a {PLATE_WIDTH}×{2 * LAYER_HEIGHT} RGBA image")
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            unit = float(record["interocular_px"])
        except (ValueError, KeyError, TypeError) as err:
            raise ModelWeightsError(f"Teeth plate record {record_path.name} cannot be read ({err})") from None
        if not unit >= 1.0:
            raise ModelWeightsError(f"Teeth plate record {record_path.name} has interocular_px {unit} below 1")
        rgba = cv2.cvtColor(bgra, cv2.COLOR_BGRA2RGBA)
        return TeethPlate.from_array(rgba, unit, str(record.get("clip", "")))

    @staticmethod
    def load_optional(path: Path | None = None) -> tuple[TeethPlate | None, str | None]:
        """(plate, None), or (None, a one-line note) when it is missing or damaged: the
        renderer then shows the mouth stage's own interior, as before the plate existed."""
        try:
            return TeethPlate.load(path), None
        except ModelWeightsError as err:
            return None, f"teeth plate off ({err}); the mouth stage's interior shows"


