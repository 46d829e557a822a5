"""Backgrounds behind transparent portraits: parsing, premultiplied flattening."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import ImageError
from core.render.background import DEFAULT_BACKGROUND, Background, flatten, parse_background, premultiplied


@pytest.mark.parametrize(("text", "colour"), [
    ("#ff8000", (255, 128, 0)), ("FF8000", (255, 128, 0)), ("10, 20,30", (10, 20, 30)), ("Green", (0, 177, 64)),
])
def test_colours_are_read_in_the_usual_spellings(text, colour):
    assert parse_background(text).colour == colour


def test_the_default_is_neutral_grey():
    assert Background().colour == DEFAULT_BACKGROUND == (128, 128, 128)


def test_an_image_background_covers_the_frame(tmp_path):
    image = np.zeros((100, 300, 3), np.uint8)
    image[:, 100:200] = (0, 0, 255)  # a red middle third (BGR)
    path = tmp_path / "bg.png"
    cv2.imwrite(str(path), image)
    plate = parse_background(str(path)).plate((64, 64))
    assert plate.shape == (64, 64, 3)
    assert (plate[:, 20:44] == (255, 0, 0)).all()  # centre-cropped: the red third fills the middle


def test_a_bad_background_names_what_is_expected(tmp_path):
    with pytest.raises(ImageError, match="neither a colour"):
        parse_background(str(tmp_path / "missing.png"))
    with pytest.raises(ImageError):
        parse_background("300,0,0")


def test_premultiplied_flatten_is_the_over_operator():
    rgba = np.array([[[200, 100, 50, 255], [200, 100, 50, 128], [255, 255, 255, 0]]], np.uint8)
    out = flatten(premultiplied(rgba), Background((0, 0, 100)).plate((3, 1)))
    assert out[0, 0].tolist() == [200, 100, 50]
    assert np.abs(out[0, 1].astype(int) - [100, 50, 75]).max() <= 1
    assert out[0, 2].tolist() == [0, 0, 100]  # white under alpha 0 never shows
