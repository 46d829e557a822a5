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

Speed (a batch draws thousands of these frames on a CPU rasteriser): the still rig, head motion
and mesh positions are computed once per frame for both warps; the skin plate is drawn (scissored)
and read back only in the box around this frame's lid and mouth regions, and not at all when
nothing is drawn over the warp; ``render_to`` (the studio preview) keeps the warped frame in a
texture and round-trips only those regions. Every path gives the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


Motion = tuple[np.ndarray, np.ndarray]  # (2×2 matrix, offset) of a similarity


def head_motion(rest: np.ndarray, rig: np.ndarray) -> Motion:
    """(2×2 matrix, offset): the similarity carrying rest points with this frame's head."""
    return similarity_fit(rest[_STABLE], rig[_STABLE])


def still_rig(rest: np.ndarray, rig: np.ndarray, motion: Motion | None = None) -> np.ndarray:
    """``rig`` with STILL_POINTS replaced by the rest face carried by this frame's head motion
    (``motion``: ``head_motion(rest, rig)`` when the caller has it already)."""
    matrix, offset = head_motion(rest, rig) if motion is None else motion
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
        self._rest_stable = self.rest[_STABLE]
        # Both warps move the same mesh (same face, same image size): one set of positions per frame.
        self._same_mesh = (np.array_equal(self.warp.mesh.rest, self.plate_warp.mesh.rest)
                           and np.array_equal(self.warp.mesh.triangles, self.plate_warp.mesh.triangles))
        self._plate = np.zeros((self.out_size[1], self.out_size[0], 4), np.uint8)  # only drawn boxes are valid

    @property
    def mesh(self) -> WarpMesh:
        """The warp's triangle mesh (the studio's Delaunay overlay draws it)."""
        return self.warp.mesh

    def render(self, rig_points: np.ndarray, mouth_open: float | None = None, shape: str | None = None,
               intro: float | None = None) -> np.ndarray:
        """One frame (out_h×out_w×4 uint8 RGBA); ``shape``: the mouth set's shape for this frame;
        ``intro``: 0 on a line's first frame (the drawing as drawn) … 1 from INTRO_FRAMES on; None
        (a preview without frame numbers): the drawn mouth shows as far as the lips have moved."""
        rig, still, motion, positions = self._pose(rig_points)
        frame = self.warp.render(still, positions=positions)
        passes = self._passes(still, rig, shape, intro, motion)
        if passes:
            plate = self._plate_in(still, positions, passes)
            for drawn in passes:
                drawn.draw(frame, plate)
        return frame

    def render_to(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None = None,
                  shape: str | None = None) -> None:
        """Draw one frame into ``framebuffer`` upright on screen (a preview: the mouth fades in by motion).

        The same pixels as ``render``, but the warp stays on the GPU: only the regions the drawn
        mouth and lids change travel to the CPU and back."""
        rig, still, motion, positions = self._pose(rig_points)
        if self._screen is None:
            self._screen = _FrameQuad(self.warp.ctx, self.out_size)
        self.warp.draw_top_down(self._screen.framebuffer, still, positions=positions)
        passes = self._passes(still, rig, shape, None, motion)
        if passes:
            plate = self._plate_in(still, positions, passes)
            for drawn in passes:
                pixels = self._screen.read(drawn.region)
                drawn.draw_on(pixels, plate[drawn.region.slices()])
                self._screen.write(drawn.region, pixels)
        framebuffer.use()
        framebuffer.viewport = (0, 0, *framebuffer.size)
        self._screen.show()

    def _pose(self, rig_points: np.ndarray) -> tuple[np.ndarray, np.ndarray, Motion, np.ndarray]:
        """(clamped rig, still rig, head motion, warp mesh positions of the still rig) of one frame."""
        rig = np.asarray(rig_points, np.float64)
        if rig.shape != (RIG_POINT_COUNT, 2) or not np.isfinite(rig).all():
            raise ValueError(f"rig points must be {RIG_POINT_COUNT}×2 finite values, got {rig.shape}")
        rig = clamp_rig(rig)
        motion = similarity_fit(self._rest_stable, rig[_STABLE])
        still = still_rig(self.rest, rig, motion)
        return rig, still, motion, self.warp.mesh.positions(still)

    def _passes(self, still: np.ndarray, rig: np.ndarray, shape: str | None, intro: float | None,
                motion: Motion) -> list[_RegionPass]:
        """What is drawn over this frame's warp, in order: each eye's lid, then the mouth."""
        passes = [self._lid_pass(still, rig, eye) for eye in (0, 1)]
        passes.append(self._mouth_pass(still, rig, shape, intro, motion))
        return [p for p in passes if p is not None]

    def _plate_in(self, still: np.ndarray, positions: np.ndarray, passes: list[_RegionPass]) -> np.ndarray:
        """The warped skin plate, valid inside the box around the passes' regions (the rest is
        stale): only that box is drawn and read back."""
        x0, y0 = min(p.region.x0 for p in passes), min(p.region.y0 for p in passes)
        x1, y1 = max(p.region.x1 for p in passes), max(p.region.y1 for p in passes)
        self._plate[y0:y1, x0:x1] = self.plate_warp.render_box(
            still, (x0, y0, x1 - x0, y1 - y0), positions=positions if self._same_mesh else None)
        return self._plate

    def _px(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, np.float64) + 0.5) * self.scale - 0.5

    def _mouth_pass(self, still: np.ndarray, rig: np.ndarray, sprite_shape: str | None, intro: float | None,
                    motion: Motion) -> _RegionPass | None:
        """The mouth's cover and drawing for this frame (None: the drawing's own mouth shows)."""
        weight = self.look.line_weight * self.scale
        if self.mouth_set is not None:
            fade = 1.0
        elif intro is not None:
            fade = float(np.clip(intro, 0.0, 1.0)) ** 2 * (3 - 2 * float(np.clip(intro, 0.0, 1.0)))
        else:
            fade = mouth_fade(rig, still, self.look.mouth_width)
        if fade <= 0.0:
            return None
        shape = mouth_shape(still, rig, self.rest, self.scale)
        matrix, offset = motion
        cover = self._px(self.look.mouth_region @ matrix.T + offset)
        upper, lower = mouth_outline(shape, weight)
        region = Region.around(np.concatenate([cover, upper, lower]), 3 * weight + 2, self.out_size)
        if region.empty:
            return None

        def draw(work: np.ndarray, plate: np.ndarray, coverage: Coverage) -> None:
            inside = coverage.fill(self._px(face_interior(still, 2.0 * self.look.line_weight)))
            mix(work, plate, fade * inside * feathered(coverage.fill(cover), 0.6 * weight))
            if self.mouth_set is not None:
                draw_sprite(work, region, self.mouth_set, sprite_shape or self.mouth_set.shape_for(shape), shape,
                            self.look.mouth_width * self.scale)
            else:
                draw_mouth(work, region, shape, self.colours, weight, fade)

        return _RegionPass(region, draw)

    def _lid_pass(self, still: np.ndarray, rig: np.ndarray, eye: int) -> _RegionPass | None:
        """One eye's drawn lid over skin for this frame (None: the eye is open)."""
        amount = blink_amount(rig, still, eye)
        if amount <= 0.02:
            return None
        look = self.look.eyes[eye]
        lid = lid_geometry(still, amount, eye, look, self.scale)
        weight = max(1.0, look.line_width * self.scale)
        region = Region.around(np.concatenate([lid.cover, lid.line]), 2 * weight + 2, self.out_size)
        if region.empty:
            return None

        def draw(work: np.ndarray, plate: np.ndarray, coverage: Coverage) -> None:
            cover = feathered(coverage.fill(lid.cover), 0.5 * weight + 0.5)
            mix(work, plate, lid.alpha * cover)
            mix(work, look.colour, lid.alpha * coverage.tapered(lid.line, weight))

        return _RegionPass(region, draw)

    def release(self) -> None:
        """Free both warps' GL objects (the context stays the caller's)."""
        if self._screen is not None:
            self._screen.release()
        self.plate_warp.release()
        self.warp.release()


@dataclass(frozen=True)
class _RegionPass:
    """Shapes drawn over skin in one region of the frame: ``paint(work, plate, coverage)``
    changes ``work``, the region's float RGB, given the skin plate's float RGB there."""

    region: Region
    paint: Callable[[np.ndarray, np.ndarray, Coverage], None]

    def draw(self, frame: np.ndarray, plate: np.ndarray) -> None:
        """Draw into the whole ``frame`` (H×W×4 uint8), given the whole warped skin ``plate``."""
        self.draw_on(frame[self.region.slices()], plate[self.region.slices()])

    def draw_on(self, pixels: np.ndarray, plate: np.ndarray) -> None:
        """Draw into ``pixels``, the region's h×w×4 uint8 (alpha kept), given the plate's there."""
        work = pixels[..., :3].astype(np.float32)
        self.paint(work, plate[..., :3].astype(np.float32), Coverage(self.region))
        pixels[..., :3] = np.clip(np.round(work), 0, 255).astype(np.uint8)


class _FrameQuad:
    """A whole RGBA frame (row 0 at the top) in a texture, drawn over the bound framebuffer upright
    on screen; its ``framebuffer`` draws into the texture (a warp's ``draw_top_down``)."""

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
        self.framebuffer = ctx.framebuffer(color_attachments=[self._texture])

    def read(self, region: Region) -> np.ndarray:
        """The texture's pixels in ``region`` (h×w×4 uint8, row 0 at the top)."""
        h, w = region.shape
        pixels = np.empty((h, w, 4), np.uint8)
        self.framebuffer.read_into(pixels, viewport=(region.x0, region.y0, w, h), components=4, alignment=1)
        return pixels

    def write(self, region: Region, pixels: np.ndarray) -> None:
        h, w = region.shape
        self._texture.write(np.ascontiguousarray(pixels).tobytes(), viewport=(region.x0, region.y0, w, h), alignment=1)

    def show(self) -> None:
        """Draw the texture over the bound framebuffer's viewport."""
        self.ctx.disable(moderngl.BLEND)
        self._texture.use(0)
        self._program["frame"].value = 0
        self._vao.render(moderngl.TRIANGLE_STRIP)

    def release(self) -> None:
        # moderngl rebinds the last used framebuffer after creating one; never leave it a dead one.
        if self.ctx.fbo is self.framebuffer:
            self.ctx.detect_framebuffer(0).use()
        for obj in (self._vao, self._buffer, self._program, self.framebuffer, self._texture):
            obj.release()
