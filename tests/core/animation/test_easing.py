import numpy as np
import pytest

from core.animation.easing import EASINGS, get_easing


@pytest.mark.parametrize("name", [n for n in EASINGS if n != "step"])
def test_easings_are_continuous_monotone_and_hit_ends(name: str) -> None:
    u = np.linspace(0, 1, 101)
    eased = get_easing(name)(u)
    assert eased[0] == pytest.approx(0) and eased[-1] == pytest.approx(1)
    assert np.all(np.diff(eased) >= -1e-12)


def test_shapes_differ_as_named() -> None:
    half = 0.25
    assert get_easing("ease_in")(half) < half < get_easing("ease_out")(half)
    assert get_easing("ease_in_out")(0.5) == pytest.approx(0.5)
    assert get_easing("constant")(0.99) == 0.0 and get_easing("step")(1.0) == 1.0


def test_unknown_easing_names_choices() -> None:
    with pytest.raises(ValueError, match="linear"):
        get_easing("bouncy")
