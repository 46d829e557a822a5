"""Teeth laid into a portrait's frames: under the target's lips at their filmed size, in the portrait's look."""

from __future__ import annotations

import cv2
import numpy as np

from core.render.neural_face_crop import opening_weight
from core.render.portrait_teeth import PortraitTeeth, matching_blur, own_teeth
from core.render.teeth_plate import LipFrame, TeethPlate
from tests.render.teeth_film import UPPER_TEETH_PX, target_frame


def test_painting_lays_the_upper_teeth_under_the_lip_at_their_filmed_size(teeth_sample, filmed_teeth):
    _, _, plate = filmed_teeth
    rgba, face = teeth_sample
    teeth = PortraitTeeth.for_portrait(TeethPlate.from_array(plate, 140.0), rgba, face.rig_points())
    frame, rig = target_frame(*teeth_sample, 30)  # a wider opening than the film's
    out = teeth.paint(frame.copy(), rig)
    lips = LipFrame.of(rig)
    column = lips.centre + np.array([0.0, 0.0])
    top = lips.upper_b(np.array([0.0]))[0]
    bottom = lips.lower_b(np.array([0.0]))[0]

    def luma_below_upper_lip(offset: float) -> np.ndarray:
        x = np.arange(int(column[0]) - 12, int(column[0]) + 12)
        y = int(round(lips.centre[1] + top + offset))
        return out[y, x, :3].mean(-1)

    assert luma_below_upper_lip(2).max() > 150 and luma_below_upper_lip(2).std() > 20  # single teeth
    assert luma_below_upper_lip(UPPER_TEETH_PX + 4).max() < 60  # their filmed height, not stretched
    middle = int(round(lips.centre[1] + (top + bottom) / 2))
    assert np.array_equal(out[middle, int(column[0])], frame[middle, int(column[0])])  # the interior behind stays
    weight = opening_weight(rig[60:68], (0, 0, frame.shape[1], frame.shape[0]))
    changed = np.abs(out.astype(int) - frame).max(-1) > 0
    assert changed.any() and not changed[weight == 0].any()  # the opening only, alpha untouched
    assert np.array_equal(teeth.paint(frame.copy(), rig, strength=0.0), frame)


def test_a_tilted_head_gets_its_teeth_tilted_with_its_lips(teeth_sample, filmed_teeth):
    rgba, face = teeth_sample
    teeth = PortraitTeeth.for_portrait(TeethPlate.from_array(filmed_teeth[2], 140.0), rgba, face.rig_points())
    _, level_rig = target_frame(*teeth_sample, 30)
    centre = level_rig[60:68].mean(axis=0)
    turn = np.deg2rad(25)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    rig = (level_rig - centre) @ rotation.T + centre
    frame = rgba.copy()
    frame[opening_weight(rig[60:68], (0, 0, frame.shape[1], frame.shape[0]), softness=0.0, grow=2.0) > 0, :3] = 50
    out = teeth.paint(frame.copy(), rig)
    lips = LipFrame.of(rig)
    assert abs(np.degrees(np.arctan2(lips.axis[1], lips.axis[0])) - 25) < 1
    a = np.linspace(-10, 10, 21)

    def luma_at(depth: float) -> np.ndarray:  # along the tilted upper lip, ``depth`` pixels inside the mouth
        x, y = lips.to_image(a, lips.upper_b(a) + depth)
        return out[np.round(y).astype(int), np.round(x).astype(int), :3].mean(-1)

    assert luma_at(2).max() > 150 and luma_at(2).std() > 20  # separate teeth, along the tilted lip
    assert luma_at(UPPER_TEETH_PX + 4).max() < 60


def test_a_slit_gets_no_teeth(teeth_sample, filmed_teeth):
    rgba, face = teeth_sample
    teeth = PortraitTeeth.for_portrait(TeethPlate.from_array(filmed_teeth[2], 140.0), rgba, face.rig_points())
    frame, rig = target_frame(*teeth_sample, 0.5)  # lips 2 px apart
    assert np.array_equal(teeth.paint(frame.copy(), rig), frame)


def test_a_black_and_white_portrait_gets_grey_teeth_and_a_smile_keeps_its_own(teeth_sample, filmed_teeth):
    image, film_rig, plate = filmed_teeth
    rgba, face = teeth_sample
    grey = rgba.copy()
    grey[..., :3] = rgba[..., :3].mean(-1, keepdims=True).astype(np.uint8)
    teeth = PortraitTeeth.for_portrait(TeethPlate.from_array(plate, 140.0), grey, face.rig_points())
    frame, rig = target_frame(*teeth_sample, 30)
    out = teeth.paint(frame.copy(), rig).astype(int)
    changed = np.abs(out - frame).max(-1) > 0
    assert changed.any() and np.abs(out[changed][:, :3] - out[changed][:, :3].mean(-1, keepdims=True)).max() <= 1
    assert own_teeth(rgba, face.rig_points()) is None  # a closed mouth has no teeth to keep
    smiling = np.dstack([image, rgba[..., 3]])
    own = own_teeth(smiling, film_rig)
    assert own is not None and np.array_equal(own, plate)  # its own teeth, cut as the film's


def test_an_upscaled_portrait_gets_a_softer_plate_and_a_sharp_one_the_film_as_it_is(teeth_sample, filmed_teeth):
    rgba, face = teeth_sample
    plate = TeethPlate.from_array(filmed_teeth[2], 400.0)  # filmed closer than the portrait: finer detail
    assert matching_blur(140.0, 140.0, 1.0) == 0.0  # the same detail as the film: nothing to match
    assert matching_blur(140.0, 140.0, 3.0) == 0.0  # both magnified alike
    assert matching_blur(140.0, 50.0, 3.0) > 1.0  # a small portrait exported 3× larger: coarse pixels
    sharp = PortraitTeeth.for_portrait(plate, rgba, face.rig_points(), 1.0)
    small = cv2.resize(rgba, None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)
    soft = PortraitTeeth.for_portrait(plate, small, face.rig_points() / 3, 3.0)  # the same face, a third the pixels

    def detail(layer: np.ndarray) -> float:
        opaque = layer[..., 3] > 0.9
        return float(np.abs(np.diff(layer[..., :3].mean(-1), axis=1))[opaque[:, 1:] & opaque[:, :-1]].mean())

    assert detail(soft.upper) < 0.7 * detail(sharp.upper)
