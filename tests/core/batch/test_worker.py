"""The batch worker's memoized model loaders: served from memory only while their files are unchanged."""

from __future__ import annotations

from core.batch.worker import _memoized_while_unchanged
from core.render.neural_renderer import RefineModel
from core.render.teeth_plate import TEETH_PLATE_NAME
from tests.render.teeth_film import filmed_plate, renderer_with_plate, sample_portrait


def test_the_renderer_is_loaded_again_when_a_file_beside_its_weights_changes(tmp_path):
    weights = renderer_with_plate(tmp_path, filmed_plate(*sample_portrait())[2])
    load = _memoized_while_unchanged(RefineModel.load, bound=False, companions=RefineModel.companion_files)
    first = load(weights)
    assert first.teeth is not None and load(weights) is first  # unchanged: from memory
    (tmp_path / TEETH_PLATE_NAME).unlink()
    second = load(weights)
    assert second is not first and second.teeth is None  # the plate is gone: so is the stage
