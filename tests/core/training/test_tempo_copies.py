"""Speed-perturbed training copies: a sound and the mouth that made it stay together."""

from __future__ import annotations

import numpy as np
import pytest

from core.audio.audio_io import Audio
from core.training.s2l_dataset import FEATURE_FPS, Clip
from core.training.tempo_copies import faster, retimed, retimed_labels, source_frames, tempo_copy

RATE = 16000


def _clicks_and_mouth(seconds: float = 4.0, every: int = 20):
    """Audio with a 40 ms tone burst at every ``every``-th frame, and a mouth that opens on each."""
    n = int(seconds * FEATURE_FPS)
    samples = np.zeros(int(seconds * RATE), np.float32)
    points = np.zeros((n, 68, 2), np.float32)
    for frame in range(every, n - every, every):
        centre = int((frame + 0.5) / FEATURE_FPS * RATE)
        t = np.arange(640) / RATE
        samples[centre - 320:centre + 320] = 0.5 * np.sin(2 * np.pi * 440 * t)
        points[frame, 66, 1] = 1.0  # the lower inner lip drops on the burst's frame
    return Audio(samples, RATE), points


@pytest.mark.parametrize("speed", [0.9, 1.1])
def test_faster_audio_is_one_over_speed_as_long(speed):
    assert len(faster(np.zeros(16000, np.float32), speed)) == pytest.approx(16000 / speed, abs=2)


def test_source_frames_map_the_copy_back_onto_the_clip():
    first, at = source_frames(start=10, length=100, speed=1.1)
    # Frame 10 of the faster audio hears what frame 1.1 * 10.5 - 0.5 = 11.05 heard (clip frame
    # 1.05); frame 9 would need frame 9.95, before the clip.
    assert first == 10 and at[0] == pytest.approx(1.05)
    assert at[-1] <= 99
    assert np.allclose(np.diff(at), 1.1)


def test_retimed_points_interpolate_between_frames():
    points = np.arange(4, dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    assert np.allclose(retimed(points, np.array([0.0, 1.5, 3.0]))[:, 0], [0.0, 1.5, 3.0])


@pytest.mark.parametrize("speed", [0.9, 1.1])
def test_the_copy_keeps_each_burst_on_its_open_mouth(speed):
    audio, points = _clicks_and_mouth()
    start = 5
    clip = Clip("c", "someone", np.zeros((len(points) - start, 40), np.float32), points[start:], np.zeros(8))
    copy = tempo_copy(clip, audio, start, speed)
    assert copy.name == f"c@{speed:g}x" and len(copy.mfcc) == len(copy.points)
    assert len(copy.mfcc) == pytest.approx(len(clip.mfcc) / speed, abs=2)
    loud = copy.mfcc[:, 0]
    opening = copy.points[:, 66, 1]
    bursts = np.flatnonzero(loud > loud.min() + 0.5 * np.ptp(loud))
    # Every loud frame is at most a frame from where the re-timed mouth is open.
    opened = np.flatnonzero(opening > 0.3)
    assert len(bursts) and all(np.abs(opened - b).min() <= 1 for b in bursts)


def test_one_hot_rows_are_retimed_to_the_nearest_frame_and_stay_one_hot():
    audio, points = _clicks_and_mouth()
    clip = Clip("c", "someone", np.zeros((len(points), 40), np.float32), points, np.zeros(8))
    copy = tempo_copy(clip, audio, 0, 0.9)
    labels = np.eye(3, dtype=np.float32)[np.arange(len(points)) % 3]
    rows = retimed_labels(labels, 0, clip, copy, 0.9)
    assert rows.shape == (len(copy.mfcc), 3) and np.all(rows.sum(1) == 1)


def test_copies_are_told_from_their_clips_by_name():
    from core.training.tempo_copies import is_tempo_copy

    audio, points = _clicks_and_mouth()
    clip = Clip("id2_vcd_swwp2s", "someone", np.zeros((len(points), 40), np.float32), points, np.zeros(8))
    assert not is_tempo_copy(clip) and is_tempo_copy(tempo_copy(clip, audio, 0, 1.1))
