"""PNG sequence export keeps alpha and appears only when complete."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import Cancelled
from core.export.png_sequence import export_png_sequence
from tests.drawn_face import draw_portrait


def test_rgba_frames_round_trip_with_alpha(tmp_path):
    image, _ = draw_portrait(96, transparent_background=True)
    frames = [image, np.roll(image, 3, axis=1)]
    folder = export_png_sequence(tmp_path / "frames", frames, total_frames=2)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["frame_00000.png", "frame_00001.png"]
    back = cv2.cvtColor(cv2.imread(str(folder / names[1]), cv2.IMREAD_UNCHANGED), cv2.COLOR_BGRA2RGBA)
    assert np.array_equal(back, frames[1])
    assert back[0, 0, 3] == 0 and back[48, 48, 3] == 255


def test_cancel_leaves_previous_export_untouched(tmp_path):
    image, _ = draw_portrait(64)
    export_png_sequence(tmp_path / "frames", [image])
    with pytest.raises(Cancelled):
        export_png_sequence(tmp_path / "frames", [image] * 5, cancel=lambda: True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]
    assert [p.name for p in (tmp_path / "frames").iterdir()] == ["frame_00000.png"]


def test_re_export_replaces_the_folder(tmp_path):
    image, _ = draw_portrait(64)
    export_png_sequence(tmp_path / "frames", [image] * 3)
    export_png_sequence(tmp_path / "frames", [image])
    assert [p.name for p in (tmp_path / "frames").iterdir()] == ["frame_00000.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]
