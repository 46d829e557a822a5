"""The teeth plate laid into one portrait's frames: its look, and the painting of each opening.

- **The look** (``PortraitTeeth.for_portrait``, once per portrait): a portrait that shows its
  own teeth (a smiling photo) keeps them — the plate is cut from the portrait itself
  (``own_teeth``). Otherwise the shipped plate (core.render.teeth_plate) loses the film's
  colour cast and takes on a share of the portrait's skin hue, is as grey as the portrait's
  lips (a black-and-white photo gets grey teeth), and is blurred to no finer detail than the
  portrait's own pixels (``matching_blur``: a 288-line video frame exported at 512 is soft).
- **Brightness** (``PortraitTeeth.brightness``, per frame): teeth seen through a narrow gap
  are darker than skin, wide open brighter — as measured on real talking video
  (``TEETH_TO_SKIN_BY_GAP``), relative to the portrait's skin around the mouth.
- **Painting** (``PortraitTeeth.paint``): every pixel of the target opening gets its own lip
  coordinates against the *target* lips; pixels nearer the upper lip read the upper layer,
  the others the lower layer. Upper teeth thus hang under the upper lip and lower teeth
  rise with the jaw, at their filmed size: a wider mouth shows more of the mouth stage's
  dark interior between them, a narrow one only the teeth edges, and the teeth darken under
  the lips and towards the corners. The plate is fixed, so nothing flickers from frame to frame.
  Only pixels inside the inner-lip polygon change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.render.mouth_cavity import lip_chroma, lip_gap
from core.render.mouth_crop import LIPS, OUTER_LIP_COUNT, extract_mouth, mouth_box
from core.render.neural_face_crop import opening_weight
from core.render.teeth_plate import (ACROSS_RANGE, LAYER_DEPTH, LAYER_HEIGHT, LUMA, PLATE_WIDTH, UPPER_SHARE, LipFrame,
                                     TeethPlate, cut_plate, polygon_mask)

OWN_TEETH_MIN_GAP = 0.04  # interocular distances of lip gap from which a portrait's own teeth can be cut
OWN_TEETH_MIN_SHARE = 0.25  # share of that opening that must look like teeth (bright, unsaturated)
TEETH_MAX_SATURATION = 90  # HSV saturation (0..255) below which a bright pixel counts as a tooth
LOWER_TEETH_HIDDEN = 0.025  # interocular distances more of the lower teeth the lower lip covers than in the film
# How bright the brightest teeth of a talking mouth are against the skin around it (90th percentile
# of the opening's brightness / the skin's median), by lip gap in mouth widths: medians over the
# 6,488 open-mouthed real frames of the mouth-stage pairs (python -m core.training.teeth_brightness).
# Through a narrow gap the lips keep the light out; wide open, teeth are brighter than skin.
TEETH_TO_SKIN_BY_GAP = ((0.05, 0.15, 0.25, 0.4), (0.67, 1.02, 1.19, 1.24))
LIP_SHADOW = 0.4  # how much darker teeth are right at the lip edge
LIP_SHADOW_DEPTH = 0.02  # interocular distances under the lip over which that shadow lifts
CORNER_SHADE = 0.7  # how much darker teeth are at the mouth corners than in the middle
CORNER_SHADE_FROM = 0.4  # share of the half mouth width from the centre where that darkening starts
SKIN_TINT = 0.8  # share of the skin's hue the teeth take on (the light in the photo, and no two sets are as white)
# Teeth at the brightness above came out brighter than film on six *training* clips' self-reenactment
# (mouth PSNR/SSIM best at 0.8 of it, sharper than film); the held-out people were not used to choose it.
TEETH_BRIGHTNESS = 0.8
MIN_SKIN_LUMA = 120.0  # darker skin than this does not darken teeth further (teeth are lighter than any skin)
OPENING_EDGE_PX = 0.75  # output pixels outside the inner-lip polygon over which the plate fades out
TEETH_SHOW_PX = (2.5, 6.0)  # output pixels of gap over which teeth fade in: no white specks in a slit
SOURCE_PIXEL_BLUR = 1.0  # Gaussian sigma, in source pixels, of the finest detail a video frame or photo holds (about one pixel)
_GREY_LEVELS = np.array([255.0, 255.0, 255.0, 1.0], np.float32)  # plate RGB 0..1 → grey levels, alpha kept


def skin_colour(image: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """Median RGB (float32, 0..255) of the skin around a face's mouth: the face's exposure and light."""
    rig = np.asarray(rig, np.float64)
    box = mouth_box(rig)
    crop = extract_mouth(np.ascontiguousarray(image[:, :, :3]), box)
    lips = box.points_to_crop(rig[LIPS])
    mask = np.ones(crop.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(lips[:OUTER_LIP_COUNT]).astype(np.int32).reshape(-1, 1, 2)], 0)
    mask = cv2.erode(mask, np.ones((5, 5), np.uint8))
    pixels = crop[mask.astype(bool)] if mask.any() else crop.reshape(-1, 3)
    return np.median(pixels, axis=0).astype(np.float32)


@dataclass(frozen=True)
class PortraitTeeth:
    """A plate recoloured for one portrait: ready to paint that portrait's frames."""

    upper: np.ndarray  # LAYER_HEIGHT×PLATE_WIDTH×4 float32 (RGB in grey levels, alpha 0..1)
    lower: np.ndarray
    skin_gain: float | None = None  # × TEETH_TO_SKIN_BY_GAP: brightness in a frame; None: the portrait's own teeth, as they are

    @staticmethod
    def for_portrait(plate: TeethPlate, portrait_rgba: np.ndarray, rest_rig: np.ndarray,
                     scale: float = 1.0) -> PortraitTeeth:
        """The portrait's own teeth when it shows them (``own_teeth``), else the plate at the
        portrait's brightness, colourfulness and detail (module doc); ``scale``: output pixels
        per portrait pixel."""
        unit = LipFrame.of(rest_rig).unit
        own = own_teeth(portrait_rgba, rest_rig)
        if own is not None:
            plate = TeethPlate.from_array(own, unit)
            return PortraitTeeth(plate.upper * _GREY_LEVELS, plate.lower * _GREY_LEVELS)
        skin_rgb = skin_colour(portrait_rgba, rest_rig)
        skin = max(float(skin_rgb @ LUMA), MIN_SKIN_LUMA)
        # teeth are near white: the film's cast comes off, the portrait's light (a share of its skin's hue) goes on
        tint = np.float32(1.0 - SKIN_TINT) + np.float32(SKIN_TINT) * skin_rgb / max(float(skin_rgb @ LUMA), 1.0)
        tint = tint / plate.teeth_cast()
        chroma = lip_chroma(portrait_rgba, np.asarray(rest_rig, np.float64))
        blur = matching_blur(plate.filmed_unit, unit, scale)
        layers = []
        for layer in (plate.upper, plate.lower):
            rgb = _blur_under_alpha(layer, blur) * np.float32(255.0) * tint.astype(np.float32)
            grey = rgb @ LUMA
            rgb = grey[..., None] + np.float32(chroma) * (rgb - grey[..., None])
            layers.append(np.dstack([rgb, layer[..., 3:]]).astype(np.float32))
        return PortraitTeeth(*layers, skin_gain=skin / (255.0 * plate.brightest_teeth()))

    def brightness(self, gap_in_mouth_widths: float) -> float:
        """Gain on the plate's colours for a frame whose lips are this far apart (1 for own teeth)."""
        if self.skin_gain is None:
            return 1.0
        return TEETH_BRIGHTNESS * self.skin_gain * float(np.interp(gap_in_mouth_widths, *TEETH_TO_SKIN_BY_GAP))

    def paint(self, frame: np.ndarray, rig: np.ndarray, strength: float = 1.0) -> np.ndarray:
        """``frame`` (H×W×C uint8, changed in place and returned) with the plate laid into the
        opening of ``rig`` (98×2, frame pixels); ``strength`` 0..1 scales it (0: untouched)."""
        rig = np.asarray(rig, np.float64)
        opening = rig[60:68]
        gap = lip_gap(rig)
        show = strength * _smoothstep(*TEETH_SHOW_PX, gap)
        height, width = frame.shape[:2]
        x0, y0 = np.maximum(np.floor(opening.min(axis=0)).astype(int) - 3, 0)
        x1, y1 = np.minimum(np.ceil(opening.max(axis=0)).astype(int) + 4, (width, height))
        if show <= 0 or x1 <= x0 or y1 <= y0:
            return frame
        lips = LipFrame.of(rig)
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        a, b = lips.to_lips(xs, ys)
        v_up = (b - lips.upper_b(a)) / lips.unit
        v_low = (lips.lower_b(a) - b) / lips.unit
        from_upper = v_up * (1.0 - UPPER_SHARE) <= v_low * UPPER_SHARE
        map_x = ((a / lips.unit + ACROSS_RANGE) / (2 * ACROSS_RANGE) * PLATE_WIDTH - 0.5).astype(np.float32)
        rows_per_unit = LAYER_HEIGHT / LAYER_DEPTH

        def sample(layer: np.ndarray, v: np.ndarray) -> np.ndarray:
            # colour with its edge repeated, alpha falling to 0 past the edge: no black rim where they blend
            map_y = (v * rows_per_unit - 0.5).astype(np.float32)
            rgb = cv2.remap(layer[..., :3], map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            alpha = cv2.remap(layer[..., 3], map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            return np.dstack([rgb, alpha])

        teeth = np.where(from_upper[..., None], sample(self.upper, v_up), sample(self.lower, v_low + LOWER_TEETH_HIDDEN))
        lit = self.brightness(gap / max(float(np.linalg.norm(rig[54] - rig[48])), 1.0))
        # the lip shades the teeth right under it (the plate was cut below the filmed lip's shadow)
        from_lip = np.where(from_upper, v_up, v_low)
        shade = 1.0 - LIP_SHADOW * (1.0 - np.clip(from_lip / LIP_SHADOW_DEPTH, 0.0, 1.0))
        # and the cheeks darken the teeth towards the corners, whatever the filmed smile showed
        half_width = max(float(lips.upper[0][-1] - lips.upper[0][0]) / 2, 1.0)
        to_corner = np.clip((np.abs(a) / half_width - CORNER_SHADE_FROM) / (1.0 - CORNER_SHADE_FROM), 0.0, 1.0)
        shade *= 1.0 - CORNER_SHADE * to_corner * to_corner * (3.0 - 2.0 * to_corner)
        colour = teeth[..., :3] * (np.float32(lit) * shade[..., None].astype(np.float32))
        # inside the opening only (not grown into the lips as the nets' interior is): a tooth never overlaps a lip
        inside = opening_weight(opening, (x0, y0, x1, y1), softness=OPENING_EDGE_PX, grow=0.0)
        weight = teeth[..., 3:] * inside[..., None] * np.float32(min(show, 1.0))
        region = frame[y0:y1, x0:x1, :3].astype(np.float32)
        frame[y0:y1, x0:x1, :3] = np.clip(region + weight * (colour - region) + 0.5, 0, 255).astype(np.uint8)
        return frame


def matching_blur(filmed_unit: float, portrait_unit: float, scale: float) -> float:
    """Gaussian sigma, in plate pixels, that makes the plate no sharper than the portrait's output.

    Detail can be no finer than about half a source pixel: the film's pixels, seen in the
    output, against the portrait's (upscaled ones are coarse: a 288-line video frame exported
    at 512). Both in output pixels, at the portrait's rest size; the plate gets the difference."""
    output_unit = portrait_unit * scale
    plate_px_per_output_px = (LAYER_HEIGHT / LAYER_DEPTH) / max(output_unit, 1e-6)
    portrait_detail = SOURCE_PIXEL_BLUR * max(scale, 1.0)
    filmed_detail = SOURCE_PIXEL_BLUR * output_unit / filmed_unit
    extra = math.sqrt(max(0.0, portrait_detail ** 2 - filmed_detail ** 2))
    return extra * plate_px_per_output_px


def _blur_under_alpha(layer: np.ndarray, sigma: float) -> np.ndarray:
    """The layer's RGB (0..1) blurred by ``sigma`` pixels, weighted by its alpha (no dark fringe
    from the transparent pixels around it)."""
    rgb, alpha = layer[..., :3], layer[..., 3:]
    if sigma < 0.3:
        return rgb
    weighted = cv2.GaussianBlur(np.ascontiguousarray(rgb * alpha), (0, 0), sigma)
    weight = cv2.GaussianBlur(np.ascontiguousarray(alpha[..., 0]), (0, 0), sigma)[..., None]
    return np.where(weight > 1e-3, weighted / np.maximum(weight, 1e-3), rgb).astype(np.float32)


def own_teeth(portrait_rgba: np.ndarray, rest_rig: np.ndarray) -> np.ndarray | None:
    """A plate cut from the portrait itself when its mouth is open and shows teeth (a smiling
    photo), else None: its own teeth, moved with its lips, are truer than any filmed ones."""
    rig = np.asarray(rest_rig, np.float64)
    lips = LipFrame.of(rig)
    gap = lip_gap(rig)
    if gap < OWN_TEETH_MIN_GAP * lips.unit:
        return None
    rgb = np.ascontiguousarray(portrait_rgba[:, :, :3])
    opening = polygon_mask(rgb.shape[:2], rig[60:68]) > 0.5
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[opening]
    teeth = (hsv[:, 2].astype(np.float32) > 0.8 * float(skin_colour(rgb, rig) @ LUMA)) & (hsv[:, 1] < TEETH_MAX_SATURATION)
    if teeth.size == 0 or teeth.mean() < OWN_TEETH_MIN_SHARE:
        return None
    return cut_plate(rgb, rig)


def _smoothstep(edge0: float, edge1: float, x: float) -> float:
    t = min(max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)

