"""The teeth-plate cutter: writes a plate the renderer loads, and reproduces the shipped one from its record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import SpaceStudioError
from core.landmarks.video_face_track import DEFAULT_CACHE_DIR, cache_path
from core.render.teeth_plate import DEFAULT_TEETH_PLATE, TeethPlate
from core.training.cut_teeth_plate import filmed_frame, main

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SHIPPED_RECORD = json.loads(DEFAULT_TEETH_PLATE.with_suffix(".json").read_text(encoding="utf-8"))
SHIPPED_VIDEO = SHARED / SHIPPED_RECORD["clip"]


@pytest.mark.skipif(not (SHIPPED_VIDEO.is_file() and cache_path(SHIPPED_VIDEO, DEFAULT_CACHE_DIR).exists()),
                    reason="needs ../shared/data and its cached face track (tracking the clip takes minutes)")
def test_the_shipped_plate_is_cut_again_byte_for_byte_from_its_record(tmp_path):
    out = tmp_path / "teeth_plate.png"
    assert main(["--data", str(SHARED), "--video", SHIPPED_RECORD["clip"], "--frame", str(SHIPPED_RECORD["frame"]),
                 "--out", str(out)]) == 0
    assert out.read_bytes() == DEFAULT_TEETH_PLATE.read_bytes()
    record = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["licence"] == SHIPPED_RECORD["licence"] == "MIT"
    assert record["interocular_px"] == SHIPPED_RECORD["interocular_px"]
    plate = TeethPlate.load(out)  # its sidecars were written too
    assert np.vstack([plate.upper, plate.lower])[..., 3].max() > 0.9
    with pytest.raises(SpaceStudioError, match="tracked frames"):
        filmed_frame(SHIPPED_VIDEO, 10**6)
