"""``space-studio evaluate VIDEO... --render``: how close each renderer comes to the real frame.

Self-reenactment: a real video's first usable frame is the portrait; every scored
later frame is rendered from the landmarks tracked on that real frame, once by the
mesh warp and once by the neural renderer (the same warp, refined), and compared
with the real frame at the export scale (longer side ``EVAL_SIDE``):

- ``psnr_face`` / ``ssim_face``: over the box of the 68 landmarks;
- ``psnr_mouth`` / ``ssim_mouth``: over the mouth box (lips ± a quarter of the mouth width);
- ``sharpness_mouth``: variance of the Laplacian in the mouth box, rendered over real —
  1 is as sharp as the film; a blurry renderer cannot win SSIM without losing here.

SSIM is the usual grey-level SSIM (Gaussian window σ = 1.5, K1 = 0.01, K2 = 0.03).
Means per clip, then over clips; per person too (the bar is per person).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from core.evaluation.crossval import clip_key, speaker_of

EVAL_SIDE = 512
FRAMES_PER_CLIP = 40
METRICS = ("psnr_face", "ssim_face", "psnr_mouth", "ssim_mouth", "sharpness_mouth")
RENDERERS = ("warp", "neural")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two uint8 images, dB (capped at 100 for identical ones)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 100.0 if mse <= 1e-10 else float(10 * np.log10(255.0 ** 2 / mse))


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean grey-level SSIM of two uint8 RGB (or grey) images of the same size."""
    ga, gb = (_grey(x).astype(np.float64) for x in (a, b))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (7, 7), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_a, mu_b = blur(ga), blur(gb)
    var_a, var_b, cov = blur(ga * ga) - mu_a ** 2, blur(gb * gb) - mu_b ** 2, blur(ga * gb) - mu_a * mu_b
    value = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return float(value.mean())


def sharpness(image: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image (focus measure)."""
    return float(cv2.Laplacian(_grey(image).astype(np.float64), cv2.CV_64F).var())


def sharpness_ratio(rendered: np.ndarray, real: np.ndarray) -> float:
    return sharpness(rendered) / max(sharpness(real), 1e-6)


def _grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)


def face_box(rig: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 of the 68 landmarks, clipped to the frame."""
    return _clip_box(rig[:68].min(0), rig[:68].max(0), width, height)


def mouth_box(rig: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """The lips with a quarter of the mouth width around them."""
    lips = rig[48:68]
    pad = 0.25 * float(lips[:, 0].max() - lips[:, 0].min())
    return _clip_box(lips.min(0) - pad, lips.max(0) + pad, width, height)


def _clip_box(low: np.ndarray, high: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0 = max(0, int(np.floor(low[0]))), max(0, int(np.floor(low[1])))
    x1, y1 = min(width, int(np.ceil(high[0])) + 1), min(height, int(np.ceil(high[1])) + 1)
    return x0, y0, max(x1, x0 + 8), max(y1, y0 + 8)


def frame_scores(rendered: np.ndarray, real: np.ndarray, rig: np.ndarray) -> dict[str, float]:
    """The five metrics of one rendered frame against the real one (rig in their pixels)."""
    h, w = real.shape[:2]
    fx0, fy0, fx1, fy1 = face_box(rig, w, h)
    mx0, my0, mx1, my1 = mouth_box(rig, w, h)
    face_r, face_t = rendered[fy0:fy1, fx0:fx1, :3], real[fy0:fy1, fx0:fx1, :3]
    mouth_r, mouth_t = rendered[my0:my1, mx0:mx1, :3], real[my0:my1, mx0:mx1, :3]
    return {"psnr_face": psnr(face_r, face_t), "ssim_face": ssim(face_r, face_t),
            "psnr_mouth": psnr(mouth_r, mouth_t), "ssim_mouth": ssim(mouth_r, mouth_t),
            "sharpness_mouth": sharpness_ratio(mouth_r, mouth_t)}


@dataclass
class ClipScores:
    """Per-renderer metric means of one clip, and what the report shows of it."""

    clip: str
    person: str
    frames: int
    scores: dict[str, dict[str, float]]
    open_mouth_strip: np.ndarray | None = field(default=None, repr=False)  # real | warp | neural


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.mean([r[k] for r in rows])) for k in METRICS}


def score_clip(ctx, video: Path, model, frames_per_clip: int = FRAMES_PER_CLIP) -> ClipScores | None:
    """Self-reenactment scores of one video (None: too few frames with a face)."""
    from core.landmarks.face_geometry import mouth_openness
    from core.render.neural_renderer import NeuralRenderer
    from core.landmarks.video_face_track import load_or_extract
    from core.training.renderer_dataset import face_at, read_frames, track_rigs

    track = load_or_extract(video)
    valid = np.flatnonzero(track.valid)
    if len(valid) < 3:
        return None
    first, later = int(valid[0]), valid[1:]
    scored = later[np.linspace(0, len(later) - 1, min(frames_per_clip, len(later))).round().astype(int)]
    frames = read_frames(video, {int(track.frame_indices[t]) for t in [first, *scored]})
    rigs = track_rigs(track)
    width, height = track.image_size
    factor = min(1.0, EVAL_SIDE / max(width, height))
    out_size = (max(16, round(width * factor)), max(16, round(height * factor)))
    portrait = frames[int(track.frame_indices[first])]
    rgba = np.dstack([portrait, np.full(portrait.shape[:2], 255, np.uint8)])
    neural = NeuralRenderer(ctx, rgba, face_at(track, rigs, first), out_size, model)
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in RENDERERS}
    openness = mouth_openness(track.points68)
    widest, strip = -1.0, None
    try:
        for t in scored:
            real_full = frames.get(int(track.frame_indices[t]))
            if real_full is None:
                continue
            real = cv2.resize(real_full, out_size, interpolation=cv2.INTER_AREA) if factor < 1 else real_full
            warped = neural.warp.render(rigs[t])
            refined = neural.refine(warped, rigs[t])
            rig_out = (rigs[t] + 0.5) * np.array([out_size[0] / width, out_size[1] / height]) - 0.5
            rows["warp"].append(frame_scores(warped, real, rig_out))
            rows["neural"].append(frame_scores(refined, real, rig_out))
            if openness[t] > widest:
                widest, strip = float(openness[t]), _strip(real, warped, refined, rig_out)
    finally:
        neural.release()
    if not rows["warp"]:
        return None
    return ClipScores(clip_key(video), speaker_of(video), len(rows["warp"]),
                      {name: _mean(r) for name, r in rows.items()}, strip)


def _strip(real: np.ndarray, warped: np.ndarray, refined: np.ndarray, rig: np.ndarray, size: int = 192) -> np.ndarray:
    """real | warp | neural face crops side by side (RGB), for the report."""
    from core.render.neural_face_crop import crop_box, extract_crop

    box = crop_box(rig)
    return np.hstack([extract_crop(np.ascontiguousarray(img[:, :, :3]), box, size) for img in (real, warped, refined)])


@dataclass
class RenderEvaluation:
    """Scores of every clip and their means per renderer and per person."""

    clips: list[ClipScores]
    trained_on: list[str]

    def means(self, renderer: str) -> dict[str, float]:
        return _mean([c.scores[renderer] for c in self.clips])

    def people(self) -> dict[str, dict[str, dict[str, float]]]:
        by_person: dict[str, list[ClipScores]] = {}
        for clip in self.clips:
            by_person.setdefault(clip.person, []).append(clip)
        return {p: {r: _mean([c.scores[r] for c in cs]) for r in RENDERERS} for p, cs in sorted(by_person.items())}

    def to_json(self) -> dict:
        return {"renderers": {r: {**self.means(r), "clips": [{"clip": c.clip, "person": c.person, "frames": c.frames,
                                                              **c.scores[r]} for c in self.clips]}
                              for r in RENDERERS},
                "people": self.people(), "clips_in_renderer_training": self.trained_on}

    def table(self) -> str:
        lines = ["| renderer | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
        for r in RENDERERS:
            m = self.means(r)
            lines.append(f"| {r} | " + " | ".join(f"{m[k]:.3f}" if "ssim" in k or "sharp" in k else f"{m[k]:.2f}"
                                                  for k in METRICS) + " |")
        return "\n".join(lines)


def evaluate_renderers(videos: list[Path], weights: Path | None = None, frames_per_clip: int = FRAMES_PER_CLIP,
                       progress: Callable[[str, int, int], None] | None = None) -> RenderEvaluation:
    """Score the warp and the neural renderer on every video (see module doc)."""
    import torch

    from core.render.gl_context import create_headless_context
    from core.render.neural_renderer import RefineModel

    torch.set_num_threads(1)
    model = RefineModel.load(weights)
    ctx = create_headless_context()
    clips = []
    try:
        for i, video in enumerate(videos):
            if progress:
                progress("Scoring renderers", i, len(videos))
            scores = score_clip(ctx, video, model, frames_per_clip)
            if scores is not None:
                clips.append(scores)
    finally:
        ctx.release()
    if progress:
        progress("Scoring renderers", len(videos), len(videos))
    seen = set(model.training_clips)
    return RenderEvaluation(clips, sorted(c.clip for c in clips if c.clip in seen))


def write_report(result: RenderEvaluation, path: Path) -> None:
    """Markdown report with the tables and a real | warp | neural PNG per clip beside it."""
    from core.export.atomic_output import atomic_file

    path = Path(path)
    lines = ["# Renderer evaluation (self-reenactment)", "", __doc__.split("\n\n", 1)[1].strip(), "",
             "## Means over clips", "", result.table(), "", "## Per person", "",
             "| person | renderer | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 2) + "|"]
    for person, scores in result.people().items():
        for r in RENDERERS:
            lines.append(f"| {person} | {r} | " + " | ".join(f"{scores[r][k]:.3f}" for k in METRICS) + " |")
    if result.trained_on:
        lines += ["", f"**Warning**: the renderer was trained on {', '.join(result.trained_on)}."]
    lines += ["", "## Open-mouthed frames: real | warp | neural", ""]
    for clip in result.clips:
        if clip.open_mouth_strip is None:
            continue
        name = f"{path.stem}_{clip.clip.replace('/', '__').rsplit('.', 1)[0]}.png"
        with atomic_file(path.with_name(name)) as temp:
            temp.write_bytes(cv2.imencode(".png", clip.open_mouth_strip[:, :, ::-1])[1].tobytes())
        lines += [f"{clip.clip} ({clip.person})", "", f"![{clip.clip}]({name})", ""]
    with atomic_file(path) as temp:
        temp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def evaluate_renderers_command(args, progress, say: Callable[[str], None]) -> int:
    """The CLI side of ``evaluate --render``: table on stdout, optional report and JSON."""
    from core.evaluation.evaluate import expand_paths
    from core.export.atomic_output import atomic_file

    result = evaluate_renderers(expand_paths(args.paths), getattr(args, "model", None), progress=progress.step)
    if not result.clips:
        from core.errors import SpaceStudioError

        raise SpaceStudioError("No video had enough frames with a face to score the renderers.")
    if result.trained_on:
        say(f"the renderer was trained on {len(result.trained_on)} of these clips: their scores flatter it")
    print(result.table())
    if args.report:
        write_report(result, args.report)
        say(f"wrote {args.report}")
    if getattr(args, "json", None):
        with atomic_file(args.json) as temp:
            temp.write_text(json.dumps(result.to_json(), indent=1), encoding="utf-8")
        say(f"wrote {args.json}")
    return 0

