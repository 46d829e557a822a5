"""The drawn render style: cartoons and anime that move like drawings (``--renderer drawn``).

The mesh warp moves pixels; on a drawing that means a stretched tiny mouth, a slab
of black where the smile was, a chin line bent by the jaw. This renderer keeps the
warp for the head as a whole and redraws what a 2D animator redraws:

1. The warp runs on a *still* rig: this frame's head motion (similarity of the
   stable points), brows and gaze, but the jaw, lips and lids at rest. The drawing's
   outlines stay as drawn — no new chin line, no doubled jaw.
2. A second warp of the *skin plate* (``drawn_look.skin_plate``: the portrait with
   mouth and eyes painted out) gives, per frame, skin to cover what must go.
3. The mouth: the original is covered with skin (only inside the face outline) and a
   vector mouth is drawn in the drawing's line colour and weight, shaped by the motion's
   openness, width, rounding and smile (``drawn_mouth``) — or a sprite from a mouth set
   (``sprite_mouths``). A line's first frame shows the original drawing; the drawn mouth
   cross-fades in over INTRO_FRAMES and stays, pauses included, so the style never flips
   back and forth (a preview without frame numbers fades by how far the lips moved).
4. Each eye closes with a drawn lid over skin (``drawn_eyelids``).

Shapes are rasterised on the CPU at 4× supersampling, only in small regions around
mouth and eyes (core.render.vector_canvas).
"""

from __future__ import annotations

import moderngl
import numpy as np

from core.landmarks.face_landmarks import RIG_POINT_COUNT, FaceLandmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.drawn_eyelids import blink_amount, lid_geometry
from core.render.drawn_look import DrawingLook, face_interior, measure_drawing, skin_plate
from core.render.drawn_mouth import MouthColours, draw_mouth, mouth_outline, mouth_shape
from core.render.sprite_mouths import MouthSet, draw_sprite
from core.render.vector_canvas import Coverage, Region, feathered, mix
from core.landmarks.face_geometry import similarity_fit
from core.render.warp_mesh import WarpMesh, clamp_rig

# Points that follow the head only: jaw, eyes, lips and lids (brows, nose and irises keep their motion).
STILL_POINTS = np.r_[0:17, 36:68, 68:96]
_STABLE = np.array([0, 1, 15, 16, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45])
FADE_FROM, FADE_TO = 0.02, 0.07  # mouth change (share of its width) over which the drawn mouth fades in
INTRO_FRAMES = 4  # a line's first frames cross-fade from the drawn original to the drawn mouth


def head_motion(rest: np.ndarray, rig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(2×2 matrix, offset): the similarity carrying rest points with this frame's head."""
    return similarity_fit(rest[_STABLE], rig[_STABLE])


def still_rig(rest: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """``rig`` with STILL_POINTS replaced by the rest face carried by this frame's head motion."""
    matrix, offset = head_motion(rest, rig)
    still = np.array(rig, np.float64)
    still[STILL_POINTS] = rest[STILL_POINTS] @ matrix.T + offset
    return still


def mouth_fade(rig: np.ndarray, still: np.ndarray, rest_width: float) -> float:
    """0 while the motion's lips sit where the drawing's are, 1 once they have clearly moved."""
    change = float(np.abs(rig[48:68] - still[48:68]).max()) / max(rest_width, 1e-6)
    t = float(np.clip((change - FADE_FROM) / (FADE_TO - FADE_FROM), 0.0, 1.0))
    return t * t * (3 - 2 * t)


class DrawnStyleRenderer:
    """Renderer interface of MeshWarpRenderer (``render``, ``release``) for drawn portraits."""

    def __init__(self, ctx: moderngl.Context, portrait_rgba: np.ndarray, rest_face: FaceLandmarks,
                 out_size: tuple[int, int], mouth_set: MouthSet | None = None):
        portrait = np.ascontiguousarray(portrait_rgba)
        self.rest = clamp_rig(rest_face.rig_points())
        self.look: DrawingLook = measure_drawing(portrait, self.rest)
        self.mouth_set = mouth_set
        self.warp = MeshWarpRenderer(ctx, portrait, rest_face, out_size)
        try:
            self.plate_warp = MeshWarpRenderer(ctx, skin_plate(portrait, self.rest, self.look), rest_face, out_size)
        except BaseException:
            self.warp.release()
            raise
        self.out_size = self.warp.out_size
        self.scale = self.out_size[0] / portrait.shape[1]
        self.colours = MouthColours.from_line(self.look.line_colour, self.look.chroma)
        self._screen: _FrameQuad | None = None

    @property
    def mesh(self) -> WarpMesh:
        """The warp's triangle mesh (the studio's Delaunay overlay draws it)."""
        return self.warp.mesh

    def render(self, rig_points: np.ndarray, mouth_open: float | None = None, shape: str | None = None,
               intro: float | None = None) -> np.ndarray:
        """One frame (out_h×out_w×4 uint8 RGBA); ``shape``: the mouth set's shape for this frame;
        ``intro``: 0 on a line's first frame (the drawing as drawn) … 1 from INTRO_FRAMES on; None
        (a preview without frame numbers): the drawn mouth shows as far as the lips have moved."""
        rig = np.asarray(rig_points, np.float64)
        if rig.shape != (RIG_POINT_COUNT, 2) or not np.isfinite(rig).all():
            raise ValueError(f"rig points must be {RIG_POINT_COUNT}×2 finite values, got {rig.shape}")
        rig = clamp_rig(rig)
        still = still_rig(self.rest, rig)
        frame = self.warp.render(still)
        plate = self.plate_warp.render(still)
        for eye in (0, 1):
            self._draw_lid(frame, plate, still, rig, eye)
        self._draw_mouth(frame, plate, still, rig, shape, intro)
        return frame

    def render_to(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None = None,
                  shape: str | None = None) -> None:
        """Draw one frame into ``framebuffer`` upright on screen (a preview: the mouth fades in by motion)."""
        frame = self.render(rig_points, mouth_open, shape)
        if self._screen is None:
            self._screen = _FrameQuad(self.warp.ctx, self.out_size)
        framebuffer.use()
        framebuffer.viewport = (0, 0, *framebuffer.size)
        self._screen.draw(frame)

    def _px(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, np.float64) + 0.5) * self.scale - 0.5

    def _draw_mouth(self, frame: np.ndarray, plate: np.ndarray, still: np.ndarray, rig: np.ndarray,
                    sprite_shape: str | None, intro: float | None) -> None:
        weight = self.look.line_weight * self.scale
        if self.mouth_set is not None:
            fade = 1.0
        elif intro is not None:
            fade = float(np.clip(intro, 0.0, 1.0)) ** 2 * (3 - 2 * float(np.clip(intro, 0.0, 1.0)))
        else:
            fade = mouth_fade(rig, still, self.look.mouth_width)
        if fade <= 0.0:
            return
        shape = mouth_shape(still, rig, self.rest, self.scale)
        matrix, offset = head_motion(self.rest, rig)
        cover = self._px(self.look.mouth_region @ matrix.T + offset)
        upper, lower = mouth_outline(shape, weight)
        region = Region.around(np.concatenate([cover, upper, lower]), 3 * weight + 2, self.out_size)
        if region.empty:
            return
        rows, cols = region.slices()
        work = frame[rows, cols, :3].astype(np.float32)
        coverage = Coverage(region)
        inside = coverage.fill(self._px(face_interior(still, 2.0 * self.look.line_weight)))
        mix(work, plate[rows, cols, :3].astype(np.float32), fade * inside * feathered(coverage.fill(cover), 0.6 * weight))
        if self.mouth_set is not None:
            draw_sprite(work, region, self.mouth_set, sprite_shape or self.mouth_set.shape_for(shape), shape,
                        self.look.mouth_width * self.scale)
        else:
            draw_mouth(work, region, shape, self.colours, weight, fade)
        frame[rows, cols, :3] = np.clip(np.round(work), 0, 255).astype(np.uint8)

    def _draw_lid(self, frame: np.ndarray, plate: np.ndarray, still: np.ndarray, rig: np.ndarray, eye: int) -> None:
        amount = blink_amount(rig, still, eye)
        if amount <= 0.02:
            return
        look = self.look.eyes[eye]
        lid = lid_geometry(still, amount, eye, look, self.scale)
        weight = max(1.0, look.line_width * self.scale)
        region = Region.around(np.concatenate([lid.cover, lid.line]), 2 * weight + 2, self.out_size)
        if region.empty:
            return
        rows, cols = region.slices()
        work = frame[rows, cols, :3].astype(np.float32)
        coverage = Coverage(region)
        cover = feathered(coverage.fill(lid.cover), 0.5 * weight + 0.5)
        mix(work, plate[rows, cols, :3].astype(np.float32), lid.alpha * cover)
        mix(work, look.colour, lid.alpha * coverage.tapered(lid.line, weight))
        frame[rows, cols, :3] = np.clip(np.round(work), 0, 255).astype(np.uint8)

    def release(self) -> None:
        """Free both warps' GL objects (the context stays the caller's)."""
        if self._screen is not None:
            self._screen.release()
        self.plate_warp.release()
        self.warp.release()


class _FrameQuad:
    """A whole RGBA frame (row 0 at the top) drawn over the bound framebuffer, upright on screen."""

    VERTEX = """
#version 330
in vec2 in_ndc;
out vec2 uv;
void main() { gl_Position = vec4(in_ndc, 0.0, 1.0); uv = vec2(in_ndc.x + 1.0, 1.0 - in_ndc.y) * 0.5; }
"""
    FRAGMENT = """
#version 330
uniform sampler2D frame;
in vec2 uv;
out vec4 colour;
void main() { colour = texture(frame, uv); }
"""

    def __init__(self, ctx: moderngl.Context, size: tuple[int, int]):
        self.ctx = ctx
        self._program = ctx.program(vertex_shader=self.VERTEX, fragment_shader=self.FRAGMENT)
        corners = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
        self._buffer = ctx.buffer(corners.tobytes())
        self._vao = ctx.vertex_array(self._program, [(self._buffer, "2f", "in_ndc")])
        self._texture = ctx.texture(size, 4)
        self._texture.filter = (moderngl.NEAREST, moderngl.NEAREST)  # pixel for pixel

    def draw(self, frame: np.ndarray) -> None:
        self._texture.write(np.ascontiguousarray(frame).tobytes())
        self.ctx.disable(moderngl.BLEND)
        self._texture.use(0)
        self._program["frame"].value = 0
        self._vao.render(moderngl.TRIANGLE_STRIP)

    def release(self) -> None:
        for obj in (self._vao, self._buffer, self._program, self._texture):
            obj.release()
