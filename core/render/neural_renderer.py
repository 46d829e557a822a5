"""The learned photo renderer: mesh warp first, then a small network refines the face.

*Warp, then refine* (MakeItTalk's and Live Speech Portraits' photo path, shaped for a
CPU): ``MeshWarpRenderer`` makes the coarse frame; the face crop of that frame
(core.render.neural_face_crop), the portrait's own face crop and a drawing of the
target landmarks go through RefineNet (core.render.neural_net), whose residual and
blend mask are pasted back with a feathered border; inside the mouth opening (the
inner-lip polygon, drawn at the output resolution) the refined crop replaces the
warp. Pixels outside the face crop are exactly the warp's. Two optional stages follow,
both inside the opening only: the mouth stage repaints it at twice the crop's density
(core.render.mouth_refiner) and the teeth plate lays real filmed teeth under the lips
(core.render.portrait_teeth).

``NeuralRenderer`` has the renderer interface of ``MeshWarpRenderer``
(``render(rig, mouth_open) -> H×W×4 uint8``, ``release()``), so export, the
preview and the evaluation can take either. Weights: weights/renderer/renderer.pt,
checked by sha256 and loaded with ``weights_only=True``; a missing or damaged file
raises ModelWeightsError that names ``--renderer warp`` as the way on.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import cv2
import moderngl
import numpy as np
import torch

from core.errors import ModelWeightsError
from core.landmarks.face_landmarks import INNER_LIPS, FaceLandmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.mouth_cavity import lip_gap
from core.render.mouth_refiner import MOUTH_WEIGHTS_NAME, MouthModel
from core.render.neural_face_crop import (CropBox, crop_box, extract_crop, landmark_drawing, mouth_region_weight,
                                          paste_correction)
from core.render.neural_net import RefineNet, RefineNetConfig
from core.render.portrait_teeth import PortraitTeeth
from core.render.teeth_plate import TEETH_PLATE_NAME, TeethPlate
from core.weights_file import load_checked_model
from core.weights_location import shipped_weights

DEFAULT_WEIGHTS = shipped_weights("renderer", "renderer.pt")
RENDERER_CHOICES = ("auto", "warp", "neural")
WAY_ON = "render with --renderer warp to go on without the neural renderer"
CORRECTION_SIGMA = 1.0  # crop pixels: the correction outside the mouth opening is this smooth
INVENT_RAMP_PX = 0.5  # image pixels of lip gap beyond the portrait's own over which the net takes the opening over


@dataclass
class RefineModel:
    """Loaded RefineNet and the crop size it was trained at."""

    net: RefineNet
    crop_size: int
    training_clips: tuple[str, ...] = ()  # folder/file keys of the videos the weights saw
    mouth: MouthModel | None = None  # the optional mouth stage (core.render.mouth_refiner)
    mouth_note: str | None = None  # why the mouth stage is off, when its weights are damaged
    teeth: TeethPlate | None = None  # the optional teeth plate (core.render.teeth_plate)
    teeth_note: str | None = None  # why the teeth plate is off, when its files are damaged

    @property
    def note(self) -> str | None:
        """One line on the optional stages that are off because their files are damaged, or None."""
        notes = [n for n in (self.mouth_note, self.teeth_note) if n]
        return "; ".join(notes) if notes else None

    @staticmethod
    def load(path: Path | None = None, with_mouth: bool = True) -> RefineModel:
        """Checked weights from ``path`` (default: the shipped ones); ModelWeightsError names the way on.

        ``with_mouth``: also load the mouth stage from ``mouth_refiner.pt`` and the teeth plate
        from ``teeth_plate.png`` beside them; a missing file turns its stage simply off, a damaged
        one too, and ``mouth_note`` / ``teeth_note`` say so."""
        path = Path(path or DEFAULT_WEIGHTS)
        try:
            net, checkpoint = load_checked_model(
                path, "Neural renderer weights", "train them with: space-studio train renderer",
                lambda ckpt: RefineNet(RefineNetConfig.from_dict(ckpt["config"])))
            crop_size = int(checkpoint["crop_size"])
            seen = tuple(checkpoint.get("record", {}).get("training_clips", ()))
        except ModelWeightsError as err:
            raise ModelWeightsError(f"{err}; {WAY_ON}") from None
        except (pickle.UnpicklingError, EOFError, KeyError, OSError) as err:
            raise ModelWeightsError(f"Neural renderer weights at {path} cannot be read ({err}); {WAY_ON}") from None
        net.eval()
        model = RefineModel(net, crop_size, seen)
        if with_mouth:
            mouth_path, teeth_path, _ = RefineModel.companion_files(path)
            if mouth_path.exists():
                model.mouth, model.mouth_note = MouthModel.load_optional(mouth_path)
            if teeth_path.exists():
                model.teeth, model.teeth_note = TeethPlate.load_optional(teeth_path)
        return model

    @staticmethod
    def companion_files(path: Path | None = None) -> tuple[Path, Path, Path]:
        """(mouth stage weights, teeth plate, its record): the optional stages' files, read from
        beside the renderer weights at ``path`` (the shipped ones lie side by side too)."""
        path = Path(path or DEFAULT_WEIGHTS)
        teeth = path.with_name(TEETH_PLATE_NAME)
        return path.with_name(MOUTH_WEIGHTS_NAME), teeth, teeth.with_suffix(".json")

    @torch.no_grad()
    def correction(self, warped: np.ndarray, portrait: np.ndarray, drawing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask·residual n×n×3 in grey levels, mask n×n) for n×n×3 uint8 crops."""
        x = np.concatenate([warped, portrait, drawing], axis=-1)
        tensor = torch.from_numpy(x).permute(2, 0, 1)[None].float().div_(255.0)
        residual, mask = self.net(tensor)
        refined = (tensor[:, :3] + mask * residual).clamp_(0.0, 1.0) - tensor[:, :3]
        return (refined[0].permute(1, 2, 0).numpy() * 255.0).astype(np.float32), mask[0, 0].numpy()


@dataclass
class FaceRefiner:
    """The refinement of one portrait's warped frames (no GL: the evaluation and tests use it bare).

    ``scale``: output pixels per portrait pixel; ``rest_gap``: the portrait's own lip gap (pixels)."""

    model: RefineModel
    portrait_crop: np.ndarray
    rest_gap: float
    scale: float
    teeth: PortraitTeeth | None = None  # the teeth plate in this portrait's look, when the model has one

    @staticmethod
    def for_portrait(model: RefineModel, portrait_rgba: np.ndarray, rest_face: FaceLandmarks, scale: float) -> FaceRefiner:
        rest = rest_face.rig_points()
        crop = extract_crop(np.ascontiguousarray(portrait_rgba[:, :, :3]), crop_box(rest), model.crop_size)
        teeth = PortraitTeeth.for_portrait(model.teeth, portrait_rgba, rest, scale) if model.teeth is not None else None
        return FaceRefiner(model, crop, lip_gap(rest), scale, teeth)

    def refine(self, warped_frame: np.ndarray, rig_points: np.ndarray) -> np.ndarray:
        """The warped output frame (H×W×C) with its face refined (see module doc)."""
        n = self.model.crop_size
        rig_points = np.asarray(rig_points, np.float64)
        box = crop_box(rig_points)
        out_box = box.scaled(self.scale)
        warped_crop = extract_crop(np.ascontiguousarray(warped_frame[:, :, :3]), out_box, n)
        drawing = landmark_drawing(box.points_to_crop(rig_points, n), n)
        correction, mask = self.model.correction(warped_crop, self.portrait_crop, drawing)
        refined_crop = np.clip(warped_crop + correction, 0, 255)
        # Around the mouth the net corrects shape and shading, but the fine texture of the lips
        # and skin stays the warped portrait's own: a crop-size correction, upsampled 2–3×,
        # would blur it. Elsewhere (lids, crease lines) the full correction is kept.
        lips = mouth_region_weight(drawing)[..., None]
        smooth = correction + lips * (cv2.GaussianBlur(correction, (0, 0), CORRECTION_SIGMA) - correction)
        strength = self.invent_strength(rig_points)
        out = paste_correction(warped_frame, out_box, smooth, np.ones_like(mask), refined_crop,
                               rig_points[INNER_LIPS] * self.scale, strength)
        if self.model.mouth is not None and strength > 0:  # teeth and interior at 2× density, opening only
            out = self.model.mouth.refine(out, rig_points * self.scale, strength, in_place=True)  # out is ours
        if self.teeth is not None and strength > 0:  # filmed teeth under the lips, the dark between stays the nets'
            out = self.teeth.paint(out, rig_points * self.scale, strength)
        return out

    def invent_strength(self, rig_points: np.ndarray) -> float:
        """0..1: how far the net's mouth interior replaces the warp's inside the opening.

        The warp draws its cavity only where the lips part wider than in the portrait;
        up to the portrait's own gap it shows the portrait's own mouth, teeth and all
        (a smiling photo), which is truer than anything the net can invent."""
        return float(np.clip((lip_gap(rig_points) - self.rest_gap) / INVENT_RAMP_PX, 0.0, 1.0))


class NeuralRenderer:
    """Mesh warp of the portrait, then the learned refinement of its face (see module doc)."""

    def __init__(self, ctx: moderngl.Context, portrait_rgba: np.ndarray, rest_face: FaceLandmarks,
                 out_size: tuple[int, int], model: RefineModel | None = None):
        self.model = model or RefineModel.load()
        self.warp = MeshWarpRenderer(ctx, portrait_rgba, rest_face, out_size)
        self.out_size = self.warp.out_size
        self._scale = self.out_size[0] / portrait_rgba.shape[1]
        self._patch_quad: _PatchQuad | None = None
        self.refiner = FaceRefiner.for_portrait(self.model, portrait_rgba, rest_face, self._scale)

    def refine(self, warped_frame: np.ndarray, rig_points: np.ndarray) -> np.ndarray:
        """The warped output frame (H×W×4, at out_size) with its face refined."""
        return self.refiner.refine(warped_frame, rig_points)

    def render(self, rig_points: np.ndarray, mouth_open: float | None = None) -> np.ndarray:
        """One frame as an upright out_h×out_w×4 uint8 RGBA array."""
        return self.refine(self.warp.render(rig_points, mouth_open), np.asarray(rig_points, np.float64))

    def render_to(self, framebuffer: moderngl.Framebuffer, rig_points: np.ndarray, mouth_open: float | None = None) -> None:
        """Draw one refined frame into ``framebuffer`` (on screen, like ``MeshWarpRenderer.render_to``):
        the warp straight into it, then the refined face box over it as one textured quad."""
        rig = np.asarray(rig_points, np.float64)
        frame = self.render(rig, mouth_open)
        self.warp.render_to(framebuffer, rig, mouth_open)
        x0, y0, x1, y1 = self.face_box(rig).pixel_bounds(*self.out_size)
        if x1 > x0 and y1 > y0:
            self._patch().draw(np.ascontiguousarray(frame[y0:y1, x0:x1]), (x0, y0, x1, y1), self.out_size)

    def _patch(self) -> _PatchQuad:
        if self._patch_quad is None:
            self._patch_quad = _PatchQuad(self.warp.ctx)
        return self._patch_quad

    def face_box(self, rig_points: np.ndarray) -> CropBox:
        """The refined region in output pixels (outside it the frame is the warp's)."""
        return crop_box(rig_points).scaled(self._scale)

    def release(self) -> None:
        """Free the warp's GL objects (the context stays the caller's)."""
        if self._patch_quad is not None:
            self._patch_quad.release()
        self.warp.release()


class _PatchQuad:
    """Draws an RGBA patch at a pixel rectangle of the output, upright on screen (GL's bottom-up rows)."""

    VERTEX = """
#version 330
in vec2 in_ndc;
in vec2 in_uv;
out vec2 uv;
void main() { gl_Position = vec4(in_ndc, 0.0, 1.0); uv = in_uv; }
"""
    FRAGMENT = """
#version 330
uniform sampler2D patch_rgba;
in vec2 uv;
out vec4 colour;
void main() { colour = texture(patch_rgba, uv); }
"""

    def __init__(self, ctx: moderngl.Context):
        self.ctx = ctx
        self._program = ctx.program(vertex_shader=self.VERTEX, fragment_shader=self.FRAGMENT)
        self._buffer = ctx.buffer(reserve=4 * 4 * 4)
        self._vao = ctx.vertex_array(self._program, [(self._buffer, "2f 2f", "in_ndc", "in_uv")])
        self._texture: moderngl.Texture | None = None

    def draw(self, patch: np.ndarray, bounds: tuple[int, int, int, int], out_size: tuple[int, int]) -> None:
        x0, y0, x1, y1 = bounds
        height, width = patch.shape[:2]
        if self._texture is None or self._texture.size != (width, height):
            if self._texture is not None:
                self._texture.release()
            self._texture = self.ctx.texture((width, height), 4)
            self._texture.filter = (moderngl.NEAREST, moderngl.NEAREST)  # pixel for pixel
        self._texture.write(patch.tobytes())
        left, right = x0 / out_size[0] * 2 - 1, x1 / out_size[0] * 2 - 1
        top, bottom = 1 - y0 / out_size[1] * 2, 1 - y1 / out_size[1] * 2  # image top at the GL top
        quad = np.array([[left, top, 0, 0], [right, top, 1, 0], [left, bottom, 0, 1], [right, bottom, 1, 1]], np.float32)
        self._buffer.write(quad.tobytes())
        self.ctx.disable(moderngl.BLEND)
        self._texture.use(0)
        self._program["patch_rgba"].value = 0
        self._vao.render(moderngl.TRIANGLE_STRIP)

    def release(self) -> None:
        for obj in (self._vao, self._buffer, self._program, self._texture):
            if obj is not None:
                obj.release()


def choose_renderer(choice: str, portrait_rgba: np.ndarray, face: FaceLandmarks,
                    weights: Path | None = None) -> tuple[str, str | None]:
    """(``warp`` | ``neural``, a note for the user or None) for ``--renderer auto|warp|neural``.

    ``auto`` reads the portrait's style (core.render.neural_style) and falls back to the
    warp, with a note, when the neural weights cannot be loaded; an explicit ``neural``
    checks the weights now, so a missing file fails before any work (ModelWeightsError)."""
    from core.render.neural_style import resolve_renderer

    if choice not in RENDERER_CHOICES:
        raise ValueError(f"renderer must be one of {', '.join(RENDERER_CHOICES)}, got {choice!r}")
    resolved = resolve_renderer(choice, portrait_rgba, face.rig_points())
    if resolved != "neural":
        return resolved, None
    try:
        model = RefineModel.load(weights)
    except ModelWeightsError as err:
        if choice == "neural":
            raise
        return "warp", f"neural renderer unavailable ({str(err).split(';')[0]}); using the mesh warp"
    return "neural", model.note


def create_renderer(ctx: moderngl.Context, portrait_rgba: np.ndarray, face: FaceLandmarks, out_size: tuple[int, int],
                    renderer: str = "warp", weights: Path | None = None) -> MeshWarpRenderer | NeuralRenderer:
    """The frame renderer for a resolved choice (``warp`` | ``neural``; ``auto`` is resolved here too)."""
    if renderer == "auto":
        renderer, _ = choose_renderer(renderer, portrait_rgba, face, weights)
    if renderer == "neural":
        return NeuralRenderer(ctx, portrait_rgba, face, out_size, RefineModel.load(weights))
    if renderer != "warp":
        raise ValueError(f"renderer must be one of {', '.join(RENDERER_CHOICES)}, got {renderer!r}")
    return MeshWarpRenderer(ctx, portrait_rgba, face, out_size)
