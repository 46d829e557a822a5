"""The teeth plate: real teeth cut in lip coordinates from a filmed frame, hash-checked beside the renderer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.errors import ModelWeightsError
from core.render.neural_renderer import FaceRefiner, RefineModel, choose_renderer
from core.render.teeth_plate import LAYER_HEIGHT, PLATE_WIDTH, TEETH_PLATE_NAME, TeethPlate
from tests.render.teeth_film import renderer_with_plate, target_frame


def test_a_cut_plate_holds_the_filmed_teeth_in_lip_coordinates(filmed_teeth):
    _, _, plate = filmed_teeth
    assert plate.shape == (2 * LAYER_HEIGHT, PLATE_WIDTH, 4) and plate.dtype == np.uint8
    upper = plate[:LAYER_HEIGHT]
    centre = slice(PLATE_WIDTH // 2 - 30, PLATE_WIDTH // 2 + 30)
    first_rows = upper[2:6, centre]
    assert first_rows[..., 3].min() > 200  # the opening, right under the lip
    luma = first_rows[..., :3].mean(-1)
    assert luma.max() > 200 and luma.min() < 120  # single teeth with gaps, not a band
    assert upper[:, :8, 3].max() == 0 and upper[:, -8:, 3].max() == 0  # beyond the mouth corners: nothing
    assert upper[-1, :, 3].max() == 0 and plate[-1, :, 3].max() == 0  # each layer ends inside its share of the gap


def test_the_plate_loads_checked_beside_the_renderer_and_reproduces_its_record(filmed_teeth, tmp_path):
    weights = renderer_with_plate(tmp_path, filmed_teeth[2])
    plate = TeethPlate.load(tmp_path / TEETH_PLATE_NAME)
    assert np.array_equal(np.round(np.vstack([plate.upper, plate.lower]) * 255).astype(np.uint8), filmed_teeth[2])
    assert plate.filmed_unit == 140.0 and json.loads((tmp_path / "teeth_plate.json").read_text())["clip"] == "drawn"
    model = RefineModel.load(weights)
    assert model.teeth is not None and model.note is None


def test_damaged_or_missing_plate_turns_it_off_and_the_face_refiner_still_runs(teeth_sample, filmed_teeth, tmp_path):
    rgba, face = teeth_sample
    weights = renderer_with_plate(tmp_path / "damaged", filmed_teeth[2])
    record = tmp_path / "damaged" / "teeth_plate.json"
    record.write_text(record.read_text().replace("140.0", "14.0"))
    with pytest.raises(ModelWeightsError, match="Checksum mismatch"):
        TeethPlate.load(tmp_path / "damaged" / TEETH_PLATE_NAME)
    model = RefineModel.load(weights)
    assert model.teeth is None and "teeth plate off" in model.note and "\n" not in model.note
    assert choose_renderer("neural", rgba, face, weights) == ("neural", model.note)
    (tmp_path / "damaged" / TEETH_PLATE_NAME).unlink()
    assert RefineModel.load(weights).note is None  # missing: simply off, as before the plate existed
    frame, rig = target_frame(*teeth_sample, 30)
    refined = FaceRefiner.for_portrait(model, rgba, face, 1.0).refine(frame, rig)
    assert refined.shape == frame.shape
