import numpy as np

from core.motion.blink import DEFAULT_BLINK_DURATION, MIN_BLINK_GAP, closure_curve, poisson_blink_times


def test_poisson_rate_is_roughly_right_and_seeded() -> None:
    times = poisson_blink_times(20.0, 600.0, seed=3)
    assert 150 < len(times) < 230  # 200 expected over ten minutes
    np.testing.assert_array_equal(times, poisson_blink_times(20.0, 600.0, seed=3))
    assert not np.array_equal(times, poisson_blink_times(20.0, 600.0, seed=4))
    assert np.all(np.diff(times) >= MIN_BLINK_GAP) and times.max() < 600.0


def test_poisson_avoids_hand_placed_times() -> None:
    times = poisson_blink_times(60.0, 60.0, seed=1, avoid=[10.0, 20.0])
    assert np.all(np.abs(times[:, None] - np.array([10.0, 20.0])) >= MIN_BLINK_GAP)


def test_zero_rate_gives_no_blinks() -> None:
    assert poisson_blink_times(0.0, 60.0, seed=0).size == 0


def test_closure_shuts_at_the_middle_and_opens_again() -> None:
    times = np.array([0.99, 1.0, 1.0 + DEFAULT_BLINK_DURATION / 2, 1.0 + DEFAULT_BLINK_DURATION, 1.2])
    closure = closure_curve(np.array([1.0]), np.array([DEFAULT_BLINK_DURATION]), times)
    np.testing.assert_allclose(closure, [0, 0, 1, 0, 0], atol=1e-9)


def test_four_frame_blink_at_30fps_is_visible() -> None:
    frames = np.arange(60) / 30.0
    closure = closure_curve(np.array([1.0]), np.array([DEFAULT_BLINK_DURATION]), frames)
    assert closure.max() > 0.7 and np.count_nonzero(closure > 0.01) in (3, 4)
    assert closure_curve(np.zeros(0), np.zeros(0), frames).shape == (60,)
