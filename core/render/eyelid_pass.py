"""Closing upper lids, drawn over the warped portrait.

Warping alone cannot close an eye: pulling the upper-lid vertices down squashes
the drawn outline, the lashes and the pupil into dark streaks. So the mesh keeps
each eye open (``warp_mesh.hold_open_lids``) and this pass draws the lid over it,
like ``mouth_cavity`` draws the inside of the mouth.

For each eye the covered region runs from the open lid (the rest upper lid
carried onto this frame's eye corners, raised by the part of the portrait's own
lid line that lies above the landmarks) down to the current upper lid.

On a drawing (``neural_style`` does not read it as photographic) the lid is filled with
lid skin: on flat-coloured drawings, per-column colours measured once from a band of
skin above the rest lid (below the brow; dark lines such as a crease are left out); on
textured ones the skin just above the lid mirrored down onto it. Either is shaded a
little darker toward the lid edge. Along the current lid edge runs a crisp lid line
whose colour and thickness come from the darkest pixels of the rest upper-lid line, so
it matches the drawing's outline; under it a faint shadow falls on the eye that is
still open.

On a photo, painting or statue a drawn line reads as eyeliner, so the lid is filmed
skin instead (``photo_lids``): it covers the portrait's whole dark lash margin, is
skinned from the *lid plate* (``lid_plate``: the portrait with each eye painted over
with the skin above it, which it is at the lid's top, so no outline is left there),
and ends in a lash line of the portrait's own lash colours and thickness, feathered
over about two output pixels, with a soft fringe of lashes below it.

Every edge is antialiased from per-vertex pixel distances, and the frame's alpha is
left as it is.

The region is meshed as a strip of ``COLUMNS`` columns along the line between
the eye corners; each column spans from the top of the lid skin to just below the
lash line (a photo's in two bands: the feathered top, then the lid itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import moderngl
import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS, RIG_LOWER_LIDS, RIG_UPPER_LIDS
from core.render.lid_contours import local, polyline, resample, smooth
from core.render.lid_plate import lid_plate
from core.render.neural_style import read_style
from core.render.photo_lids import FRINGE, LASH_COLUMNS, lash_profile, lid_raise, plate_fills, plate_sources
from core.render.warp_mesh import clamp_rig, eye_frame, open_upper_lids
from core.render.shader_source import vertex_shader

COLUMNS = 32
SKIN_COLUMNS = 16  # lid-colour samples across each eye
GRAIN_FLAT = 2.0  # skin luma MAD (0..255) up to which a portrait counts as flat-coloured
FALL_AT = np.linspace(0.02, 0.98, 17)  # lower-outline samples across each eye (share of its width)
FEATHER = 0.08  # soft top of the lid, share of the eye width
_BROWS = (slice(17, 22), slice(22, 27))
_FLOATS_PER_VERTEX = 10

VERTEX_SHADER = vertex_shader(
    """
in vec4 in_geo;   // px above the lid edge, px below the top of the lid skin, across (0..1), shadow width
in float in_lid;  // lid height in px at this column
in vec3 in_src;   // rest upper-lid point (portrait px) and mirror offset above it; a photo: lid-plate point
out vec4 geo;
out float lid_h;
out vec3 src;
""",
    """
    geo = in_geo;
    lid_h = in_lid;
    src = in_src;
""",
)

FRAGMENT_SHADER = """
#version 330
const float FRINGE = 1.2;        // a photo's lash fringe hangs this many lash half-widths below the line
const float FRINGE_ALPHA = 0.45; // and starts this opaque
uniform sampler2D portrait;     // the portrait (drawings) or its lid plate (photos, lid_plate.py)
uniform sampler2D lid_colours;  // SKIN_COLUMNS x 2 (one row per eye)
uniform sampler2D lash_colours; // LASH_COLUMNS x 2: a photo's own lash line along each open lid
uniform vec2 image_size;
uniform vec2 rest_up;           // rest "up" direction of this eye in the portrait
uniform float min_offset;       // the mirror starts this far above the rest lid (past the lid line)
uniform float texture_mix;      // drawings: 0 flat measured colour, 1 mirrored skin texture
uniform float photo;            // 1: a photo's lid (lid plate, soft lash line of its own colours)
uniform float eye_row;
uniform vec3 lash_colour;       // a drawing's lid line
uniform float lash_half;        // half the lash line's thickness in image px
uniform float pixel_scale;      // output px per image px
uniform float amount;           // fades the lid in over its first pixel of travel
uniform float feather;          // px over which the top of the lid fades into the skin above
in vec4 geo;
in float lid_h;
in vec3 src;
out vec4 colour;
void main() {
    float d = geo.x, dt = geo.y, across = geo.z, shadow_w = geo.w;
    float px = 1.0 / pixel_scale;
    float half_w = max(lash_half * (0.55 + 0.45 * sin(3.14159265 * across)), 0.5 * px);
    vec3 skin = texture(lid_colours, vec2(across, eye_row)).rgb;
    if (photo > 0.5) {
        // The portrait's own lid skin, stretched down with the lid: at the top it is the portrait.
        // Sampled at the output's scale: a stretched lid must not pick a blurrier level of the plate.
        skin = textureLod(portrait, (src.xy + 0.5) / image_size, max(-log2(pixel_scale), 0.0)).rgb;
    } else if (texture_mix > 0.0) {
        // The skin above the lid, mirrored down onto it: seamless at the top, real texture.
        vec2 at = src.xy + max(src.z, min_offset) * rest_up;
        skin = mix(skin, texture(portrait, (at + 0.5) / image_size).rgb, texture_mix);
    }
    // The lid curves away from the viewer toward its edge: a touch darker there.
    skin *= 1.0 - 0.10 * (1.0 - smoothstep(0.0, max(0.6 * lid_h, px), d));
    float skin_a = clamp(d * pixel_scale + 0.5, 0.0, 1.0) * smoothstep(-max(feather, 1.5 * px), 0.0, dt);
    // A drawing's lid line is crisp (1 output px of antialiasing); a photo's lash line is feathered
    // over 2, has the colours of its own lashes, and a soft fringe of lashes hangs below it.
    float lash_a = clamp((half_w - abs(d)) * pixel_scale / (1.0 + photo) + 0.5 + 0.25 * photo, 0.0, 1.0);
    float below = -d - half_w;
    lash_a = max(lash_a, photo * FRINGE_ALPHA * (1.0 - smoothstep(0.0, FRINGE * half_w + px, below)) * step(0.0, below));
    vec3 lash = mix(lash_colour, texture(lash_colours, vec2(across, eye_row)).rgb, photo);
    float shadow_a = shadow_w > 0.0 ? 0.3 * (1.0 - smoothstep(0.0, shadow_w, below)) * step(0.0, below) : 0.0;
    // Premultiplied: lash over skin over shadow.
    vec3 p = skin * skin_a + (1.0 - skin_a) * lash * 0.3 * shadow_a;
    float a = skin_a + (1.0 - skin_a) * shadow_a;
    p = lash * lash_a + (1.0 - lash_a) * p;
    a = lash_a + (1.0 - lash_a) * a;
    colour = vec4(p / max(a, 1e-4), a * amount);
}
"""



@dataclass(frozen=True)
class LidLook:
    """What one eye's lid looks like, measured on the rest portrait (image pixels)."""

    skin: np.ndarray  # SKIN_COLUMNS×3 uint8, corner 36/42 side first
    lash_colour: np.ndarray  # 3 floats 0..1
    lash_width: float  # thickness of the drawn lid line
    rise: float  # how far the lid line reaches above the landmarks
    fall: np.ndarray  # per FALL_AT column: how far below the lower-lid landmarks a drawn outline runs
    eye_width: float  # corner to corner at rest
    brow_gap: float  # rest lid top to brow
    grain: float  # how textured the skin above the lid is (luma MAD; ~0 for flat drawings)


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear RGBA samples (float) at N×2 pixel positions."""
    pts = points.reshape(-1, 1, 2).astype(np.float32)
    out = cv2.remap(image, pts[..., 0], pts[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(-1, image.shape[2]).astype(np.float64)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., :3] @ np.array([0.299, 0.587, 0.114])


def measure_lid(portrait: np.ndarray, rest_rig: np.ndarray, eye: int) -> LidLook:
    """Lid skin colours above the rest upper lid and the lid line's colour, thickness and rise."""
    origin, axis, normal = eye_frame(rest_rig, eye)
    upper = smooth(polyline(rest_rig, eye, RIG_UPPER_LIDS))
    lower = smooth(polyline(rest_rig, eye, RIG_LOWER_LIDS))
    uu, vu = local(upper, origin, axis, normal)
    ul, vl = local(lower, origin, axis, normal)
    width = max(float(uu[-1]), 1.0)
    at = np.linspace(0.0, width, 33)
    height = max(float((resample(ul, vl, at) - resample(uu, vu, at)).max()), 1.0)
    _, v_brow = local(rest_rig[_BROWS[eye]], origin, axis, normal)
    brow_gap = max(float(vu.min() - v_brow.mean()), 0.6 * height, 3.0)

    def at_lid(u: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Points at lid positions u moved along the normal by offsets (U×T×2)."""
        base = origin + u[:, None] * axis + resample(uu, vu, u)[:, None] * normal
        return base[:, None, :] + offsets[None, :, None] * normal

    # The lid line: on each profile across the rest upper lid, the dark run nearest the landmarks
    # (a wide window finds a line the landmarks miss by a little, without taking the brow).
    # Detectors often put the contour inside the eye, under the lash line: look further up than down.
    window = max(3.0, 0.3 * height)
    offsets = np.arange(-2.0 * window, window + 1e-6, 0.5)
    u_prof = np.linspace(0.15, 0.85, 11) * width
    prof = _sample(portrait, at_lid(u_prof, offsets)).reshape(len(u_prof), len(offsets), -1)
    luma = _luma(prof)

    # Skin band: above the lid line, below the brow; lines (crease, brow hair) dropped by brightness.
    band_offsets = -np.linspace(0.15, 0.45, 10) * brow_gap - 1.2 * window
    band_u = np.linspace(0.0, 1.0, SKIN_COLUMNS) * width
    jitter = np.array([-0.03, 0.0, 0.03]) * width
    band = np.stack([_sample(portrait, at_lid(np.clip(band_u + j, 0, width), band_offsets)) for j in jitter], 1)
    band = band.reshape(SKIN_COLUMNS, -1, portrait.shape[2])
    skin_luma = float(np.median(_luma(band)))
    band_luma = _luma(band)
    grain = float(np.median(np.abs(band_luma - np.median(band_luma, 1, keepdims=True))))
    skin = np.empty((SKIN_COLUMNS, 3))
    for k in range(SKIN_COLUMNS):
        px = band[k]
        keep = (_luma(px) >= 0.85 * np.median(_luma(px))) & (px[:, 3] > 128)
        skin[k] = np.median(px[keep][:, :3] if keep.any() else px[:, :3], 0)
    skin = cv2.GaussianBlur(skin[:, None, :], (1, 5), 0)[:, 0, :] if SKIN_COLUMNS >= 5 else skin

    widths, rises, dark_rgb = [], [], []
    for k in range(len(u_prof)):
        lightest, darkest = float(luma[k].max()), float(luma[k].min())
        if darkest > min(skin_luma, lightest) - 25:  # no visible line here
            continue
        dark = luma[k] < 0.5 * (darkest + min(skin_luma, lightest))
        runs = np.flatnonzero(np.diff(np.concatenate([[0], dark.astype(int), [0]])))
        starts, ends = runs[0::2], runs[1::2] - 1
        gap = np.maximum(np.maximum(offsets[starts], -offsets[ends]), 0.0)  # distance of each run from offset 0
        r = int(np.argmin(gap))
        lo, hi = starts[r], ends[r]
        widths.append((hi - lo + 1) * 0.5)
        # Everything from the landmarks up to where the profile is back to skin is lid line
        # (a photo's eyeliner can sit above the lash run the landmarks lie on).
        back = min(skin_luma, lightest) - 0.25 * (min(skin_luma, lightest) - darkest)
        top = int(np.searchsorted(offsets, 0.0))
        while top > 0 and luma[k, top - 1] < back:
            top -= 1
        rises.append(max(0.0, -offsets[min(lo, top)]))
        dark_rgb.append(prof[k, lo + int(np.argmin(luma[k, lo : hi + 1])), :3])
    lash = np.median(dark_rgb, 0) / 255.0 if dark_rgb else np.median(skin, 0) / 255.0 * 0.35
    line_width = float(np.median(widths)) if widths else 0.04 * width
    rise = float(np.median(rises)) if rises else 0.5 * line_width

    # A drawn lower outline just under the lower-lid landmarks: a closed lid meets it there.
    def at_lower(u: np.ndarray, offs: np.ndarray) -> np.ndarray:
        base = origin + u[:, None] * axis + resample(ul, vl, u)[:, None] * normal
        return base[:, None, :] + offs[None, :, None] * normal

    down = np.arange(-1.0, window + 1e-6, 0.5)
    u_fall = FALL_AT * width
    low_luma = _luma(_sample(portrait, at_lower(u_fall, down)).reshape(len(u_fall), len(down), -1))
    falls = np.full(len(u_fall), np.nan)
    for k in range(len(u_fall)):
        darkest = float(low_luma[k].min())
        if darkest > skin_luma - 60:  # only a real outline, not a soft lower lash line
            continue
        dark = low_luma[k] < 0.5 * (darkest + skin_luma)
        first = int(np.argmax(dark))
        last = first
        while last + 1 < len(dark) and dark[last + 1]:
            last += 1
        falls[k] = max(0.0, 0.5 * (down[first] + down[last]))
    seen = np.isfinite(falls)
    fall = np.where(seen, falls, np.median(falls[seen]) if seen.any() else 0.0)
    if seen.sum() <= len(falls) // 2:  # no drawn lower outline
        fall[:] = 0.0
    return LidLook(
        skin=np.clip(np.round(skin), 0, 255).astype(np.uint8),
        lash_colour=lash,
        lash_width=float(np.clip(line_width, 1.0, 0.06 * width)),
        rise=float(np.clip(rise, 0.0, 0.5 * height)),
        fall=np.clip(fall, 0.0, 0.25 * height),
        eye_width=width,
        brow_gap=brow_gap,
        grain=grain,
    )


def texture_share(look: LidLook) -> float:
    """A drawing's lid: 0 for flat colour (measured colours), 1 for textured skin (mirrored skin)."""
    return float(np.clip((look.grain - GRAIN_FLAT) / GRAIN_FLAT, 0.0, 1.0))


MIN_TRAVEL_PX = 0.05  # a lid that has come down less than this is not drawn


def lid_vertices(
    rest_rig: np.ndarray, rig: np.ndarray, eye: int, look: LidLook, pixel_scale: float, photo: bool = False
) -> tuple[np.ndarray, float]:
    """Triangle list (N×10: x, y, d_edge, d_top, across, shadow_w, lid_h, source x, y, mirror offset)
    and how far the lid has come down from its open place, in px. The source is the rest upper-lid
    point the mirrored skin starts from, or for a ``photo`` the lid-plate point (``photo_lids``)."""
    origin, axis, normal = eye_frame(rig, eye)
    opened = open_upper_lids(rest_rig, rig)[eye]
    corners = rig[list(EYE_CORNERS[eye])]
    u_open, v_open = local(smooth(np.vstack([corners[0], opened, corners[1]])), origin, axis, normal)
    u_cur, v_cur = local(smooth(polyline(rig, eye, RIG_UPPER_LIDS)), origin, axis, normal)
    u_low, v_low = local(smooth(polyline(rig, eye, RIG_LOWER_LIDS)), origin, axis, normal)
    width = max(float(u_cur[-1]), 1.0)
    scale = width / look.eye_width
    # Columns crowd toward the corners, where lids curve fastest.
    at = width * 0.5 * (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, COLUMNS)))
    top = resample(u_open, v_open, at)
    low = resample(u_low, v_low, at)
    edge = np.minimum(resample(u_cur, v_cur, at), low)
    travel = float((edge - top).max())
    if travel < MIN_TRAVEL_PX:  # an open eye: nothing to draw, so no triangles to build
        return np.empty((0, 10), np.float32), travel
    # Nearly shut, the lid edge settles onto a drawn lower outline below the landmarks.
    shut = np.clip((edge - top) / np.maximum(low - top, 1e-3), 0.0, 1.0) ** 3
    edge = edge + np.interp(at / width, FALL_AT, look.fall) * scale * shut
    px = 1.0 / pixel_scale
    half = max(0.5 * look.lash_width * scale, 0.5 * px)
    shadow = np.minimum(0.15 * look.eye_width * scale, np.maximum(low - edge - half, 0.0))
    feather = max(FEATHER * look.eye_width * scale, 1.5 * px)
    if photo:
        skin_top = np.minimum(top, edge) - lid_raise(look, at / width) * scale
        # A row where the skin is full: the feathered top above it takes the plate unstretched.
        row_v = [skin_top - feather, skin_top, edge + half + np.maximum(shadow, FRINGE * half + px) + px]
        sources = plate_sources(rest_rig, eye, at / scale, top, skin_top, edge, scale, row_v)
        sources = [np.column_stack([src, np.zeros(COLUMNS)]) for src in sources]
    else:
        skin_top = np.minimum(top, edge) - look.rise * scale - 1.0 * px - 0.75 * px
        row_v = [skin_top - feather, edge + half + shadow + px]
        sources = _mirror_sources(rest_rig, eye, look, at / scale, skin_top, edge, scale, pixel_scale, row_v)
    rows = []
    for v, src in zip(row_v, sources):
        pos = origin + at[:, None] * axis + v[:, None] * normal
        rows.append(np.column_stack([pos, edge - v, v - skin_top, at / width, shadow, edge - skin_top, src]))
    quads = []
    for top_v, bottom_v in zip(rows[:-1], rows[1:]):
        for i in range(COLUMNS - 1):
            quads += [top_v[i], bottom_v[i], top_v[i + 1], top_v[i + 1], bottom_v[i], bottom_v[i + 1]]
    return np.array(quads, np.float32), travel


def _mirror_sources(rest_rig: np.ndarray, eye: int, look: LidLook, r_at: np.ndarray, skin_top: np.ndarray,
                    edge: np.ndarray, scale: float, pixel_scale: float, row_v: list[np.ndarray]) -> list[np.ndarray]:
    """A drawing's lid skin (N×3 per row): the rest upper-lid point of each column and the mirror
    offset above it, which grows down the lid (the skin above the lid mirrored down onto it)."""
    r_origin, r_axis, r_normal = eye_frame(rest_rig, eye)
    ru, rv = local(smooth(polyline(rest_rig, eye, RIG_UPPER_LIDS)), r_origin, r_axis, r_normal)
    source = r_origin + r_at[:, None] * r_axis + resample(ru, rv, r_at)[:, None] * r_normal
    lid_h = np.maximum(edge - skin_top, 1e-3)
    mirror = np.minimum(lid_h / scale, 0.45 * look.brow_gap) / lid_h  # rest px per px down the lid
    start = look.rise + 1.75 / pixel_scale
    return [np.column_stack([source, start + (v - skin_top) * mirror]) for v in row_v]


class EyelidPass:
    """GL resources for drawing both closing lids into the currently bound framebuffer."""

    def __init__(
        self,
        ctx: moderngl.Context,
        portrait: np.ndarray,
        portrait_texture: moderngl.Texture,
        out_size: tuple[int, int],
        rest_rig: np.ndarray,
    ):
        self._ctx = ctx
        self._portrait = portrait_texture
        self._rest_rig = np.asarray(rest_rig, np.float64)
        image_size = (portrait.shape[1], portrait.shape[0])
        self._pixel_scale = out_size[1] / image_size[1]
        self.looks = [measure_lid(portrait, self._rest_rig, eye) for eye in (0, 1)]
        # What ``--renderer auto`` reads: photos, photographic paintings and statues get a photo's lid.
        self.photographic = read_style(portrait, self._rest_rig).is_photographic
        colours = np.stack([look.skin for look in self.looks])  # 2×SKIN_COLUMNS×3
        self._colours = self._small_texture(SKIN_COLUMNS, np.ascontiguousarray(colours).tobytes(), None)
        lashes = np.zeros((2, LASH_COLUMNS, 3), np.float32)
        if self.photographic:
            lashes = np.stack([lash_profile(portrait, self._rest_rig, eye, look) for eye, look in enumerate(self.looks)])
        self._lashes = self._small_texture(LASH_COLUMNS, np.ascontiguousarray(lashes, np.float32).tobytes(), "f4")
        self._plate = self._plate_texture(portrait, image_size) if self.photographic else None
        self._program = ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        self._program["image_size"].value = tuple(float(v) for v in image_size)
        self._program["pixel_scale"].value = self._pixel_scale
        self._program["photo"].value = float(self.photographic)
        self._program["portrait"].value = 0
        self._program["lid_colours"].value = 1
        self._program["lash_colours"].value = 2
        self._vbo = ctx.buffer(reserve=2 * (COLUMNS - 1) * 6 * _FLOATS_PER_VERTEX * 4)  # up to two bands of quads
        self._vao = ctx.vertex_array(
            self._program, [(self._vbo, "2f 4f 1f 3f", "in_pos", "in_geo", "in_lid", "in_src")]
        )

    def _small_texture(self, columns: int, data: bytes, dtype: str | None) -> moderngl.Texture:
        """A columns × 2 RGB lookup along both eyes (one row per eye)."""
        texture = self._ctx.texture((columns, 2), 3, data, dtype=dtype or "f1")
        texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
        texture.repeat_x = texture.repeat_y = False
        return texture

    def _plate_texture(self, portrait: np.ndarray, image_size: tuple[int, int]) -> moderngl.Texture:
        """The lid plate of a photographic portrait (``lid_plate``), which its lids are skinned from."""
        plate = lid_plate(portrait, plate_fills(portrait, self._rest_rig, self.looks))
        texture = self._ctx.texture(image_size, 3, np.ascontiguousarray(plate).tobytes())
        texture.repeat_x = texture.repeat_y = False
        texture.build_mipmaps()  # a large portrait rendered small would alias the lid's grain
        texture.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
        return texture

    def draw(self, rig: np.ndarray, flip_y: float) -> None:
        """Draw the lid of each eye whose upper lid is below its open place in ``rig`` (98×2 px)."""
        rig = clamp_rig(rig)
        blending = False
        for eye, look in enumerate(self.looks):
            vertices, travel = lid_vertices(self._rest_rig, rig, eye, look, self._pixel_scale, self.photographic)
            if travel < MIN_TRAVEL_PX:
                continue
            if not blending:
                self._program["flip_y"].value = flip_y
                (self._plate or self._portrait).use(0)
                self._colours.use(1)
                self._lashes.use(2)
                # Blend colour only: the frame keeps the portrait's alpha.
                self._ctx.enable(moderngl.BLEND)
                self._ctx.blend_func = (moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA, moderngl.ZERO, moderngl.ONE)
                blending = True
            self._set_eye_uniforms(rig, eye, look, travel)
            self._vbo.write(vertices.tobytes())
            self._vao.render(moderngl.TRIANGLES, vertices=len(vertices))
        if blending:
            self._ctx.disable(moderngl.BLEND)
            self._ctx.blend_func = moderngl.DEFAULT_BLENDING

    def _set_eye_uniforms(self, rig: np.ndarray, eye: int, look: LidLook, travel: float) -> None:
        self._program["eye_row"].value = (eye + 0.5) / 2.0
        _, _, rest_normal = eye_frame(self._rest_rig, eye)
        self._program["rest_up"].value = tuple(float(c) for c in -rest_normal)
        self._program["min_offset"].value = look.rise + 1.75 / self._pixel_scale
        self._program["texture_mix"].value = texture_share(look)
        self._program["lash_colour"].value = tuple(float(c) for c in look.lash_colour)
        scale = float(np.linalg.norm(rig[EYE_CORNERS[eye][1]] - rig[EYE_CORNERS[eye][0]])) / look.eye_width
        self._program["lash_half"].value = 0.5 * look.lash_width * scale
        self._program["feather"].value = FEATHER * look.eye_width * scale
        self._program["amount"].value = float(np.clip(travel / 1.0, 0.0, 1.0))

    def release(self) -> None:
        for obj in (self._vao, self._vbo, self._program, self._colours, self._lashes, self._plate):
            if obj is not None:
                obj.release()
