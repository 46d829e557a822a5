import numpy as np
import pytest

from core.animation.keyframes import Curve, Key


def test_empty_curve_returns_default() -> None:
    assert Curve(default=0.3).evaluate(5.0) == pytest.approx(0.3)


def test_linear_interpolation_and_holds_outside_keys() -> None:
    curve = Curve([Key(2.0, 1.0), Key(1.0, 0.0)])  # unsorted on purpose
    values = curve.evaluate_many(np.array([0.0, 1.0, 1.5, 2.0, 9.0]))
    np.testing.assert_allclose(values, [0.0, 0.0, 0.5, 1.0, 1.0])


def test_segment_easing_comes_from_its_start_key() -> None:
    curve = Curve([Key(0.0, 0.0, "step"), Key(1.0, 1.0, "linear"), Key(2.0, 0.0)])
    assert curve.evaluate(0.9) == 0.0  # step holds
    assert curve.evaluate(1.5) == pytest.approx(0.5)


def test_cache_is_invalidated_by_edits_and_events_fire() -> None:
    curve = Curve([Key(0.0, 0.0), Key(1.0, 1.0)])
    fired: list[Curve] = []
    curve.changed.connect(fired.append)
    times = np.linspace(0, 1, 5)
    before = curve.evaluate_many(times)
    curve.replace(1.0, Key(1.0, 2.0))
    after = curve.evaluate_many(times)
    np.testing.assert_allclose(after, before * 2)
    curve.move(1.0, 2.0)
    assert curve.evaluate(1.0) == pytest.approx(1.0)
    assert len(fired) == 2


def test_returned_array_is_not_the_cache() -> None:
    curve = Curve([Key(0.0, 0.0), Key(1.0, 1.0)])
    times = np.array([0.5])
    curve.evaluate_many(times)[0] = 99.0
    assert curve.evaluate_many(times)[0] == pytest.approx(0.5)


def test_keys_are_unique_by_time() -> None:
    curve = Curve([Key(1.0, 0.0)])
    with pytest.raises(ValueError, match="already"):
        curve.add(Key(1.0, 5.0))
    curve.add(Key(2.0, 1.0))
    with pytest.raises(ValueError):
        curve.move(2.0, 1.0)
    with pytest.raises(KeyError):
        curve.remove(3.0)
