"""The inside of an open mouth, drawn over the warped portrait.

A portrait's closed mouth has no inside to show: warping alone would stretch the
lip line into the gap. So the inner-lip polygon (iBUG 60–67) is filled after the
warp with a cavity: a red-brown gradient, darkest at the back, a tongue low in
the mouth, an upper-teeth band under the upper lip and a smaller lower band,
both scaled by how far the mouth is open. Its colours are desaturated as far as
the portrait's own lips are (``lip_chroma``): a black-and-white photo or a
sepia print gets a grey mouth, not a red one.

The polygon is meshed as a strip between the upper inner lip (60–64) and the
lower inner lip (60, 67–64), resampled to ``COLUMNS`` columns. Each vertex
carries its pixel distance to the upper and lower lip so the fragment shader can
place the teeth at a fixed pixel height under the lip.
"""

from __future__ import annotations

import moderngl
import numpy as np

from core.landmarks.face_geometry import mouth_openness
from core.render.shader_source import vertex_shader
from core.render.warp_mesh import clamp_rig

COLUMNS = 17
_UPPER = (60, 61, 62, 63, 64)
_LOWER = (60, 67, 66, 65, 64)

VERTEX_SHADER = vertex_shader(
    """
in vec4 in_geo;  // distance to upper lip, to lower lip, across (0..1), local gap
out vec4 geo;
""",
    "    geo = in_geo;",
)

FRAGMENT_SHADER = """
#version 330
uniform float open_amount;   // 0 closed .. 1 wide open: scales the teeth
uniform float tooth_height;  // pixels of upper teeth when wide open
uniform float pixel_scale;   // output pixels per image pixel
uniform float chroma;        // 0 greyscale portrait .. 1 full colour
in vec4 geo;
out vec4 colour;
void main() {
    float d_up = geo.x, d_low = geo.y, across = geo.z, gap = max(geo.w, 1e-3);
    float side = abs(across * 2.0 - 1.0);
    float depth = clamp(min(d_up, d_low) / (0.5 * gap), 0.0, 1.0);
    vec3 rim = vec3(0.42, 0.13, 0.14);
    vec3 back = vec3(0.10, 0.02, 0.03);
    vec3 c = mix(rim, back, sqrt(depth)) * (1.0 - 0.45 * side * side);
    float tongue = smoothstep(0.42, 0.15, d_low / gap) * smoothstep(0.85, 0.55, side);
    c = mix(c, vec3(0.70, 0.30, 0.33) * (1.0 - 0.3 * depth), 0.8 * tongue);
    float teeth_show = smoothstep(1.5, 4.0, gap * pixel_scale);  // no white specks in a slit
    float upper_h = min(tooth_height * open_amount, 0.4 * gap) * teeth_show;
    float lower_h = min(0.6 * tooth_height * open_amount, 0.25 * gap) * teeth_show;
    float seam = smoothstep(0.0, 0.06, abs(fract(across * 9.0) - 0.5));
    vec3 enamel = vec3(0.96, 0.94, 0.89) * (0.75 + 0.25 * seam) * (1.0 - 0.35 * side * side);
    if (d_up < upper_h && side < 0.8) {
        c = enamel * (1.0 - 0.2 * d_up / max(upper_h, 1e-3));
    } else if (d_low < lower_h && side < 0.6) {
        c = enamel * 0.85;
    }
    // Distances to the lips in pixels give a one-pixel antialiased outline for free.
    float coverage = clamp(min(d_up, d_low) * pixel_scale + 0.5, 0.0, 1.0);
    c = mix(vec3(dot(c, vec3(0.299, 0.587, 0.114))), c, chroma);
    colour = vec4(c, coverage);
}
"""


def cavity_vertices(rig: np.ndarray) -> np.ndarray:
    """Triangle list (N×6 float32: x, y, d_up, d_low, across, gap) for the inner-lip polygon."""
    upper = rig[list(_UPPER)].astype(np.float64)
    lower = rig[list(_LOWER)].astype(np.float64)
    t = np.linspace(0, len(_UPPER) - 1, COLUMNS)
    up = np.stack([np.interp(t, np.arange(len(_UPPER)), upper[:, k]) for k in (0, 1)], -1)
    low = np.stack([np.interp(t, np.arange(len(_LOWER)), lower[:, k]) for k in (0, 1)], -1)
    gap = np.linalg.norm(low - up, axis=1)
    across = t / t[-1]
    upper_v = np.column_stack([up, np.zeros_like(gap), gap, across, gap])
    lower_v = np.column_stack([low, gap, np.zeros_like(gap), across, gap])
    return np.concatenate([upper_v, lower_v]).astype(np.float32)[_STRIP_CORNERS]


def lip_gap(rig_points: np.ndarray) -> float:
    """Widest gap between the inner lips in image pixels (the measure the cavity uses, on lips
    kept from crossing as the warp keeps them): the one lip gap of the renderers."""
    return float(cavity_vertices(clamp_rig(rig_points))[:, 5].max())


# Two triangles per column: (upper i, lower i, upper i+1), (upper i+1, lower i, lower i+1);
# rows 0..COLUMNS-1 are the upper vertices, COLUMNS.. the lower ones.
_STRIP_CORNERS = (np.arange(COLUMNS - 1)[:, None] + np.array([0, COLUMNS, 1, 1, COLUMNS, COLUMNS + 1])).ravel()


# Median HSV saturation of lips in ordinary colour photos and drawings is 0.3–0.6;
# anything at or above this counts as full colour.
FULL_COLOUR_SATURATION = 0.25


def lip_chroma(portrait_rgba: np.ndarray, rest_rig: np.ndarray) -> float:
    """0 (greyscale) … 1 (full colour): how saturated the portrait's lips (48–59) are."""
    import cv2

    mask = np.zeros(portrait_rgba.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(rest_rig[48:60]).astype(np.int32)], 1)
    rgb = portrait_rgba[mask.astype(bool)][:, :3].astype(np.float64)
    if len(rgb) < 10:
        return 1.0  # too small to judge: keep the natural colours
    saturation = (rgb.max(1) - rgb.min(1)) / np.maximum(rgb.max(1), 1.0)
    return float(np.clip(np.median(saturation) / FULL_COLOUR_SATURATION, 0.0, 1.0))


class MouthCavity:
    """GL resources for drawing the cavity into the currently bound framebuffer."""

    def __init__(self, ctx: moderngl.Context, image_size: tuple[int, int], out_size: tuple[int, int], rest_rig: np.ndarray,
                 chroma: float = 1.0):
        self._ctx = ctx
        # Drawn lips are rarely exactly closed; only a gap wider than the portrait's own opens the mouth.
        self._rest_gap = float(cavity_vertices(rest_rig)[:, 5].max())
        self._program = ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        self._program["image_size"].value = tuple(float(v) for v in image_size)
        self._program["pixel_scale"].value = out_size[1] / image_size[1]
        self._program["chroma"].value = float(np.clip(chroma, 0.0, 1.0))
        self._vbo = ctx.buffer(reserve=(COLUMNS - 1) * 6 * 6 * 4)
        self._vao = ctx.vertex_array(self._program, [(self._vbo, "2f 4f", "in_pos", "in_geo")])

    def draw(self, rig: np.ndarray, mouth_open: float | None, flip_y: float) -> None:
        """Fill the inner-lip polygon of ``rig`` (98×2 pixels); nothing when the lips touch."""
        vertices = cavity_vertices(rig)
        if vertices[:, 5].max() < self._rest_gap + 0.5:  # lips as closed as in the portrait
            return
        width = float(np.linalg.norm(rig[54] - rig[48]))
        # no track given: the engine's one openness of these lips, as compose would pass it
        amount = mouth_openness(rig[:68]) if mouth_open is None else mouth_open
        amount = float(np.clip(amount, 0.0, 1.0))
        self._program["open_amount"].value = amount
        self._program["tooth_height"].value = 0.13 * width
        self._program["flip_y"].value = flip_y
        self._vbo.write(vertices.tobytes())
        # Blend colour only: the frame keeps the portrait's alpha (lips are opaque anyway).
        self._ctx.enable(moderngl.BLEND)
        self._ctx.blend_func = (moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA, moderngl.ZERO, moderngl.ONE)
        self._vao.render(moderngl.TRIANGLES)
        self._ctx.disable(moderngl.BLEND)
        self._ctx.blend_func = moderngl.DEFAULT_BLENDING

    def release(self) -> None:
        for obj in (self._vao, self._vbo, self._program):
            obj.release()
