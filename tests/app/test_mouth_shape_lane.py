"""The mouth-shape lane, driven like a user: shapes, edges, strength, split and merge change the
rendered mouth, are one undo step each, and survive save and reopen."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from app.mouth_shape_lane import BLOCK_H, PHONE_H, MouthShapeLane
from app.studio_session import StudioSession
from app.timeline_panel import TimelinePanel
from core.animation.mouth_shapes import MouthShapeBlock, block_at

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def lane(qtbot, sample_files) -> Iterator[MouthShapeLane]:  # noqa: ANN001
    """The sample portrait and speech with the model's lips, in a timeline panel."""
    from app.speech_motion import predict_base

    portrait, speech = sample_files
    session = StudioSession()
    session.open_portrait(str(portrait))
    session.open_audio(str(speech))
    panel = TimelinePanel(session)
    panel.resize(1400, 420)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    session.set_speech_base(predict_base(session.portrait.rest_face, Path(speech), session.project.fps))
    lane = panel.mouth_lane
    assert isinstance(lane, MouthShapeLane)
    qtbot.waitUntil(lambda: len(lane.marks.derived) > 0, timeout=30000)
    yield lane  # the panel (which owns the lane) lives until the test ends
    lane.wait_for_marks()
    panel.close()


def _openness(lane: MouthShapeLane, time: float) -> float:
    rig = lane.session.rig_at(int(round(time * lane.session.project.fps)))
    assert rig is not None
    return rig[1]


def _x(lane: MouthShapeLane, time: float) -> int:
    return int(round(lane.mapping.x_of(time)))


def _longest(lane: MouthShapeLane, shapes: str) -> MouthShapeBlock:
    return max((b for b in lane.blocks() if b.shape in shapes), key=lambda b: b.duration)


def test_changing_a_shape_changes_the_mouth_and_undoes(qtbot, lane: MouthShapeLane) -> None:  # noqa: ANN001
    session = lane.session
    block = _longest(lane, "ABX")  # a closed mouth, made wide open
    middle = (block.start + block.end) / 2
    before = _openness(lane, middle)
    qtbot.mouseClick(lane, Qt.MouseButton.LeftButton, pos=QPoint(_x(lane, middle), BLOCK_H // 2))
    assert lane.selected() == block
    qtbot.keyClick(lane, Qt.Key.Key_D)
    opened = _openness(lane, middle)
    assert opened > before + 0.1, (before, opened)
    assert block_at(lane.blocks(), middle).shape == "D"
    assert session.undo_stack.undo_label == "Change Mouth Shape"
    session.undo()
    assert _openness(lane, middle) == pytest.approx(before) and lane.track.blocks == ()
    session.redo()
    assert _openness(lane, middle) == pytest.approx(opened)


def test_edits_survive_save_and_reopen(qtbot, lane: MouthShapeLane, tmp_path: Path) -> None:  # noqa: ANN001
    session = lane.session
    block = _longest(lane, "CD")
    middle = (block.start + block.end) / 2
    lane.select_at(middle)
    lane.set_shape("A")
    shut = _openness(lane, middle)
    assert shut < 0.02
    path = tmp_path / "line.space.json"
    session.save(path)
    session.new_project()
    assert lane.track.blocks == ()
    session.load(str(path), allow_outside_media=True)
    assert lane.track.blocks == (MouthShapeBlock(block.start, block.end, "A", block.strength),)
    session.set_speech_base(predict_again(session))
    assert _openness(lane, middle) == pytest.approx(shut, abs=1e-6)


def predict_again(session: StudioSession) -> np.ndarray:
    from app.speech_motion import predict_base

    return predict_base(session.portrait.rest_face, session.project.audio_path, session.project.fps)


def test_dragging_an_edge_is_one_undo_step(qtbot, lane: MouthShapeLane) -> None:  # noqa: ANN001
    session = lane.session
    blocks = lane.blocks()
    left, right = next((a, b) for a, b in zip(blocks, blocks[1:])
                       if b.duration > 0.15 and lane.mapping.x_of(b.end) - lane.mapping.x_of(a.end) > 40)
    start = QPoint(_x(lane, left.end), BLOCK_H // 2)
    steps = len(session.undo_stack)
    qtbot.mousePress(lane, Qt.MouseButton.LeftButton, pos=start)
    for dx in (5, 12, 20):
        qtbot.mouseMove(lane, start + QPoint(dx, 0))
    qtbot.mouseRelease(lane, Qt.MouseButton.LeftButton, pos=start + QPoint(20, 0))
    assert len(session.undo_stack) == steps + 1 and session.undo_stack.undo_label == "Move Mouth Shape Edge"
    moved = session.project.snap(float(lane.mapping.t_of(start.x() + 20)))
    assert [(b.start, b.end, b.shape) for b in lane.track.blocks] == [
        (left.start, moved, left.shape), (moved, right.end, right.shape)]
    session.undo()
    assert lane.track.blocks == () and lane.blocks() == blocks


def test_strength_drag_split_merge_and_follow_the_model(qtbot, lane: MouthShapeLane) -> None:  # noqa: ANN001
    session = lane.session
    block = _longest(lane, "ABX")
    middle = (block.start + block.end) / 2
    lane.select_at(middle)
    lane.set_shape("D")
    full = _openness(lane, middle)
    start = QPoint(_x(lane, middle), BLOCK_H // 2)
    qtbot.mousePress(lane, Qt.MouseButton.LeftButton, pos=start)
    for dy in (5, 15, 30):  # down: weaker
        qtbot.mouseMove(lane, start + QPoint(0, dy))
    qtbot.mouseRelease(lane, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 30))
    assert session.undo_stack.undo_label == "Set Mouth Shape Strength"
    assert lane.selected().strength == pytest.approx(0.5)
    assert _openness(lane, middle) < full - 0.02
    split_time = session.project.snap(middle)
    qtbot.mouseDClick(lane, Qt.MouseButton.LeftButton, pos=QPoint(_x(lane, split_time), BLOCK_H // 2))
    assert session.undo_stack.undo_label == "Split Mouth Shape" and len(lane.track.blocks) == 2
    lane.select_at(block.start)
    qtbot.keyClick(lane, Qt.Key.Key_M)
    assert session.undo_stack.undo_label == "Merge Mouth Shapes" and len(lane.track.blocks) == 1
    qtbot.keyClick(lane, Qt.Key.Key_Delete)
    assert session.undo_stack.undo_label == "Follow the Model" and lane.track.blocks == ()


def test_phones_and_words_are_drawn_under_the_blocks(qtbot, lane: MouthShapeLane) -> None:  # noqa: ANN001
    pytest.importorskip("pocketsphinx")
    from dataclasses import replace

    sys.path.insert(0, str(REPO / "packaging"))
    from make_sample import SENTENCE_1, SENTENCE_2

    session = lane.session
    assert lane.marks.words == () and len(lane.marks.phones) > 10  # PhoneNet's phones, no transcript
    with session.project.changed.blocked():
        session.project.settings = replace(session.project.settings, transcript=f"{SENTENCE_1} {SENTENCE_2}")
    session.project_changed.emit()
    qtbot.waitUntil(lambda: len(lane.marks.words) > 0, timeout=30000)
    assert [w.label for w in lane.marks.words][:2] == ["hello", "there"]
    image = lane.grab().toImage()
    word = lane.marks.words[0]
    row = BLOCK_H + PHONE_H + 8
    xs = range(_x(lane, word.start) + 3, _x(lane, word.end) - 1)
    assert any(image.pixelColor(x, row).lightness() > 150 for x in xs)  # the word's letters


def test_the_context_menu_sets_shape_and_strength(qtbot, lane: MouthShapeLane) -> None:  # noqa: ANN001
    block = _longest(lane, "ABX")
    middle = (block.start + block.end) / 2
    lane.select_at(middle)
    menu = lane.block_menu(middle)
    actions = {a.text(): a for sub in menu.actions() if sub.menu() for a in sub.menu().actions()}
    actions["E  slightly rounded (AO, ER)"].trigger()
    actions["50 %"].trigger()
    assert lane.track.blocks == (MouthShapeBlock(block.start, block.end, "E", 0.5),)
    assert [a.text() for a in menu.actions() if a.text()][-1] == "Follow the Model"
    assert lane.session.undo_stack.undo_label == "Set Mouth Shape Strength"
