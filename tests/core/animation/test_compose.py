import numpy as np
import pytest

from tests.core.animation.drawn_face import DrawnFace

from core.animation.compose import compose
from core.animation.composer import to_motion_frames
from core.animation.keyframes import Key
from core.animation.tracks import BlinkEvent, LandmarkKeyframe, Tracks
from core.landmarks.face_landmarks import RIG_IRIS, RIG_LOWER_LIDS, RIG_UPPER_LIDS

FPS = 30.0


def _base(face: DrawnFace, frames: int = 30) -> np.ndarray:
    return np.repeat(face.points68[None, :, :2], frames, axis=0)


def _rest_rig(face: DrawnFace) -> np.ndarray:
    return np.concatenate([face.points68[:, :2], face.upper_lids.reshape(-1, 2), face.lower_lids.reshape(-1, 2), face.iris])


def test_no_edits_reproduce_the_rest_face(rest_face: DrawnFace) -> None:
    out = compose(_base(rest_face), rest_face, Tracks(), None, None, FPS)
    assert out.rig.shape == (30, 98, 2) and out.pose.shape == (30, 7)
    np.testing.assert_allclose(out.rig, np.repeat(_rest_rig(rest_face)[None], 30, 0), atol=1e-6)
    np.testing.assert_allclose(out.pose[:, 6], 100.0)


def test_blink_closes_upper_lid_onto_lower(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.blinks.add(BlinkEvent(10 / FPS, duration=4 / FPS))
    out = compose(_base(rest_face), rest_face, tracks, None, None, FPS)
    shut = 12
    np.testing.assert_allclose(out.rig[shut, RIG_UPPER_LIDS], out.rig[shut, RIG_LOWER_LIDS], atol=1e-6)
    np.testing.assert_allclose(out.rig[shut, [37, 38]], out.rig[shut, [41, 40]], atol=1e-6)
    np.testing.assert_allclose(out.rig[0], _rest_rig(rest_face), atol=1e-6)


def test_emotion_moves_brows_but_leaves_speech_to_the_lips(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.emotion.curves["surprised"].add(Key(0.0, 0.5))
    displacement = np.full((68, 2), 0.1)
    out = compose(_base(rest_face), rest_face, tracks, {"surprised": displacement}, None, FPS)
    np.testing.assert_allclose(out.rig[0, 19] - rest_face.points68[19, :2], [0.05, 0.05], atol=1e-6)
    np.testing.assert_allclose(out.rig[0, 8], rest_face.points68[8, :2], atol=1e-6)  # chin
    np.testing.assert_allclose(out.rig[0, 66], rest_face.points68[66, :2], atol=1e-6)  # inner lip
    np.testing.assert_allclose(out.rig[0, 54] - rest_face.points68[54, :2], [0.05, 0.05], atol=1e-6)


def test_lids_and_iris_follow_moving_eye_points(rest_face: DrawnFace) -> None:
    base = _base(rest_face, 2)
    base[1, 36:42] += [0.02, -0.01]
    out = compose(base, rest_face, Tracks(), None, None, FPS)
    lids = out.rig[1, RIG_UPPER_LIDS][:7] - rest_face.upper_lids[0]
    np.testing.assert_allclose(lids, np.tile([0.02, -0.01], (7, 1)), atol=1e-6)
    np.testing.assert_allclose(out.rig[1, RIG_IRIS][0] - rest_face.iris[0], [0.02, -0.01], atol=1e-6)


def test_gaze_and_landmark_keyframes_apply(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.gaze.curves["left_x"].add(Key(0.0, 1.0))
    tracks.landmarks.add(LandmarkKeyframe(0.5, {30: (0.0, 0.1)}, ease_in=0.0, ease_out=0.0))
    out = compose(_base(rest_face), rest_face, tracks, None, None, FPS)
    np.testing.assert_allclose(out.rig[0, RIG_IRIS][:, 0] - rest_face.iris[:, 0], [0.05, 0.05], atol=1e-6)
    assert out.rig[15, 30, 1] == pytest.approx(rest_face.points68[30, 1] + 0.1)
    assert out.rig[16, 30, 1] == pytest.approx(rest_face.points68[30, 1])


def test_pose_track_adds_to_the_base_pose(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.pose.curves["yaw"].set_keys([Key(0.0, 0.0), Key(1.0, 10.0)])
    base_pose = np.tile([0, 2.0, 0, 256, 256, 0, 100], (31, 1))
    out = compose(_base(rest_face, 31), rest_face, tracks, None, base_pose, FPS)
    assert out.pose[30, 0] == pytest.approx(10.0) and out.pose[30, 1] == pytest.approx(2.0)


def test_to_motion_frames_poses_into_pixels(rest_face: DrawnFace) -> None:
    out = compose(_base(rest_face, 3), rest_face, Tracks(), None, None, FPS)
    frames = to_motion_frames(out, None)
    assert len(frames) == 3 and frames.pose.shape == (3, 6)
    np.testing.assert_allclose(frames.iris[0, 0], [256 - 40, 256 - 30], atol=1e-3)
    assert 0.0 <= frames.mouth_open.min() <= frames.mouth_open.max() <= 1.0


def test_unedited_clip_poses_back_onto_the_portrait(rest_face: DrawnFace) -> None:
    from core.landmarks.face_landmarks import FaceLandmarks, HeadPose
    from core.landmarks.normalized_space import normalize

    scale = 120.0
    pixels = rest_face.points68 * scale + [300.0, 260.0, 0.0]
    portrait = FaceLandmarks(
        points68=pixels,
        upper_lids=rest_face.upper_lids * scale + [300.0, 260.0],
        lower_lids=rest_face.lower_lids * scale + [300.0, 260.0],
        iris=rest_face.iris * scale + [300.0, 260.0],
        iris_radius=rest_face.iris_radius * scale,
        pose=HeadPose(),
    )
    rest = normalize(portrait)
    base = np.repeat(rest.points68[None, :, :2], 4, axis=0)
    frames = to_motion_frames(compose(base, rest, Tracks(), None, None, FPS), rest.rig_z)
    np.testing.assert_allclose(frames.rig[2], portrait.rig_points(), atol=1e-2)
