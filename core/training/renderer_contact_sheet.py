"""Contact sheet of the learned renderer: warp vs neural on portraits it never saw.

For each portrait: the product's own generation (``--pose generate``, the sample
speech), then four moments picked from the motion — the widest open vowel, a
closure in the middle of speech, the most closed blink and the widest generated
head turn — each rendered by the mesh warp and by the neural renderer, shown as
face crops (warp above neural).

    python -m core.training.renderer_contact_sheet --out weights/renderer/contact_sheet.png P1 P2 ...

``--mouths`` writes close-ups of four open mouths per portrait instead (the two networks
alone, then with the teeth plate: weights/renderer/evaluation/mouth_closeups.png).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TILE = 176
MOMENTS = ("open vowel", "closure", "blink", "head turn")
CLOSEUP_SIZE = (96, 64)  # mouth close-up crop before its 3× enlargement


def pick_frames(rig: np.ndarray, mouth_open: np.ndarray, pose: np.ndarray) -> list[int]:
    """Frame indices of the four moments (see module doc)."""
    lids = np.abs(rig[:, 68:82, 1] - rig[:, 82:96, 1]).mean(axis=1)
    speaking = np.flatnonzero(mouth_open > 0.05)
    middle = np.arange(speaking[0], speaking[-1] + 1) if len(speaking) else np.arange(len(rig))
    closure = int(middle[np.argmin(mouth_open[middle])])
    return [int(np.argmax(mouth_open)), closure, int(np.argmin(lids)), int(np.argmax(np.abs(pose[:, 0])))]


def generated_motion(image: Path, audio: Path):  # noqa: ANN201 - (PortraitSetup, Motion, out size, scale)
    """The product's own generation for a portrait (``--pose generate``), at the 512 export size."""
    from core.pipeline import GenerationOptions, animate, output_size
    from core.portrait_setup import prepare_portrait
    from core.pose_source import parse_pose_args

    setup = prepare_portrait(image)
    motion = animate(setup, audio, GenerationOptions(pose=parse_pose_args(["generate"], 0, 1.0))).motion
    size = output_size(setup, 512)
    return setup, motion, size, size[0] / setup.portrait.rgba.shape[1]


def portrait_rows(image: Path, audio: Path, weights: Path | None) -> np.ndarray:
    """Two rows of tiles (warp, neural) × four moments for one portrait."""
    from core.render.delaunay_warp import MeshWarpRenderer
    from core.render.gl_context import create_headless_context
    from core.render.neural_face_crop import crop_box, extract_crop
    from core.render.neural_renderer import NeuralRenderer, RefineModel

    setup, motion, size, scale = generated_motion(image, audio)
    frames = pick_frames(motion.rig, motion.mouth_open, motion.pose)
    ctx = create_headless_context()
    neural = NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, RefineModel.load(weights))
    warp = MeshWarpRenderer(ctx, setup.portrait.rgba, setup.face, size)
    rows: list[list[np.ndarray]] = [[], []]
    try:
        for index in frames:
            rig, opening = motion.rig[index], float(motion.mouth_open[index])
            box = crop_box(rig).scaled(scale)
            for row, renderer in zip(rows, (warp, neural)):
                frame = renderer.render(rig, opening)[:, :, :3]
                row.append(extract_crop(np.ascontiguousarray(frame), box, TILE))
    finally:
        neural.release()
        warp.release()
        ctx.release()
    return np.vstack([np.hstack(r) for r in rows])


def mouth_rows(image: Path, audio: Path, weights: Path | None) -> np.ndarray:
    """Two rows of 3× mouth close-ups (the two nets alone, then with the teeth plate) at four
    open-mouthed frames, from the widest to a mid-open one, of one portrait."""
    from core.render.gl_context import create_headless_context
    from core.render.mouth_crop import mouth_box
    from core.render.neural_renderer import NeuralRenderer, RefineModel

    setup, motion, size, scale = generated_motion(image, audio)
    order = np.argsort(-motion.mouth_open)
    frames = [int(order[k]) for k in (0, 7, 30, len(order) // 3)]
    nets_only, shipped = RefineModel.load(weights), RefineModel.load(weights)
    nets_only.teeth = None
    ctx = create_headless_context()
    rows: list[list[np.ndarray]] = [[], []]
    try:
        for row, model in zip(rows, (nets_only, shipped)):
            renderer = NeuralRenderer(ctx, setup.portrait.rgba, setup.face, size, model)
            for index in frames:
                frame = renderer.render(motion.rig[index], float(motion.mouth_open[index]))[:, :, :3]
                to_crop = mouth_box(motion.rig[index] * scale).to_crop(CLOSEUP_SIZE)
                to_crop *= 0.75  # zoomed out around the same centre: a little wider than the mouth stage's crop
                to_crop[:, 2] += 0.25 * (np.array(CLOSEUP_SIZE) / 2 - 0.5)
                crop = cv2.warpAffine(np.ascontiguousarray(frame), to_crop, CLOSEUP_SIZE, flags=cv2.INTER_LINEAR)
                row.append(cv2.resize(crop, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC))
            renderer.release()
    finally:
        ctx.release()
    return np.vstack([np.hstack(r) for r in rows])


def _label(tile_row: np.ndarray, text: str) -> np.ndarray:
    bar = np.full((18, tile_row.shape[1], 3), 255, np.uint8)
    cv2.putText(bar, text, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return np.vstack([bar, tile_row])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portraits", nargs="+", type=Path)
    parser.add_argument("--audio", type=Path, default=ROOT / "resources" / "sample" / "speech.wav")
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "weights" / "renderer" / "contact_sheet.png")
    parser.add_argument("--mouths", action="store_true",
                        help="write 3× mouth close-ups instead: the nets alone above, with the teeth plate below")
    args = parser.parse_args(argv)
    if args.mouths:
        rows, caption = mouth_rows, "four open mouths, 3x   (per portrait: the two nets alone above, + the teeth plate below)"
    else:
        rows, caption = portrait_rows, "   |   ".join(MOMENTS) + "   (per portrait: warp above, neural below)"
    blocks: list[np.ndarray] = []
    for image in args.portraits:
        blocks.append(_label(rows(image, args.audio, args.weights), image.name))
        print(f"{image.name}: done", flush=True)
    sheet = np.vstack(blocks)
    cv2.imwrite(str(args.out), np.vstack([_label(sheet[:0], caption), sheet])[:, :, ::-1])
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
