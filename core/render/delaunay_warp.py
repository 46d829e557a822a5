"""Mesh-warp renderer: the portrait textured on a Delaunay mesh whose vertices follow the rig.

MakeItTalk's cartoon path: triangulate the landmarks plus points that pin the
rest of the picture, texture every triangle with the original pixels and move
only the vertices per frame. Sharp drawn edges survive because pixels are never
re-synthesised. The mesh and its motion rules live in ``warp_mesh``; closing
upper lids are drawn afterwards by ``eyelid_pass`` and the inside of an open
mouth by ``mouth_cavity``.

The renderer owns GL objects but no window: give it a context, then either
``render`` (offscreen, returns pixels; export and tests) or ``render_to`` a
framebuffer you own (``ctx.detect_framebuffer(widget.defaultFramebufferObject())``
in a QOpenGLWidget). Both take the same rig points: 98×2 in the portrait's pixel
coordinates (pixel centres at integers); the output may be any size up to
``MAX_OUTPUT_SIZE`` and is the portrait scaled to it.
"""

from __future__ import annotations

import moderngl
import numpy as np

from core.landmarks.face_landmarks import RIG_POINT_COUNT, FaceLandmarks
from core.render.eyelid_pass import EyelidPass
from core.render.mouth_cavity import MouthCavity, lip_chroma
from core.render.warp_mesh import MeshConfig, WarpMesh, clamp_rig
from core.render.shader_source import vertex_shader

MAX_OUTPUT_SIZE = 2048

VERTEX_SHADER = vertex_shader(
    """
in vec2 in_uv;
out vec2 uv;
""",
    "    uv = in_uv;",
)

FRAGMENT_SHADER = """
#version 330
uniform sampler2D portrait;
in vec2 uv;
out vec4 colour;
void main() {
    colour = texture(portrait, uv);
}
"""


class MeshWarpRenderer:
    """Warps one portrait to per-frame rig points (see module doc)."""

    def __init__(
        self,
        ctx: moderngl.Context,
        portrait_rgba: np.ndarray,
        rest_face: FaceLandmarks,
        out_size: tuple[int, int],
        mesh_config: MeshConfig = MeshConfig(),
    ):
        portrait = _check_portrait(portrait_rgba)
        self.out_size = _check_out_size(out_size)
        self.image_size = (portrait.shape[1], portrait.shape[0])
        self.ctx = ctx
        self.mesh = WarpMesh(rest_face, self.image_size, mesh_config)
        self._texture = self._make_texture(portrait)
        self._program = ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        self._program["image_size"].value = tuple(float(v) for v in self.image_size)
        self._program["portrait"].value = 0
        uv = (self.mesh.rest + 0.5) / np.array(self.image_size, np.float64)
        self._uv = ctx.buffer(uv.astype(np.float32).tobytes())
        self._pos = ctx.buffer(reserve=len(self.mesh.rest) * 8)
        self._index = ctx.buffer(self.mesh.triangles.astype(np.int32).tobytes())
        self._vao = ctx.vertex_array(
            self._program,
            [(self._pos, "2f", "in_pos"), (self._uv, "2f", "in_uv")],
            index_buffer=self._index,
            index_element_size=4,
        )
        self._eyelids = EyelidPass(ctx, portrait, self._texture, self.out_size, self.mesh.rest_rig)
        self._cavity = MouthCavity(ctx, self.image_size, self.out_size, self.mesh.rest_rig,
                                   lip_chroma(portrait, self.mesh.rest_rig))
        self._offscreen: moderngl.Framebuffer | None = None

    def _make_texture(self, portrait: np.ndarray) -> moderngl.Texture:
        texture = self.ctx.texture(self.image_size, 4, np.ascontiguousarray(portrait).tobytes())
        texture.repeat_x = texture.repeat_y = False
        if self.out_size[0] < self.image_size[0] or self.out_size[1] < self.image_size[1]:
            texture.build_mipmaps()  # minified output would alias without them
            texture.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
        else:
            texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
        return texture

    def render_to(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None = None) -> None:
        """Draw one frame into ``framebuffer``, upright on screen (GL's bottom-up rows)."""
        self._draw(framebuffer, rig_points, mouth_open, flip_y=-1.0)

    def draw_top_down(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None = None,
                      positions: np.ndarray | None = None) -> None:
        """Draw one frame into ``framebuffer`` with the image's top row at GL row 0, as ``render``
        reads it back (a texture drawn so holds the frame as an uploaded array would)."""
        self._draw(framebuffer, rig_points, mouth_open, flip_y=1.0, positions=positions)

    def render(self, rig_points: np.ndarray, mouth_open: float | None = None,
               positions: np.ndarray | None = None) -> np.ndarray:
        """One frame as an upright out_h×out_w×4 uint8 RGBA array; ``positions``: this rig's
        ``mesh.positions``, when the caller has them already (another warp of the same mesh)."""
        w, h = self.out_size
        return self.render_box(rig_points, (0, 0, w, h), mouth_open, positions)

    def render_box(self, rig_points: np.ndarray, box: tuple[int, int, int, int], mouth_open: float | None = None,
                   positions: np.ndarray | None = None) -> np.ndarray:
        """The h×w×4 pixels at ``box`` = (x, y, w, h), y from the top, of the frame ``render``
        gives: the same pixels, but only the box is rasterised (scissor) and read back, which on
        a CPU rasteriser costs a fraction of a whole frame."""
        x, y, w, h = (int(v) for v in box)
        if not (0 <= x and 0 <= y and 0 < w and 0 < h and x + w <= self.out_size[0] and y + h <= self.out_size[1]):
            raise ValueError(f"box {box} is not inside the {self.out_size[0]}×{self.out_size[1]} frame")
        framebuffer = self._framebuffer()
        whole = (x, y, w, h) == (0, 0, *self.out_size)
        # Drawn upside down in GL terms, so row 0 of the readback is the image's top row
        # (and GL's y is the image's row): no flip copy is needed.
        try:
            self._draw(framebuffer, rig_points, mouth_open, flip_y=1.0, positions=positions,
                       scissor=None if whole else (x, y, w, h))
            frame = np.empty((h, w, 4), np.uint8)
            framebuffer.read_into(frame, viewport=(x, y, w, h), components=4, alignment=1)
        finally:
            framebuffer.scissor = None
        return frame

    def _draw(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None, flip_y: float,
              positions: np.ndarray | None = None, scissor: tuple[int, int, int, int] | None = None) -> None:
        rig = _check_rig(rig_points)
        framebuffer.use()
        framebuffer.viewport = (0, 0, *framebuffer.size)
        if scissor is not None:
            framebuffer.scissor = scissor
        self.ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self.ctx.disable(moderngl.BLEND)  # the warp writes the portrait's own alpha
        # No clear: the fixed border points make the mesh cover every pixel.
        self._program["flip_y"].value = flip_y
        positions = self.mesh.positions(rig) if positions is None else np.asarray(positions, np.float32)
        if positions.shape != self.mesh.rest.shape:
            raise ValueError(f"mesh positions must be {self.mesh.rest.shape}, got {positions.shape}")
        self._pos.write(positions.tobytes())
        self._texture.use(0)
        self._vao.render(moderngl.TRIANGLES)
        self._eyelids.draw(rig, flip_y)
        self._cavity.draw(clamp_rig(rig), mouth_open, flip_y)

    def _framebuffer(self) -> moderngl.Framebuffer:
        if self._offscreen is None:
            self._offscreen = self.ctx.framebuffer(color_attachments=[self.ctx.renderbuffer(self.out_size, 4)])
        return self._offscreen

    def release(self) -> None:
        """Free the GL objects (the context stays the caller's)."""
        self._cavity.release()
        self._eyelids.release()
        for obj in (self._vao, self._index, self._pos, self._uv, self._program, self._texture):
            obj.release()
        if self._offscreen is not None:
            # moderngl rebinds the last used framebuffer after creating one; never leave it a dead one.
            if self.ctx.fbo is self._offscreen:
                self.ctx.detect_framebuffer(0).use()
            for attachment in self._offscreen.color_attachments:
                attachment.release()
            self._offscreen.release()
            self._offscreen = None


def _check_portrait(portrait: np.ndarray) -> np.ndarray:
    portrait = np.asarray(portrait)
    if portrait.ndim != 3 or portrait.shape[2] != 4 or portrait.dtype != np.uint8:
        raise ValueError(f"portrait must be H×W×4 uint8 RGBA, got {portrait.shape} {portrait.dtype}")
    return portrait


def _check_out_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = int(size[0]), int(size[1])
    if not (0 < w <= MAX_OUTPUT_SIZE and 0 < h <= MAX_OUTPUT_SIZE):
        raise ValueError(f"output size must be within 1..{MAX_OUTPUT_SIZE} per side, got {w}×{h}")
    return w, h


def _check_rig(rig: np.ndarray) -> np.ndarray:
    rig = np.asarray(rig, np.float64)
    if rig.shape != (RIG_POINT_COUNT, 2):
        raise ValueError(f"rig points must be {RIG_POINT_COUNT}×2, got {rig.shape}")
    if not np.isfinite(rig).all():
        raise ValueError("rig points contain NaN or infinity")
    return rig
