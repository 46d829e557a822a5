"""The cross-validation's shared pool: each fold model sees only its own share of other people."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.audio.features import FeatureStats
from core.evaluation.crossval import SPEAKERS, clip_key, speaker_folds, speaker_of
from core.training import s2l_dataset as ds
from core.training.crossval_curve import curve, offset_clips, write_summaries
from core.training.crossval_pool import ClipPool, chosen_clips, fold_split, source_name, training_minutes
from core.training.train_s2l import Split

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def _clip(name: str, speaker: str, frames: int, level: float) -> ds.Clip:
    return ds.Clip(name, speaker, np.full((frames, 40), level, np.float32),
                   np.zeros((frames, 68, 2), np.float32), np.eye(8, dtype=np.float32)[0])


def _pool() -> ClipPool:
    """Three people; every original has a tempo copy; features of person p are all p."""
    originals = [_clip("a1", "a", 300, 1.0), _clip("a2", "a", 100, 1.0), _clip("b1", "b", 200, 2.0),
                 _clip("c1", "c", 60, 3.0)]
    copies = [_clip(f"{c.name}@1.1x", c.speaker, len(c.mfcc) - 10, float(c.mfcc[0, 0])) for c in originals]
    train = originals + copies
    per_clip = {c.name: [c.mfcc, c.mfcc + 0.5] for c in train}
    phones = {c.name: [np.zeros((len(c.mfcc), 40), np.float32)] * 2 for c in train}
    teacher = {c.name: np.zeros((len(c.mfcc), 40), np.float32) for c in train}
    refs = {c.name: np.zeros((68, 2), np.float32) for c in train}
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    training = Split(train, [], per_clip, stats, refs, phones, teacher, {})
    recorded = [_clip(c.name, c.speaker, len(c.mfcc) + 5, 0.0) for c in originals]
    held_out = Split([], recorded, {}, stats, {c.name: np.ones((68, 2), np.float32) for c in recorded},
                     {c.name: [np.ones((len(c.mfcc), 40), np.float32)] for c in recorded}, {}, {})
    return ClipPool(training, held_out)


def test_a_fold_trains_on_everyone_else_with_their_tempo_copies_and_scores_only_its_people():
    split = fold_split(_pool(), ("b",))
    assert {c.speaker for c in split.train} == {"a", "c"}
    assert sorted(c.name for c in split.train) == ["a1", "a1@1.1x", "a2", "a2@1.1x", "c1", "c1@1.1x"]
    assert [c.name for c in split.val] == ["b1"] and len(split.val[0].mfcc) == 205  # as recorded
    assert set(split.variants) == {c.name for c in split.train}
    assert set(split.phones) == {c.name for c in split.train} | {"b1"}
    assert len(split.phones["b1"]) == 1 and split.references["b1"][0, 0] == 1.0
    # Statistics refitted on what this fold hears: people a (1, 1.5) and c (3, 3.5) only.
    a_frames, c_frames = (300 + 290 + 100 + 90) * 2, (60 + 50) * 2
    expected = (a_frames / 2 * (1.0 + 1.5) + c_frames / 2 * (3.0 + 3.5)) / (a_frames + c_frames)
    assert split.stats.mean[0] == pytest.approx(expected, rel=1e-5)
    assert training_minutes(split) == pytest.approx((300 + 100 + 60) / 30 / 60)


def test_a_share_of_the_training_video_keeps_whole_clips_with_their_copies():
    pool = _pool()
    half = fold_split(pool, ("b",), fraction=0.5, seed=3)
    kept = {source_name(c) for c in half.train}
    assert all(f"{name}@1.1x" in {c.name for c in half.train} for name in kept)
    originals = [c for c in pool.training.train if "@" not in c.name and c.speaker != "b"]
    again = chosen_clips(originals, 0.5, 3)
    assert {c.name for c in again} == kept  # seeded: the same share every time
    frames = sum(len(c.mfcc) for c in again)
    assert frames >= 0.5 * 460 > frames - len(again[-1].mfcc)  # just enough clips, in a seeded order
    assert {c.name for c in chosen_clips(originals, 0.3, 0)} != {c.name for c in originals}
    assert chosen_clips(originals, 0.01, 0)  # never empty
    assert chosen_clips(originals, 1.0, 0) == originals


def test_clips_of_one_person_are_one_speaker_in_every_fold():
    assert speaker_of("Strong-AI-Lab__emotion/cremad_1001_DFA_ANG_XX.mp4") == \
        speaker_of("Strong-AI-Lab__emotion/cremad_1001_DFA_SAD_XX.mp4")
    assert speaker_of("filby89__spectre/MEAD_M030_level_3_angry_016.mp4") == \
        speaker_of("jixinya__EAMM/crop_M030_sad_3_001.mp4")
    assert speaker_of("FuxiVirtualHuman__styletalk/andrew_clip_1.mp4") != \
        speaker_of("FuxiVirtualHuman__styletalk/feifeili_clip1.mp4")
    for fold in speaker_folds(4):
        assert not {speaker_of(p) for p in fold.train} & {speaker_of(p) for p in fold.test}


@pytest.mark.skipif(not (DATA / "talking").is_dir(), reason="../shared/data is not present")
def test_every_talking_clip_of_the_data_set_has_a_person():
    videos = ds.talking_videos(DATA)
    assert videos and all(clip_key(v) in SPEAKERS for v in videos)


def _run(folder: Path, rows: dict[str, dict[str, tuple[float, int]]], minutes: dict[int, float]) -> None:
    """A crossval.json as evaluate --json writes it: method → clip → (r0, best lag)."""
    methods = {m: {"means": {}, "clips": [{"clip": c, "r0": r, "best_r": r + 0.1, "best_lag": lag}
                                          for c, (r, lag) in per.items()]} for m, per in rows.items()}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crossval.json").write_text(json.dumps({"clips_scored": 2, "skipped": [], "methods": methods}))
    (folder / "training_minutes.json").write_text(json.dumps(minutes))


def test_curve_averages_each_share_over_the_same_clips_and_offsets_need_every_method(tmp_path):
    full = {"ours": {"x": (0.6, 5), "y": (0.4, 0), "z": (0.2, 3)},
            "phone visemes": {"x": (0.3, 4), "y": (0.3, 1), "z": (0.1, -3)},
            "energy jaw": {"x": (0.2, 6), "y": (0.2, 0), "z": (0.1, 3)}}
    _run(tmp_path, full, {0: 4.0, 1: 5.0, 2: 9.0, 3: 9.0})
    _run(tmp_path / "fraction_0.5", {m: {c: v for c, v in per.items() if c != "z"} for m, per in full.items()},
         {0: 2.0, 1: 2.5})
    points = curve(tmp_path)
    assert [p.fraction for p in points] == [0.5, 1.0]
    assert [p.minutes for p in points] == [2.25, 4.5]  # the full run's minutes of folds 0 and 1 only
    assert points[1].r0 == pytest.approx(0.5) and points[1].clips == 2  # z is not in the half run
    assert [clip for clip, _ in offset_clips(json.loads((tmp_path / "crossval.json").read_text()))] == ["x"]
    write_summaries(tmp_path)
    assert "| 50% | 2 | 2.25 | 2 |" in (tmp_path / "learning_curve.md").read_text()
    assert "| x | 6 | 4 | 5 |" in (tmp_path / "av_offsets.md").read_text()
