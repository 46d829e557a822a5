"""Composing a long clip a block of frames at a time gives the frames of one pass (issue 16)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import core.pipeline as pipeline
from core.animation.compose import compose
from core.animation.composer import to_motion_frames
from core.animation.keyframes import Key
from core.audio.audio_io import Audio
from core.pipeline import GenerationOptions, SpeechMotion, compose_motion, default_tracks
from core.portrait_setup import prepare_portrait
from core.emotion_spec import EmotionSpan

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


def test_blocks_compose_the_frames_of_one_pass(monkeypatch):
    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    fps, frames = 25.0, 130
    rng = np.random.default_rng(5)
    base = (setup.rest.points68[None, :, :2] + rng.normal(0, 0.01, (frames, 68, 2))).astype(np.float32)
    speech = SpeechMotion(Audio(np.zeros(int(frames / fps * 16000), np.float32)), fps, np.zeros((frames, 40)), base)
    options = GenerationOptions(fps=fps, blinks_per_minute=60, emotions=(EmotionSpan("happy", 0.8, 1.0, 3.0),))
    tracks = default_tracks(options, frames / fps)
    tracks.gaze.curves["left_x"].add(Key(2.5, 0.6))
    base_pose = np.tile(np.array([5.0, -2.0, 1.0, 0.0, 0.0, 0.0, 1.0]), (frames, 1))
    base_pose[:, 0] += np.linspace(0, 10, frames)
    whole = compose(base, setup.rest, tracks, pipeline.emotion_displacements(), base_pose, fps)
    monkeypatch.setattr(pipeline, "COMPOSE_FRAMES", 17)
    reports: list[tuple[int, int]] = []
    composed, motion = compose_motion(setup, speech, tracks, base_pose, lambda d, t: reports.append((d, t)))
    assert [d for d, _t in reports] == [17 * i for i in range(1, 8)] + [frames]
    assert np.abs(whole.rig[60:80] - whole.rig[0]).max() > 1e-3, "the tracks should move the face"
    np.testing.assert_allclose(composed.rig, whole.rig, atol=1e-6)
    np.testing.assert_allclose(composed.pose, whole.pose, atol=1e-5)
    np.testing.assert_allclose(composed.mouth_open, whole.mouth_open, atol=1e-6)
    np.testing.assert_allclose(motion.rig, to_motion_frames(whole, setup.rest.rig_z).rig, atol=1e-3)
    assert motion.rig.dtype == np.float32 and composed.rig.dtype == np.float32
