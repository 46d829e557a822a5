"""Emotion fitting on the MEAD clips (skipped without the shared data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.motion.emotion_expression import EmotionExpressions
from core.training.train_emotion import find_mead_clips, region_report

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data not available")
def test_finds_three_speakers_with_neutral_and_seven_emotions() -> None:
    clips = find_mead_clips(DATA)
    assert sorted(clips) == ["M030", "W009", "W011"]
    assert all(len(by_emotion) == 8 for by_emotion in clips.values())


def test_region_report_of_shipped_weights() -> None:
    report = region_report(EmotionExpressions.load())
    assert report["surprised"]["brows_dy"] < report["angry"]["brows_dy"]
    assert report["happy"]["mouth_corners_dy"] < report["sad"]["mouth_corners_dy"]
    assert report["neutral"]["brows_mag"] == 0.0
