import numpy as np

from tests.core.animation.drawn_face import draw_face

from core.motion.gaze import apply_gaze


def _inputs(offset: tuple[float, float]):  # type: ignore[no-untyped-def]
    face = draw_face()
    points = face.points68[None, :, :2]
    return (
        face.iris[None],
        np.array([[offset, offset]]),
        face.iris_radius,
        points,
        face.upper_lids[None],
        face.lower_lids[None],
    )


def test_small_offset_moves_by_iris_radii() -> None:
    iris = apply_gaze(*_inputs((1.0, 0.0)))
    np.testing.assert_allclose(iris[0, :, 0], [-0.4 + 0.05, 0.4 + 0.05])
    np.testing.assert_allclose(iris[0, :, 1], [-0.3, -0.3])


def test_large_offsets_keep_the_iris_inside_the_eye() -> None:
    face = draw_face()
    iris = apply_gaze(*_inputs((50.0, -50.0)))
    for eye, (a, b) in enumerate([(36, 39), (42, 45)]):
        x, y = iris[0, eye]
        assert face.points68[a, 0] + 0.05 - 1e-9 <= x <= face.points68[b, 0] - 0.05 + 1e-9
        top = np.interp(x, face.upper_lids[eye, :, 0], face.upper_lids[eye, :, 1])
        assert y >= top - 1e-9
