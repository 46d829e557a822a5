"""Draw the example mouth set resources/mouth_sets/basic/ (A-H, X as transparent PNGs).

Simple vector art made by us with OpenCV: each shape is a few polygons and strokes
drawn at 4x and reduced with area averaging. Shapes follow Rhubarb Lip Sync's
descriptions (A closed MBP, B slightly open with clenched teeth, C open, D wide open,
E slightly rounded, F puckered, G upper teeth on the lower lip, H tongue raised, X idle).

    .venv/bin/python packaging/make_mouth_set.py [--out resources/mouth_sets/basic]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

SIZE = (256, 160)  # w, h of every drawing
SS = 4
SHIFT = 4
MOUTH_WIDTH = 0.62  # the closed mouth spans this share of the width
LINE = (72, 34, 36)
INTERIOR = (92, 26, 36)
TONGUE = (214, 104, 114)
TEETH = (250, 248, 241)
LINE_WEIGHT = 6.0


class Sheet:
    """A transparent premultiplied canvas drawn at SS× and read back reduced."""

    def __init__(self) -> None:
        self.rgb = np.zeros((SIZE[1], SIZE[0], 3), np.float32)
        self.alpha = np.zeros((SIZE[1], SIZE[0]), np.float32)

    def _cover(self, draw) -> np.ndarray:  # noqa: ANN001 - a function drawing on the big mask
        big = np.zeros((SIZE[1] * SS, SIZE[0] * SS), np.uint8)
        draw(big)
        return cv2.resize(big, SIZE, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0

    def paint(self, coverage: np.ndarray, colour: tuple[int, int, int]) -> None:
        self.rgb = self.rgb * (1 - coverage[..., None]) + coverage[..., None] * np.array(colour, np.float32)
        self.alpha = self.alpha * (1 - coverage) + coverage

    def fill(self, polygon: np.ndarray) -> np.ndarray:
        pts = _fixed(polygon)
        return self._cover(lambda big: cv2.fillPoly(big, [pts], 255, cv2.LINE_8, SHIFT))

    def stroke(self, line: np.ndarray, closed: bool, weight: float = LINE_WEIGHT) -> np.ndarray:
        pts = _fixed(line)
        return self._cover(lambda big: cv2.polylines(big, [pts], closed, 255, int(weight * SS), cv2.LINE_8, SHIFT))

    def rgba(self) -> np.ndarray:
        colour = np.where(self.alpha[..., None] > 1e-4, self.rgb / np.maximum(self.alpha[..., None], 1e-4), 0)
        out = np.dstack([colour, self.alpha * 255.0])
        return np.clip(np.round(out), 0, 255).astype(np.uint8)


def _fixed(points: np.ndarray) -> np.ndarray:
    return np.round(((np.asarray(points) + 0.5) * SS - 0.5) * (1 << SHIFT)).astype(np.int32).reshape(-1, 1, 2)


def outline(half_width: float, up: float, down: float, power: float, smile: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower edges of a mouth opening centred in the canvas (left → right)."""
    t = np.linspace(-1, 1, 41)
    profile = np.clip(1 - np.abs(t) ** power, 0, 1) ** (1 / power)
    cx, cy = SIZE[0] / 2, SIZE[1] * 0.45
    base = cy + smile * (1 - t**2) - smile / 2
    x = cx + half_width * t
    return np.stack([x, base - up * profile], -1), np.stack([x, base + down * profile], -1)


def open_mouth(sheet: Sheet, half_width: float, up: float, down: float, power: float,
               teeth: float = 0.0, lower_teeth: float = 0.0, tongue: float = 0.4, tongue_lift: float = 0.0) -> None:
    upper, lower = outline(half_width, up, down, power)
    polygon = np.concatenate([upper, lower[::-1]])
    inside = sheet.fill(polygon)
    sheet.paint(inside, INTERIOR)
    if tongue > 0:
        cx, bottom = SIZE[0] / 2, lower[20, 1]
        angles = np.linspace(0, 2 * np.pi, 40)
        th = tongue * (up + down)
        centre_y = bottom - 0.3 * th - tongue_lift * (up + down)
        ellipse = np.stack([cx + 0.55 * half_width * np.cos(angles), centre_y + th * np.sin(angles)], -1)
        sheet.paint(inside * sheet.fill(ellipse), TONGUE)
    if teeth > 0:
        band = np.concatenate([upper[6:35] - [0, 3], (upper[6:35] + [0, teeth])[::-1]])
        sheet.paint(inside * sheet.fill(band), TEETH)
    if lower_teeth > 0:
        band = np.concatenate([lower[10:31] + [0, 3], (lower[10:31] - [0, lower_teeth])[::-1]])
        sheet.paint(inside * sheet.fill(band), TEETH)
    sheet.paint(sheet.stroke(polygon, True), LINE)


def closed_mouth(sheet: Sheet, half_width: float, smile: float, press: float = 0.0) -> None:
    upper, _ = outline(half_width, 0, 0, 2, smile)
    sheet.paint(sheet.stroke(upper, False, LINE_WEIGHT * (1 + press)), LINE)


def draw_shape(letter: str) -> np.ndarray:
    sheet = Sheet()
    half = MOUTH_WIDTH * SIZE[0] / 2
    if letter == "A":
        closed_mouth(sheet, half * 0.92, 4.0, press=0.3)
        lip = np.stack([np.linspace(-0.35, 0.35, 15) * half + SIZE[0] / 2, np.full(15, SIZE[1] * 0.45 + 14)], -1)
        sheet.paint(sheet.stroke(lip, False, 3.0), LINE)  # the pressed lower lip
    elif letter == "X":
        closed_mouth(sheet, half, 7.0)
    elif letter == "B":
        open_mouth(sheet, half, 6, 12, 1.6, teeth=7, lower_teeth=6, tongue=0.0)
    elif letter == "C":
        open_mouth(sheet, half, 10, 30, 1.7, teeth=9, tongue=0.35)
    elif letter == "D":
        open_mouth(sheet, half * 1.05, 14, 56, 1.9, teeth=11, tongue=0.3)
    elif letter == "E":
        open_mouth(sheet, half * 0.72, 10, 30, 2.2, teeth=6, tongue=0.35)
    elif letter == "F":
        open_mouth(sheet, half * 0.36, 12, 16, 2.0, tongue=0.0)
        ring_up, ring_low = outline(half * 0.5, 20, 26, 2.0, 0)
        sheet.paint(sheet.stroke(np.concatenate([ring_up, ring_low[::-1]]), True, 4.0), LINE)
    elif letter == "G":
        open_mouth(sheet, half * 0.95, 6, 14, 1.6, teeth=12, tongue=0.0)
    elif letter == "H":
        open_mouth(sheet, half, 10, 34, 1.7, teeth=8, tongue=0.35, tongue_lift=0.45)
    return sheet.rgba()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "resources/mouth_sets/basic")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for letter in "ABCDEFGHX":
        cv2.imwrite(str(args.out / f"{letter}.png"), cv2.cvtColor(draw_shape(letter), cv2.COLOR_RGBA2BGRA))
    settings = {"shapes": {letter: f"{letter}.png" for letter in "ABCDEFGHX"}, "anchor": [0.5, 0.45],
                "mouth_width": MOUTH_WIDTH, "scale": 1.0}
    (args.out / "mouths.json").write_text(json.dumps(settings, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
