"""Learn per-emotion expression displacements from MEAD and CREMA-D clips.

For each actor with a neutral clip and emotion clips at full intensity (MEAD style
clips ``<speaker>_front_<emotion>_level3_*.mp4``, plus the emotional talking clips of
``TALKING_PATTERNS``), the displacement of an emotion is the median normalized face
over the clip's frames minus the same statistic of the actor's neutral clip. The
mean over actors is smaller than any one actor's displacement (they differ), so each
region is scaled back to the actors' mean size; the inner-lip pairs move together so
an emotion never parts or presses the lips (speech owns the gap), and the jaw's
vertical residue is damped. core.training.emotion_reach measures the result against
the real faces (in sample and leaving one actor out) for the model card.

    python -m core.training.train_emotion --data ../shared/data --out weights/emotion/
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.landmarks.face_landmarks import BROWS, JAW
from core.motion.emotion_expression import EMOTION_ALIASES, EMOTIONS, EmotionExpressions
from core.motion.pose_from_video import load_track
from core.training.emotion_reach import REACH_REGIONS

CLIP_PATTERN = re.compile(r"(?P<speaker>[MW]\d{3})_front_(?P<emotion>[a-z]+)_level(?P<level>\d)_\d+\.mp4$")
MEAD_DIR = "faces_silent/ali-vilab__dreamtalk"
# Talking clips with an emotion label (full intensity only: MEAD level 3, CREMA-D "XX"),
# as (folder, pattern); a clip counts only when its actor also has a neutral clip.
TALKING_PATTERNS = (
    ("talking/Strong-AI-Lab__emotion",
     re.compile(r"cremad_(?P<speaker>\d{4})_[A-Z]+_(?P<emotion>[A-Z]{3})_XX\.mp4$")),
    ("talking/filby89__spectre", re.compile(r"MEAD_(?P<speaker>[MW]\d{3})_level_3_(?P<emotion>[a-z]+)_\d+\.mp4$")),
    ("talking/jixinya__EAMM", re.compile(r"crop_(?P<speaker>[MW]\d{3})_(?P<emotion>[a-z]+)_3_\d+\.mp4$")),
)
CREMA_EMOTIONS = {"ANG": "angry", "DIS": "disgust", "FEA": "fear", "HAP": "happy", "NEU": "neutral", "SAD": "sad"}


@dataclass(frozen=True)
class EmotionTrainConfig:
    """Inputs and robustness knobs of the emotion fit."""

    data_dir: Path
    out_dir: Path
    closed_mouth_quantile: float = 1.0  # frames whose lip gap is below this quantile (1: all)
    jaw_vertical_damping: float = 0.5  # jaw y moves with speech more than with emotion
    # Averaging actors who differ shrinks the mean displacement below any one actor's;
    # each region is scaled back to the actors' mean size, by at most this factor.
    max_region_gain: float = 3.0


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


def find_emotion_clips(data_dir: Path) -> dict[str, dict[str, list[Path]]]:
    """actor → emotion → clips: the MEAD style clips plus the emotional talking clips
    (CREMA-D, MEAD level 3, EAMM) of every actor who has a neutral clip."""
    clips: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    for speaker, by_emotion in find_mead_clips(data_dir).items():
        for emotion, path in by_emotion.items():
            clips[speaker][emotion].append(path)
    for folder, pattern in TALKING_PATTERNS:
        for path in sorted((data_dir / folder).glob("*.mp4")):
            match = pattern.search(path.name)
            if match is None:
                continue
            raw = match["emotion"]
            emotion = CREMA_EMOTIONS.get(raw, EMOTION_ALIASES.get(raw, raw))
            if emotion in EMOTIONS:
                clips[match["speaker"]][emotion].append(path)
    return {s: dict(e) for s, e in sorted(clips.items()) if "neutral" in e and len(e) > 1}


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


def _mean_statistic(paths: list[Path], quantile: float) -> FaceStatistic:
    stats = [clip_statistic(p, quantile) for p in paths]
    return FaceStatistic(*(np.mean([getattr(s, k) for s in stats], axis=0)
                           for k in ("points68", "upper_lids", "lower_lids")))


def actor_deltas(config: EmotionTrainConfig) -> dict[str, dict[str, FaceStatistic]]:
    """actor → emotion → (emotion statistic − neutral statistic), neutral left out."""
    clips = find_emotion_clips(config.data_dir)
    if not clips:
        raise FileNotFoundError(f"No MEAD clips with a neutral reference under {config.data_dir / MEAD_DIR}")
    deltas: dict[str, dict[str, FaceStatistic]] = {}
    for actor, by_emotion in clips.items():
        neutral = _mean_statistic(by_emotion["neutral"], config.closed_mouth_quantile)
        deltas[actor] = {}
        for emotion, paths in by_emotion.items():
            if emotion != "neutral":
                stat = _mean_statistic(paths, config.closed_mouth_quantile)
                deltas[actor][emotion] = FaceStatistic(*(getattr(stat, k) - getattr(neutral, k)
                                                         for k in ("points68", "upper_lids", "lower_lids")))
    return deltas


def held_out_reach(deltas: dict[str, dict[str, FaceStatistic]], real: dict[str, dict[str, np.ndarray]],
                   face: np.ndarray, config: EmotionTrainConfig) -> dict[str, tuple[int, float, float]]:
    """Leave one actor out: fit on the others, measure on the one left out. emotion →
    (actors, mean ours / real, mean cosine) — the reach a new face can expect, without
    the in-sample help of having been fitted to that very actor."""
    from core.training.emotion_reach import emotion_reach

    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for actor in deltas:
        expr = displacements_from({a: d for a, d in deltas.items() if a != actor}, config)
        for row in emotion_reach(expr, {actor: real[actor]}, face):
            found[row.emotion].append((row.ratio, row.cosine))
    return {e: (len(v), float(np.mean([r for r, _ in v])), float(np.mean([c for _, c in v])))
            for e, v in found.items()}


def held_out_table(rows: dict[str, tuple[int, float, float]]) -> str:
    lines = ["| emotion | actors left out | ours / real | cosine |", "|---|---|---|---|"]
    lines += [f"| {e} | {n} | {ratio:.0%} | {cos:.2f} |" for e, (n, ratio, cos) in rows.items()]
    return "\n".join(lines)


# Point groups scaled as one when the actors' mean is brought back to their size (the
# lids go with the eyes): the ones the reach is reported on. The mouth outside its
# corners is left for speech to move.
GAIN_REGIONS = REACH_REGIONS


def _region_gain(deltas: list[np.ndarray], index: np.ndarray, max_gain: float) -> float:
    """Mean size of the actors' displacements over that of their mean (≥ 1, capped)."""
    mean_size = np.linalg.norm(np.mean(deltas, axis=0)[index], axis=-1).mean()
    actor_size = np.mean([np.linalg.norm(d[index], axis=-1).mean() for d in deltas])
    return float(np.clip(actor_size / max(mean_size, 1e-9), 1.0, max_gain))


def keep_inner_lip_gap(points68: np.ndarray) -> np.ndarray:
    """8×68×2 offsets with each inner-lip pair (61–67, 62–66, 63–65) moved by their mean
    vertical offset: an emotion may lift or lower the lips, never part or press them
    (that is speech's job, and the lip-sync scores read the gap)."""
    out = points68.copy()
    for upper, lower in ((61, 67), (62, 66), (63, 65)):
        mean_dy = (out[:, upper, 1] + out[:, lower, 1]) / 2
        out[:, upper, 1] = out[:, lower, 1] = mean_dy
    return out


def fit_displacements(config: EmotionTrainConfig) -> tuple[EmotionExpressions, list[str]]:
    """Mean over actors of (emotion statistic − neutral statistic), each region scaled back
    to the actors' own mean size, inner-lip gap kept, jaw y damped."""
    deltas = actor_deltas(config)
    return displacements_from(deltas, config), sorted(deltas)


def displacements_from(deltas: dict[str, dict[str, FaceStatistic]], config: EmotionTrainConfig) -> EmotionExpressions:
    """The fit of ``fit_displacements`` on given actors' deltas (also used leaving one out)."""
    means = {key: np.zeros(shape, np.float32) for key, shape in
             (("points68", (8, 68, 2)), ("upper_lids", (8, 2, 7, 2)), ("lower_lids", (8, 2, 7, 2)))}
    for e, emotion in enumerate(EMOTIONS):
        found = [d[emotion] for d in deltas.values() if emotion in d]
        if not found:
            continue
        for key in means:
            means[key][e] = np.mean([getattr(f, key) for f in found], axis=0)
        for region, index in GAIN_REGIONS.items():
            gain = _region_gain([f.points68 for f in found], index, config.max_region_gain)
            means["points68"][e, index] *= gain
            if region == "eyes":
                means["upper_lids"][e] *= gain
                means["lower_lids"][e] *= gain
    means["points68"][:, JAW, 1] *= config.jaw_vertical_damping
    means["points68"] = keep_inner_lip_gap(means["points68"])
    return EmotionExpressions(**{k: v.astype(np.float32) for k, v in means.items()})


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


@dataclass(frozen=True)
class ReachReport:
    """The emotion measurements that go into the model card."""

    in_sample: str  # reach_table of the fit against every actor it saw
    held_out: str  # held_out_table (leave one actor out)
    shipped_before: str  # reach_table of the displacements that were in out_dir before


def measure_reach(expr: EmotionExpressions, deltas: dict[str, dict[str, FaceStatistic]],
                  config: EmotionTrainConfig) -> ReachReport:
    """Real vs our displacement (core.training.emotion_reach), in sample, leaving one actor
    out, and for the displacements this run replaces."""
    from core.training.emotion_reach import emotion_reach, median_face, reach_table, real_deltas

    clips = find_emotion_clips(config.data_dir)
    real = real_deltas(clips)
    face = median_face(clips[sorted(clips)[-1]]["neutral"][0])
    previous = config.out_dir / "emotion_displacements.json"
    before = reach_table(emotion_reach(EmotionExpressions.load(previous), real, face)) if previous.is_file() else "—"
    return ReachReport(reach_table(emotion_reach(expr, real, face)),
                       held_out_table(held_out_reach(deltas, real, face, config)), before)


def write_outputs(expr: EmotionExpressions, speakers: list[str], config: EmotionTrainConfig,
                  reach: ReachReport | None = None) -> Path:
    """Write emotion_displacements.json (+ .sha256 sidecar) and MODEL_CARD.md into out_dir, atomically."""
    from core.export.atomic_output import atomic_file
    from core.weights_file import write_sha256_sidecar

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
    with atomic_file(path) as temp:
        temp.write_text(json.dumps(data), encoding="utf-8")
    digest = write_sha256_sidecar(path)
    with atomic_file(config.out_dir / "MODEL_CARD.md") as temp:
        temp.write_text(_model_card(region_report(expr), speakers, config, digest, reach), encoding="utf-8")
    return path


def _model_card(report: dict[str, dict[str, float]], speakers: list[str], config: EmotionTrainConfig,
                digest: str, reach: ReachReport | None) -> str:
    measured = "" if reach is None else f"""
## Reach: our displacement against real faces

Real = for each actor, the median normalized face over every frame of the emotion clip minus
that of the actor's neutral clip; ours = the offset the product adds at intensity 1, masked to
the points the composer lets emotions move (core.animation.compose.EMOTION_POINTS: brows,
eyes, mouth corners). Size = mean point distance over those points (normalized units, the face
is 2 wide); cosine = direction agreement with the actors' mean. Inner-lip gap change: how much
the offset opens (+) or closes (−) the mouth, as a fraction of mouth width (lip sync must hold).
Measured by core.training.emotion_reach.

In sample (every actor the fit saw):

{reach.in_sample}

Leaving one actor out (fit on the others, measured on the one left out):

{reach.held_out}

The displacements this fit replaced, measured the same way:

{reach.shipped_before}
"""
    return f"""# Emotion expression displacements

Data (actors with a neutral clip: {', '.join(speakers)}), tracked by core.training.face_tracks
(MediaPipe face mesh → the engine's normalized space: 68 landmarks + eyelids):
- MEAD style clips in `{MEAD_DIR}` (M030, W009, W011; 7 emotions at level 3 + neutral;
  repository MIT, the MEAD clips under the MEAD terms: research use);
- emotional talking clips in `talking/`: CREMA-D actor 1001 (`Strong-AI-Lab__emotion`, 5 emotions +
  neutral; repository MIT, CREMA-D data ODbL 1.0 / DbCL 1.0: commercial use allowed with
  attribution, the database share-alike), MEAD level-3 clips of M030 (`filby89__spectre` angry:
  repository CC-BY-NC-SA-4.0 + MEAD terms, non-commercial; `jixinya__EAMM` sad: MIT + MEAD
  terms). MEAD level 1–2 clips and actors without a neutral clip are not used.
- For a commercial user: these displacements are derived from MEAD (research terms) and one
  CC-BY-NC-SA clip; only the CREMA-D actor is commercially clean, and one actor is too few
  for a fit (a CREMA-D-only recipe with more actors is the way to a permissive file).

Method: per actor and emotion, median normalized face over the clip's frames (lip-gap
quantile {config.closed_mouth_quantile:.2f}; 1 = all frames) minus the same for the actor's
neutral clip (several clips of one emotion are averaged); the mean over actors, with each region
(brows; eyes and lids; mouth corners) scaled back to the actors' mean displacement size (averaging
actors who differ shrinks the mean; gain capped at ×{config.max_region_gain:g}); inner-lip pairs
moved together so an emotion never opens the mouth; jaw y damped ×{config.jaw_vertical_damping}.
Neutral is zero.

Command: `space-studio train emotion --data ../shared/data --out weights/emotion/`
(= `python -m core.training.train_emotion ...`; seconds on a CPU once the face tracks are cached).

Output: `emotion_displacements.json` sha256 `{digest}` (also in `emotion_displacements.json.sha256`)

Per-region numbers (normalized units; dy < 0 means up; mouth_width = change of corner distance):

{_report_table(report)}
{measured}
Contact sheet: `emotions_sheet.png`, the bundled sample portrait at intensity 1 of each emotion
(`space-studio render --image resources/sample/portrait.png --audio SILENCE.wav --emotion NAME=1
--blinks-per-minute 0 --renderer warp --out DIR --format png`, middle frame of each).

Limits: four actors (one of them CREMA-D, whose level of expression is lower); expressions are
averaged across identities and carry some residual head-pose and speech bias. The tracker's
landmarks move less than the skin does (brows, cheeks), so "real" here is the landmark
displacement a tracker sees, not the full visual change.
"""


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: fit, measure and write the displacements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("weights/emotion"))
    args = parser.parse_args(argv)
    config = EmotionTrainConfig(args.data, args.out)
    deltas = actor_deltas(config)
    expr = displacements_from(deltas, config)
    reach = measure_reach(expr, deltas, config)
    path = write_outputs(expr, sorted(deltas), config, reach)
    print(_report_table(region_report(expr)))
    print(reach.in_sample)
    print(reach.held_out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
