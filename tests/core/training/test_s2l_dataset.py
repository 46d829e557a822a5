"""S2L training data: speaker split, emotion labels, resampling, real clip when data exists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.training import s2l_dataset as ds

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def test_speakers_are_people_not_clips():
    same_man = [Path("talking/rizkiarm__LipNet/id2_vcd_swwp2s.mpg"), Path("talking/rizkiarm__LipNet/pwij3p.mpg")]
    assert ds.speaker_of(same_man[0]) == ds.speaker_of(same_man[1])
    assert ds.speaker_of(Path("talking/rizkiarm__LipNet/bbaf2n.mpg")) != ds.speaker_of(
        Path("talking/rizkiarm__LipNet/lwbsza.mpg"))
    assert ds.speaker_of(Path("talking/jixinya__EAMM/crop_M030_sad_3_001.mp4")) == "mead_M030"
    assert ds.speaker_of(Path("talking/yerfor__MimicTalk/German_20s.mp4")) in ds.VALIDATION_SPEAKERS


def test_emotion_from_name():
    sad = ds.emotion_of(Path("crop_M030_sad_3_001.mp4"))
    assert ds.EMOTIONS[int(sad.argmax())] == "sad" and sad.sum() == 1
    assert ds.EMOTIONS[int(ds.emotion_of(Path("W009_front_disgusted_level3.mp4")).argmax())] == "disgust"
    assert ds.EMOTIONS[int(ds.emotion_of(Path("uncrop_Obama.mp4")).argmax())] == "neutral"


def test_resample_25_to_30_fps_keeps_duration_and_motion():
    t = np.arange(50, dtype=np.float32) / 25.0  # 2 s at 25 fps
    points = np.zeros((50, 68, 3), np.float32)
    points[:, 66, 1] = t
    track = ds._resample(points, np.ones(50, bool), np.zeros((50, 3), np.float32), 25.0)
    assert len(track.points68) == 60
    centre = (np.arange(60) + 0.5) / 30.0 - 0.5 / 25.0
    np.testing.assert_allclose(track.points68[5:-5, 66, 1], centre[5:-5], atol=1e-5)


def test_longest_run():
    assert ds._longest_run(np.array([1, 0, 1, 1, 1, 0, 1, 1], bool)) == (2, 5)


@pytest.mark.skipif(not (DATA / "talking").is_dir(), reason="../shared/data absent")
def test_real_clip_is_aligned_and_normalized(tmp_path):
    clip = ds.build_clip(DATA / "talking/rizkiarm__LipNet/bbaf2n.mpg", tmp_path)
    assert clip is not None and len(clip.mfcc) == len(clip.points) >= 80
    jaw = np.linalg.norm(clip.points[:, 16] - clip.points[:, 0], axis=1)
    np.testing.assert_allclose(jaw, 2.0, atol=0.1)  # jaw ends 2 apart


def _talking_track(openness: np.ndarray) -> ds.Track:
    """A face whose inner lips part by ``openness`` × mouth width in each frame."""
    n = len(openness)
    points = np.zeros((n, 68, 3), np.float32)
    points[:, 54, 0] = 1.0  # mouth width 1
    points[:, 66, 1] = openness
    return ds.Track(points, np.ones(n, bool), np.zeros((n, 3), np.float32))


def _syllables(n: int, seed: int = 0) -> np.ndarray:
    """Irregular syllable-like openness: bumps at random 4–12 frame spacings."""
    rng = np.random.default_rng(seed)
    out, t = np.zeros(n), 0
    while t < n:
        out[t: t + 4] += rng.uniform(0.2, 0.6)
        t += int(rng.integers(4, 13))
    return out


@pytest.mark.parametrize("lag", [7, -3])
def test_av_offset_finds_late_or_early_sound_on_long_clips(lag):
    openness = _syllables(400)
    cue = np.roll(openness, lag) + 0.05 * np.random.default_rng(1).normal(size=400)  # sound of t at t + lag
    track = _talking_track(openness)
    assert ds.av_offset(cue, track) == lag
    synced_cue, synced_track = ds._synced(cue, track, lag)
    n = min(len(synced_cue), len(synced_track.valid))
    assert ds.sync_score(synced_cue[:n], synced_track.points68[:n]) > 0.9


def test_av_offset_leaves_synced_and_short_clips_alone():
    openness = _syllables(400)
    assert ds.av_offset(openness.copy(), _talking_track(openness)) == 0
    late = np.roll(openness, 6)[:90]
    assert ds.av_offset(late, _talking_track(openness[:90])) == 0  # 3 s: too short to trust


@pytest.mark.skipif(not (DATA / "talking").is_dir(), reason="../shared/data absent")
def test_a_measured_offset_realigns_a_clip_too_short_for_av_offset():
    video = DATA / "talking/rizkiarm__LipNet/bbaf2n.mpg"  # 3 s: av_offset leaves it alone
    plain = ds.build_clip(video, None)
    late = ds.build_clip(video, None, offsets={"rizkiarm__LipNet/bbaf2n.mpg": 3})
    assert plain is not None and late is not None
    np.testing.assert_array_equal(late.mfcc[0], plain.mfcc[3])  # the face of frame t hears frame t + 3
    np.testing.assert_array_equal(late.points[0], plain.points[0])
    assert len(late.mfcc) == len(plain.mfcc) - 3
    from core.evaluation.crossval import SPEAKERS

    assert set(ds.MEASURED_OFFSETS) <= set(SPEAKERS)  # keys of real clips
