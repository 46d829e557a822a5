"""What a drawing's own lines and skin look like, measured once on the rest portrait.

The drawn style paints with the drawing's materials: the line colour and weight of
its mouth (or, when the mouth has no line, its face outline, then its lash stroke),
the lash stroke of each eye (``eyelid_pass.measure_lid``), and a *skin plate* — the
portrait with the mouth and eye regions painted out in the surrounding skin colour
(``cv2.inpaint``), which the renderer warps exactly like the portrait and shows
wherever the original mouth or an eye has to disappear. Dark line pixels around the
painted region are painted out too, so no outline bleeds into the skin.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.landmarks.face_landmarks import RIG_IRIS
from core.render.drawn_eyelids import EyeLook, eye_cover_at_rest, lid_curves
from core.render.eyelid_pass import measure_lid

LINE_CONTRAST = 40.0  # grey levels under the skin for a pixel to count as drawn line
UNLIKE_SKIN = 60.0  # RGB distance from the skin colour of eye whites, irises, mouth insides
SKIN_DISTANCE = 50.0  # painted-out pixels this far from the skin colour (RGB) start turning to skin; 2x: all skin
_LUMA = np.array([0.299, 0.587, 0.114])


@dataclass(frozen=True)
class DrawingLook:
    """Line and skin measurements of one portrait (image pixels, RGB 0..255)."""

    line_colour: np.ndarray
    line_weight: float
    skin: np.ndarray
    chroma: float  # 0 greyscale drawing .. 1 colourful
    eyes: tuple[EyeLook, EyeLook]
    mouth_width: float
    mouth_region: np.ndarray  # K×2 polygon over the drawn mouth at rest (its lines, inside and all)


def superellipse(centre: np.ndarray, axis: np.ndarray, half: tuple[float, float], power: float = 3.0,
                 count: int = 32) -> np.ndarray:
    """A rounded box (count×2) around ``centre`` with half sizes along ``axis`` and its normal."""
    normal = np.array([-axis[1], axis[0]])
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    c, s = np.cos(angles), np.sin(angles)
    x = half[0] * np.sign(c) * np.abs(c) ** (2 / power)
    y = half[1] * np.sign(s) * np.abs(s) ** (2 / power)
    return centre + x[:, None] * axis + y[:, None] * normal


def mouth_cover(rig: np.ndarray, rest_width: float, line_weight: float) -> np.ndarray:
    """Polygon over the rest mouth carried by ``rig`` (its outer lips 48–59), lines and all."""
    lips = rig[48:60]
    axis = (rig[54] - rig[48]) / max(float(np.linalg.norm(rig[54] - rig[48])), 1e-6)
    normal = np.array([-axis[1], axis[0]])
    centre = lips.mean(0)
    x, y = (lips - centre) @ axis, (lips - centre) @ normal
    margin = max(2.5 * line_weight, 0.14 * rest_width)
    middle = centre + 0.5 * (x.max() + x.min()) * axis + 0.5 * (y.max() + y.min()) * normal
    return superellipse(middle, axis, (0.5 * (x.max() - x.min()) + margin, 0.5 * (y.max() - y.min()) + margin))


def face_interior(rig: np.ndarray, inset: float) -> np.ndarray:
    """The face inside its outline (jaw 0–16, closed over the brows), pulled in by ``inset`` px:
    covers stay off the drawing's own chin and cheek lines."""
    outline = np.concatenate([rig[0:17], rig[26:16:-1] - np.array([0.0, inset])])
    centre = outline.mean(0)
    offset = outline - centre
    length = np.maximum(np.linalg.norm(offset, axis=1, keepdims=True), 1e-6)
    return centre + offset * np.maximum(1.0 - inset / length, 0.0)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(rgb, np.float64)[..., :3] @ _LUMA


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``image`` at N×2 points (x, y) → N×C float."""
    pts = np.asarray(points, np.float32).reshape(-1, 1, 2)
    sampled = cv2.remap(image, pts[..., 0], pts[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return sampled.reshape(len(pts), -1).astype(np.float64)


def _skin(portrait: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """Median colour of the cheeks and the skin between mouth and nose (line pixels left out)."""
    spots = [0.5 * (rest[2] + rest[31]), 0.5 * (rest[14] + rest[35]), 0.5 * (rest[33] + rest[51]),
             0.5 * (rest[3] + rest[48]), 0.5 * (rest[13] + rest[54])]
    radius = 0.04 * float(np.linalg.norm(rest[16] - rest[0]))
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5)), -1).reshape(-1, 2) * radius
    pixels = np.concatenate([_sample(portrait, spot + grid) for spot in spots])
    luma = _luma(pixels)
    keep = luma >= np.median(luma) - 0.5 * LINE_CONTRAST
    return np.median(pixels[keep][:, :3], 0)


def _dark_run(profile_luma: np.ndarray, offsets: np.ndarray, skin_luma: float) -> tuple[float, int] | None:
    """(width, index of darkest pixel) of the dark run nearest offset 0, or None without a line."""
    darkest = float(profile_luma.min())
    if darkest > skin_luma - LINE_CONTRAST:
        return None
    # Near the darkest level: a line, not the lips' or shading's mid tones around it.
    dark = profile_luma < darkest + 0.35 * (skin_luma - darkest)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], dark.astype(int), [0]])))
    starts, ends = runs[0::2], runs[1::2] - 1
    distance = np.maximum(np.maximum(offsets[starts], -offsets[ends]), 0.0)
    r = int(np.argmin(distance))
    step = float(offsets[1] - offsets[0])
    return (ends[r] - starts[r] + 1) * step, int(starts[r] + np.argmin(profile_luma[starts[r] : ends[r] + 1]))


def _line_across(portrait: np.ndarray, points: np.ndarray, normals: np.ndarray, reach: float,
                 skin_luma: float) -> tuple[list[float], list[np.ndarray]]:
    """Widths and colours of the drawn line crossing each profile (point ± reach along its normal)."""
    offsets = np.arange(-reach, reach + 1e-6, 0.5)
    widths, colours = [], []
    for point, normal in zip(points, normals):
        profile = _sample(portrait, point + offsets[:, None] * normal)
        found = _dark_run(_luma(profile), offsets, skin_luma)
        if found is not None:
            widths.append(found[0])
            colours.append(profile[found[1], :3])
    return widths, colours


def _mouth_profiles(rest: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Points along the closed-mouth line (between 62 and 66, across the middle) and its normals."""
    axis = (rest[54] - rest[48]) / max(width, 1e-6)
    normal = np.array([-axis[1], axis[0]])
    middle = 0.5 * (rest[62] + rest[66])
    along = np.linspace(-0.35, 0.35, 9) * width
    return middle + along[:, None] * axis, np.repeat(normal[None], len(along), 0)


def _jaw_profiles(rest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    points = rest[3:14]
    tangent = rest[4:15] - rest[2:13]
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-6)
    return points, np.stack([-tangent[:, 1], tangent[:, 0]], -1)


def measure_drawing(portrait: np.ndarray, rest: np.ndarray) -> DrawingLook:
    """Line colour and weight (mouth line, else face outline, else lashes), skin and eyes."""
    width = max(float(np.linalg.norm(rest[54] - rest[48])), 2.0)
    face_width = float(np.linalg.norm(rest[16] - rest[0]))
    skin = _skin(portrait, rest)
    skin_luma = float(_luma(skin))
    lids = [measure_lid(portrait, rest, eye) for eye in (0, 1)]
    # One lash colour for both eyes, the darker one: a profile can catch an iris instead of the line.
    lash = min((np.asarray(lid.lash_colour) * 255.0 for lid in lids), key=lambda c: float(_luma(c)))
    rise, lash_width = max(lid.rise for lid in lids), max(lid.lash_width for lid in lids)  # a drawing's eyes match
    eyes = tuple(EyeLook(rise, lash_width, lash, np.median(lid.skin.astype(np.float64), 0),
                         eye_bottom(portrait, rest, eye, skin)) for eye, lid in enumerate(lids))
    widths, colours = _line_across(portrait, *_mouth_profiles(rest, width), 0.2 * width, skin_luma)
    if len(widths) < 3 or np.median(widths) > 0.15 * width:  # no line, or an open mouth's dark inside
        widths, colours = _line_across(portrait, *_jaw_profiles(rest), 0.04 * face_width, skin_luma)
    if len(widths) >= 3:
        weight, colour = float(np.median(widths)), np.median(colours, 0)
    else:
        weight, colour = 0.6 * float(np.mean([e.line_width for e in eyes])), np.mean([e.colour for e in eyes], 0)
    weight = float(np.clip(weight, max(1.0, 0.03 * width), max(1.5, 0.07 * width)))
    saturation = (skin.max() - skin.min()) / max(float(skin.max()), 1.0)
    region = drawn_mouth_region(portrait, rest, skin, mouth_cover(rest, width, weight), weight)
    return DrawingLook(colour, weight, skin, float(np.clip(saturation / 0.12, 0.0, 1.0)), eyes, width, region)


def _unlike_skin(portrait: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Pixels that are drawn lines or another colour than the skin (H×W bool)."""
    distance = np.linalg.norm(portrait[:, :, :3].astype(np.float32) - skin.astype(np.float32), axis=2)
    return (_luma(portrait) < float(_luma(skin)) - LINE_CONTRAST) | (distance > UNLIKE_SKIN)


def drawn_mouth_region(portrait: np.ndarray, rest: np.ndarray, skin: np.ndarray, cover: np.ndarray,
                       weight: float) -> np.ndarray:
    """``cover`` grown to the whole drawn mouth: the landmarks often catch only part of a big
    open cartoon mouth, and what they miss would stay on screen under the new mouth."""
    height, width = portrait.shape[:2]
    inside = np.zeros((height, width), np.uint8)
    cv2.fillPoly(inside, [np.round(face_interior(rest, 2.0 * weight)).astype(np.int32)], 1)
    shapes = (_unlike_skin(portrait, skin) & (inside > 0)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(shapes, connectivity=8)
    lips = np.zeros((height, width), np.uint8)
    cv2.fillPoly(lips, [np.round(cover).astype(np.int32)], 1)
    limit = 0.45 * float(np.linalg.norm(rest[16] - rest[0]))
    touched = np.unique(labels[(lips > 0) & (shapes > 0)])
    # Only what lies between the nose and the chin: a nose or chin shadow touching the mouth stays.
    axis = (rest[54] - rest[48]) / max(float(np.linalg.norm(rest[54] - rest[48])), 1e-6)
    down = np.array([-axis[1], axis[0]])
    top, bottom = float(0.5 * (rest[33] + rest[51]) @ down), float(rest[8] @ down) - 2.0 * weight
    points = [cover]
    for label in touched[touched > 0]:
        if max(stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]) <= limit:
            ys, xs = np.nonzero(labels == label)
            found = np.stack([xs, ys], -1).astype(np.float64)
            depth = found @ down
            points.append(found[(depth > top) & (depth < bottom)])
    hull = cv2.convexHull(np.concatenate(points).astype(np.float32))[:, 0, :].astype(np.float64)
    centre = hull.mean(0)
    offset = hull - centre
    grow = 1.5 * weight + 1.0  # the shapes' antialiased edges
    region = centre + offset * (1.0 + grow / np.maximum(np.linalg.norm(offset, axis=1, keepdims=True), 1e-6))
    return region + np.maximum(top - region @ down, 0.0)[:, None] * down  # never over the nose


def skin_plate(portrait: np.ndarray, rest: np.ndarray, look: DrawingLook) -> np.ndarray:
    """The portrait (RGBA) with the mouth and eye regions painted out in the skin around them."""
    height, width = portrait.shape[:2]
    regions = [look.mouth_region]
    regions += [eye_cover_at_rest(rest, eye, look.eyes[eye]) for eye in (0, 1)]
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, [np.round(r).astype(np.int32) for r in regions], 255)
    reach = int(max(3, round(3 * look.line_weight)))
    near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    # Lines, eye whites and irises near the region are painted out too (they would bleed in),
    # with a pixel of margin for their antialiased edges.
    mask[_unlike_skin(portrait, look.skin) & (near > 0)] = 255
    grow = max(1, round(0.5 * look.line_weight))
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1)))
    x, y, w, h = cv2.boundingRect(cv2.dilate(mask, np.ones((3, 3), np.uint8)))
    pad = 4 * reach
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(width, x + w + pad), min(height, y + h + pad)
    plate = portrait.copy()
    if x1 > x0 and y1 > y0:
        crop = np.ascontiguousarray(portrait[y0:y1, x0:x1, :3])
        filled = cv2.inpaint(crop, mask[y0:y1, x0:x1], max(3.0, 2.0 * look.line_weight), cv2.INPAINT_TELEA)
        plate[y0:y1, x0:x1, :3] = _towards_skin(filled, mask[y0:y1, x0:x1] > 0,
                                                 _skin_targets(look, regions, (height, width))[y0:y1, x0:x1])
    return plate


def _skin_targets(look: DrawingLook, regions: list[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """H×W×3 float32 skin colour each painted-out pixel may turn to: lid skin around the eyes
    (shaded drawings darken the lids), the face's skin elsewhere."""
    height, width = shape
    targets = np.empty((height, width, 3), np.float32)
    targets[:] = look.skin
    for eye in (0, 1):
        grown = np.zeros((height, width), np.uint8)
        cv2.fillPoly(grown, [np.round(regions[1 + eye]).astype(np.int32)], 1)
        grown = cv2.dilate(grown, np.ones((9, 9), np.uint8))
        lid = look.eyes[eye].skin
        if np.linalg.norm(lid - look.skin) < SKIN_DISTANCE:  # else the band above the lid was hair
            targets[grown > 0] = lid
    return cv2.GaussianBlur(targets, (0, 0), 3.0)


def _towards_skin(filled: np.ndarray, mask: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Painted-out pixels far from the skin colour (an eye white the landmarks sit inside, hair)
    become the skin colour (3 or H×W×3), with a soft edge: a lid or a mouth cover is skin."""
    distance = np.linalg.norm(filled.astype(np.float32) - skin.astype(np.float32), axis=-1)
    weight = np.clip((distance - SKIN_DISTANCE) / SKIN_DISTANCE, 0.0, 1.0) * mask
    weight = cv2.GaussianBlur(weight.astype(np.float32), (0, 0), 2.0)[:, :, None]
    out = filled * (1.0 - weight) + skin.astype(np.float32) * weight
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def eye_bottom(portrait: np.ndarray, rest: np.ndarray, eye: int, skin: np.ndarray) -> np.ndarray:
    """Per lower-lid point (9, corners 0): how far the drawn eye (whites, iris, lower lashes: the
    non-skin shape holding the iris) reaches below the landmarks, so a shut lid covers all of it."""
    upper, lower = lid_curves(rest, eye)
    width = max(float(np.linalg.norm(upper[-1] - upper[0])), 2.0)
    axis = (upper[-1] - upper[0]) / width
    normal = np.array([-axis[1], axis[0]])
    reach = 0.6 * width
    box = np.concatenate([upper - 0.3 * width * normal - 0.1 * width * axis * np.linspace(1, -1, 9)[:, None],
                          (lower + reach * normal + 0.1 * width * axis * np.linspace(-1, 1, 9)[:, None])[::-1]])
    x, y, w, h = cv2.boundingRect(np.round(box).astype(np.int32))
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(portrait.shape[1], x + w), min(portrait.shape[0], y + h)
    if x1 - x0 < 3 or y1 - y0 < 3:  # the eye lies outside the picture
        return np.zeros(len(lower))
    inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(inside, [np.round(box - [x0, y0]).astype(np.int32)], 1)
    shapes = (_unlike_skin(portrait[y0:y1, x0:x1], skin) & (inside > 0)).astype(np.uint8)
    _, labels = cv2.connectedComponents(shapes, connectivity=8)
    iris = np.round(rest[RIG_IRIS][eye] - [x0, y0]).astype(int)
    if not (0 <= iris[0] < labels.shape[1] and 0 <= iris[1] < labels.shape[0]) or labels[iris[1], iris[0]] == 0:
        return np.zeros(len(lower))
    eye_shape = (labels == labels[iris[1], iris[0]]).astype(np.float32)
    steps = np.arange(0.0, reach, 0.5)
    fall = np.zeros(len(lower))
    for k in range(1, len(lower) - 1):
        points = lower[k] + steps[:, None] * normal - [x0, y0]
        inside_eye = _sample(eye_shape, points)[:, 0] > 0.5
        gaps = np.flatnonzero(~inside_eye)
        # Still inside at the end of the reach: the shape ran into something else (hair, a blush).
        fall[k] = steps[gaps[0] - 1] if len(gaps) and gaps[0] > 0 else 0.0
    # A drawn eye's bottom is a smooth arc: a median drops single-column misses, a fitted
    # parabola through the corners (0 there) smooths the rest.
    padded = np.pad(fall, 2, mode="edge")
    fall = np.median(np.stack([padded[i : i + len(fall)] for i in range(5)]), 0)
    t = np.linspace(-1.0, 1.0, len(fall))
    arc = 1.0 - t**2
    depth = float((fall * arc).sum() / (arc * arc).sum())
    return np.clip(depth * arc, 0.0, reach)
