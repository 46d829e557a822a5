import numpy as np

from core.evaluation.clip_source import RealTrack, resample_track


def test_resampling_25_to_30_fps_keeps_time_and_invalid_frames():
    t25 = np.arange(50) / 25.0
    # Each point holds its frame's start time; frame centres line up across rates.
    points = np.repeat(t25[:, None, None], 68, axis=1).repeat(3, axis=2)
    valid = np.ones(50, bool)
    valid[20] = False
    out = resample_track(RealTrack(points.astype(np.float32), valid, 25.0))
    assert out.fps == 30.0 and len(out.valid) == 60
    t30 = np.arange(60) / 30.0
    inside = (t30 > 0.05) & (t30 < 1.9)  # away from the clamped ends
    np.testing.assert_allclose(out.points[inside, 0, 0], t30[inside] - (1 / 25 - 1 / 30) / 2, atol=1e-5)
    lost = ~out.valid
    # Frames interpolated from the lost frame 20 (at most 3 at 30 fps) are lost too.
    assert 1 <= lost.sum() <= 3 and np.all(np.abs(t30[lost] - 20 / 25) < 2 / 25)
