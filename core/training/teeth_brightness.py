"""How bright teeth are against skin in real talking video, by lip gap: the teeth plate's brightness table.

For every real open-mouthed frame of the mouth-stage pair cache (core.training.mouth_pairs,
the real target crops with their lips), the 90th percentile of the opening's brightness
(its teeth, where they show) over the median brightness of the skin around the lips, binned
by the lip gap in mouth widths. core.render.portrait_teeth.TEETH_TO_SKIN_BY_GAP holds the medians.

    python -m core.training.teeth_brightness --cache build/mouth/pairs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from core.render.mouth_crop import MOUTH_WIDTH_IN_CROP, OUTER_LIP_COUNT
from core.training.mouth_pairs import load_mouth_pairs

GAP_BINS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)  # lip gap in mouth widths
MIN_OPENING_PX = 80  # crop pixels: smaller openings hold too few pixels for a percentile


def teeth_to_skin(real: np.ndarray, lips: np.ndarray) -> tuple[float, float] | None:
    """(lip gap in mouth widths, opening's 90th-percentile brightness / skin median) of one real
    mouth crop (h×w×3 uint8, its 20 lip points in crop pixels), or None when the opening is tiny."""
    opening = np.zeros(real.shape[:2], np.uint8)
    cv2.fillPoly(opening, [np.round(lips[OUTER_LIP_COUNT:]).astype(np.int32)], 1)
    outer = np.zeros(real.shape[:2], np.uint8)
    cv2.fillPoly(outer, [np.round(lips[:OUTER_LIP_COUNT]).astype(np.int32)], 1)
    if opening.sum() < MIN_OPENING_PX:
        return None
    luma = cv2.cvtColor(real, cv2.COLOR_RGB2GRAY).astype(np.float64)
    skin = luma[cv2.erode(1 - outer, np.ones((5, 5), np.uint8)).astype(bool)]
    inside = luma[cv2.erode(opening, np.ones((3, 3), np.uint8)).astype(bool)]
    if inside.size < 30 or skin.size == 0:
        return None
    inner = lips[OUTER_LIP_COUNT:]
    gap = float(np.max(np.linalg.norm(inner[[1, 2, 3]] - inner[[7, 6, 5]], axis=1))) / MOUTH_WIDTH_IN_CROP
    return gap, float(np.percentile(inside, 90) / max(np.median(skin), 1.0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("build/mouth/pairs"), help="the mouth-pair cache folder")
    args = parser.parse_args(argv)
    pairs = load_mouth_pairs(sorted(args.cache.glob("*.npz")))
    rows = np.array([r for r in (teeth_to_skin(real, lips) for real, lips in zip(pairs.real, pairs.lips)) if r])
    print(f"{len(rows)} open-mouthed real frames of {len(pairs.clips)} clips\n")
    print("| lip gap (mouth widths) | frames | teeth / skin, median | quartiles |\n|---|---|---|---|")
    for low, high in zip(GAP_BINS[:-1], GAP_BINS[1:]):
        ratios = rows[(rows[:, 0] >= low) & (rows[:, 0] < high), 1]
        if len(ratios):
            q1, median, q3 = np.percentile(ratios, [25, 50, 75])
            print(f"| {low:.1f}–{high:.1f} | {len(ratios)} | {median:.2f} | {q1:.2f}–{q3:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
