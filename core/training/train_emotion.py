"""Learn per-emotion expression displacements from MEAD clips.

For each speaker with a neutral clip and emotion clips (MEAD level 3, named
``<speaker>_front_<emotion>_level<k>_*.mp4``), the displacement of an emotion is
the median normalized face over that clip's closed-mouth frames minus the same
statistic of the speaker's neutral clip; speakers are averaged. Closed-mouth
frames keep speech (jaw and lip opening) out of the expression, and the jaw's
vertical residue is damped for the same reason.

    python -m core.training.train_emotion --data ../shared/data --out weights/emotion/
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.landmarks.face_landmarks import BROWS, JAW
from core.motion.emotion_expression import EMOTION_ALIASES, EMOTIONS, EmotionExpressions
from core.motion.pose_from_video import load_track

CLIP_PATTERN = re.compile(r"(?P<speaker>[MW]\d{3})_front_(?P<emotion>[a-z]+)_level(?P<level>\d)_\d+\.mp4$")
MEAD_DIR = "faces_silent/ali-vilab__dreamtalk"


@dataclass(frozen=True)
class EmotionTrainConfig:
    """Inputs and robustness knobs of the emotion fit."""

    data_dir: Path
    out_dir: Path
    closed_mouth_quantile: float = 0.35  # frames whose lip gap is below this quantile
    jaw_vertical_damping: float = 0.5  # jaw y moves with speech more than with emotion


@dataclass(frozen=True)
class FaceStatistic:
    """A clip's robust face: 68×2 points, upper and lower lids 2×7×2."""

    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray


def find_mead_clips(data_dir: Path) -> dict[str, dict[str, Path]]:
    """speaker → emotion → clip path, from the MEAD style clips."""
    clips: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted((data_dir / MEAD_DIR).glob("*.mp4")):
        match = CLIP_PATTERN.search(path.name)
        emotion = EMOTION_ALIASES.get(match["emotion"], match["emotion"]) if match else ""
        if emotion in EMOTIONS:
            clips[match["speaker"]][emotion] = path
    return {s: e for s, e in clips.items() if "neutral" in e}


def clip_statistic(path: Path, quantile: float) -> FaceStatistic:
    """Median normalized face over the clip's closed-mouth frames."""
    track = load_track(path)
    pts = track.points68[track.valid, :, :2]
    lids = track.lids[track.valid]
    # Inner-lip gap: lower inner lip (65–67) minus upper inner lip (61–63).
    gap = pts[:, 65:68, 1].mean(1) - pts[:, 61:64, 1].mean(1)
    closed = gap <= np.quantile(gap, quantile)
    return FaceStatistic(
        np.median(pts[closed], axis=0), np.median(lids[closed, 0], axis=0), np.median(lids[closed, 1], axis=0)
    )


def fit_displacements(config: EmotionTrainConfig) -> tuple[EmotionExpressions, list[str]]:
    """Average over speakers of (emotion statistic − neutral statistic)."""
    clips = find_mead_clips(config.data_dir)
    if not clips:
        raise FileNotFoundError(f"No MEAD clips with a neutral reference under {config.data_dir / MEAD_DIR}")
    sums = {key: np.zeros(shape, np.float64) for key, shape in
            (("points68", (8, 68, 2)), ("upper_lids", (8, 2, 7, 2)), ("lower_lids", (8, 2, 7, 2)))}
    counts = np.zeros(len(EMOTIONS))
    for speaker, by_emotion in clips.items():
        neutral = clip_statistic(by_emotion["neutral"], config.closed_mouth_quantile)
        for emotion, path in by_emotion.items():
            stat = clip_statistic(path, config.closed_mouth_quantile)
            e = EMOTIONS.index(emotion)
            for key in sums:
                sums[key][e] += getattr(stat, key) - getattr(neutral, key)
            counts[e] += 1
    denominators = np.maximum(counts, 1)
    means = {key: value / denominators.reshape(-1, *[1] * (value.ndim - 1)) for key, value in sums.items()}
    means["points68"][:, JAW, 1] *= config.jaw_vertical_damping
    return EmotionExpressions(**{k: v.astype(np.float32) for k, v in means.items()}), sorted(clips)


REGIONS = {
    "brows": BROWS,
    "inner_brows": [21, 22],
    "outer_brows": [17, 26],
    "mouth_corners": [48, 54],
    "lower_lip": slice(55, 60),
    "jaw": JAW,
}


def region_report(expr: EmotionExpressions) -> dict[str, dict[str, float]]:
    """Per emotion: mean |displacement| and mean dy (negative = up) per region."""
    report: dict[str, dict[str, float]] = {}
    for e, name in enumerate(EMOTIONS):
        row = {}
        for region, index in REGIONS.items():
            d = expr.points68[e, index]
            row[f"{region}_mag"] = float(np.linalg.norm(d, axis=-1).mean())
            row[f"{region}_dy"] = float(d[..., 1].mean())
        row["upper_lids_dy"] = float(expr.upper_lids[e, ..., 1].mean())
        row["mouth_width"] = float(
            (expr.points68[e, 54, 0] - expr.points68[e, 48, 0])
        )
        report[name] = row
    return report


def _report_table(report: dict[str, dict[str, float]]) -> str:
    keys = ["brows_mag", "inner_brows_dy", "outer_brows_dy", "upper_lids_dy",
            "mouth_corners_dy", "mouth_width", "lower_lip_dy", "jaw_mag"]
    lines = ["| emotion | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, row in report.items():
        lines.append(f"| {name} | " + " | ".join(f"{row[k]:+.4f}" for k in keys) + " |")
    return "\n".join(lines)


def write_outputs(expr: EmotionExpressions, speakers: list[str], config: EmotionTrainConfig) -> Path:
    """Write emotion_displacements.json and MODEL_CARD.md into out_dir."""
    config.out_dir.mkdir(parents=True, exist_ok=True)
    path = config.out_dir / "emotion_displacements.json"
    data = {
        "emotions": list(EMOTIONS),
        "units": "normalized landmark space (jaw ends 0 and 16 are 2 apart), y down",
        "speakers": speakers,
        "points68": np.round(expr.points68, 5).tolist(),
        "upper_lids": np.round(expr.upper_lids, 5).tolist(),
        "lower_lids": np.round(expr.lower_lids, 5).tolist(),
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    card = config.out_dir / "MODEL_CARD.md"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    card.write_text(_model_card(region_report(expr), speakers, config, digest), encoding="utf-8")
    return path


def _model_card(report: dict[str, dict[str, float]], speakers: list[str], config: EmotionTrainConfig,
                digest: str) -> str:
    return f"""# Emotion expression displacements

Data: MEAD style clips in `{MEAD_DIR}` (speakers {', '.join(speakers)}; 7 emotions at
level 3 + each speaker's neutral clip), tracked by core.training.face_tracks (MediaPipe face
mesh → the engine's normalized space: 68 landmarks + eyelids).

Method: per speaker and emotion, median normalized face over closed-mouth frames
(lip gap below the {config.closed_mouth_quantile:.2f} quantile) minus the same for the neutral
clip; averaged over speakers; jaw y damped ×{config.jaw_vertical_damping}. Neutral is zero.

Command: `python -m core.training.train_emotion --data ../shared/data --out weights/emotion/`

Output: `emotion_displacements.json` sha256 `{digest}`

Per-region numbers (normalized units; dy < 0 means up; mouth_width = change of corner distance):

{_report_table(report)}

Limits: three speakers, one clip each; expressions are averaged across identities and
carry some residual head-pose and speech bias.
"""


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: fit and write the displacements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("weights/emotion"))
    args = parser.parse_args(argv)
    config = EmotionTrainConfig(args.data, args.out)
    expr, speakers = fit_displacements(config)
    path = write_outputs(expr, speakers, config)
    print(_report_table(region_report(expr)))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
