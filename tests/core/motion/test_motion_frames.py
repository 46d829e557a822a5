import numpy as np
import pytest

from core.motion.motion_frames import MotionFrames


def test_views_match_the_rig_layout() -> None:
    rig = np.arange(5 * 98 * 2, dtype=np.float32).reshape(5, 98, 2)
    frames = MotionFrames(25.0, rig, np.zeros((5, 6)), np.zeros(5))
    assert len(frames) == 5 and frames.duration == pytest.approx(0.2)
    np.testing.assert_array_equal(frames.landmarks68, rig[:, :68])
    np.testing.assert_array_equal(frames.upper_lids[:, 0, 0], rig[:, 68])
    np.testing.assert_array_equal(frames.lower_lids[:, 1, 6], rig[:, 95])
    np.testing.assert_array_equal(frames.iris, rig[:, 96:])


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="pose"):
        MotionFrames(30.0, np.zeros((2, 98, 2)), np.zeros((3, 6)), np.zeros(2))
    with pytest.raises(ValueError, match="rig"):
        MotionFrames(30.0, np.zeros((2, 68, 2)), np.zeros((2, 6)), np.zeros(2))
