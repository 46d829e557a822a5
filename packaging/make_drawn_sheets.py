"""Contact sheets of the drawn style for docs/drawn_style.md (before/after on drawn portraits).

For each portrait: the speech line is animated once, then six telling frames are picked
(frame 0, the two widest open vowels, a closure inside speech, a pause, the deepest
blink) and rendered three ways — the mesh warp (before), ``--renderer drawn`` and the
drawn style with the example mouth set — into one sheet per portrait.

    .venv/bin/python packaging/make_drawn_sheets.py PORTRAIT... --out docs/drawn_style
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from core.pipeline import GenerationOptions, animate, rendered_frames
from core.portrait_setup import prepare_portrait
from core.render.drawn_eyelids import lid_opening
from core.render.frame_style import FrameStyle

ROOT = Path(__file__).resolve().parents[1]
TILE = 240  # px per tile side (face crop)
MAX_SHEET_BYTES = 1_000_000


def pick_frames(motion) -> list[tuple[str, int]]:  # noqa: ANN001 - MotionFrames
    """(label, frame) for frame 0, open vowels, a closure, a pause and a blink."""
    openness = np.asarray(motion.mouth_open, np.float64)
    lids = np.array([lid_opening(rig, 0) + lid_opening(rig, 1) for rig in motion.rig])
    blink = int(np.argmin(lids))
    order = np.argsort(-openness)
    first = int(order[0])
    second = int(next(i for i in order if abs(i - first) > 15))
    low = openness < 0.15 * openness.max()
    runs, start = [], None
    for i, flag in enumerate(np.append(low, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((i - start, start))
            start = None
    inner = [(n, s) for n, s in runs if s > 5 and s + n < len(openness) - 3]
    pause = max(inner)[1] + max(inner)[0] // 2 if inner else len(openness) - 1
    speaking = [s + n // 2 for n, s in inner if n <= 6 and s != pause]
    closure = speaking[len(speaking) // 2] if speaking else int(np.argmin(openness[5:-5])) + 5
    return [("frame 0", 0), ("open", first), ("open", second), ("closure", closure), ("pause", pause),
            ("blink", blink)]


def face_crop(setup, size: tuple[int, int]) -> tuple[int, int, int]:  # noqa: ANN001 - PortraitSetup
    """x0, y0, side of a square around the face in output pixels."""
    scale = size[0] / setup.portrait.rgba.shape[1]
    x0, y0, x1, y1 = setup.face.bounding_box()
    cx, cy = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * scale
    side = int(max(x1 - x0, y1 - y0) * scale * 1.35)
    return int(cx - side / 2), int(cy - side / 2 + 0.05 * side), side


def tile(frame: np.ndarray, crop: tuple[int, int, int]) -> np.ndarray:
    x0, y0, side = crop
    rgb = frame[:, :, :3].astype(np.float32)
    if frame.shape[2] == 4:  # transparent portraits shown over grey
        alpha = frame[:, :, 3:] / 255.0
        rgb = rgb * alpha + 128 * (1 - alpha)
    padded = cv2.copyMakeBorder(rgb.astype(np.uint8), side, side, side, side, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    part = padded[y0 + side : y0 + 2 * side, x0 + side : x0 + 2 * side]
    return cv2.resize(part, (TILE, TILE), interpolation=cv2.INTER_AREA)


def label(image: np.ndarray, text: str) -> np.ndarray:
    out = image.copy()
    cv2.putText(out, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(out, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def sheet(portrait: Path, audio: Path, mouth_set: Path, size: int) -> np.ndarray:
    setup = prepare_portrait(portrait, None, True)
    animation = animate(setup, audio, GenerationOptions(seed=3, blinks_per_minute=20))
    picks = pick_frames(animation.motion)
    frames = [index for _, index in picks]
    width, height = setup.portrait.rgba.shape[1], setup.portrait.rgba.shape[0]
    factor = size / max(width, height)
    out_size = (round(width * factor / 2) * 2, round(height * factor / 2) * 2)
    crop = face_crop(setup, out_size)
    sprite_style = FrameStyle.from_options(mouth_set).for_export(animation, "png")
    rows = []
    for name, renderer, style in (("warp", "warp", None), ("drawn", "drawn", None), ("mouth set", "drawn", sprite_style)):
        rendered = rendered_frames(setup, animation.motion, out_size, frames, renderer, style)
        tiles = [label(tile(f, crop), f"{name}: {what} #{i}") for f, (what, i) in zip(rendered, picks)]
        rows.append(np.hstack(tiles))
    return np.vstack(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portraits", nargs="+", type=Path)
    parser.add_argument("--audio", type=Path, default=ROOT / "resources/sample/speech.wav")
    parser.add_argument("--mouth-set", type=Path, default=ROOT / "resources/mouth_sets/basic")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--out", type=Path, default=ROOT / "docs/drawn_style")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for portrait in args.portraits:
        image = sheet(portrait, args.audio, args.mouth_set, args.size)
        path = args.out / f"{portrait.stem}.png"
        write_under(path, image, MAX_SHEET_BYTES)
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def write_under(path: Path, image: np.ndarray, limit: int) -> None:
    """Write a PNG, scaled down in steps until it is under ``limit`` bytes (docs stay small)."""
    while True:
        cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if path.stat().st_size < limit:
            return
        image = cv2.resize(image, None, fx=0.9, fy=0.9, interpolation=cv2.INTER_AREA)


if __name__ == "__main__":
    main()
