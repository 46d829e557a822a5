import pytest

from core.evaluation.crossval import SPEAKERS, speaker_folds, speaker_of


def test_folds_hold_out_whole_people():
    folds = speaker_folds(5)
    tested = [str(p) for f in folds for p in f.test]
    assert sorted(tested) == sorted(SPEAKERS)  # every clip is tested exactly once
    for fold in folds:
        assert not {speaker_of(p) for p in fold.train} & {speaker_of(p) for p in fold.test}


def test_same_grid_speaker_lands_in_one_fold():
    for fold in speaker_folds(4):
        names = {p.name for p in fold.test}
        assert ("pwij3p.mpg" in names) == ("id2_vcd_swwp2s.mpg" in names)


def test_unknown_clips_are_their_own_person(tmp_path):
    assert speaker_of(tmp_path / "me" / "take1.mp4") != speaker_of(tmp_path / "me" / "take2.mp4")
    with pytest.raises(ValueError, match="number of people"):
        speaker_folds(3, [tmp_path / "a.mp4", tmp_path / "b.mp4"])


def test_evaluation_skips_people_the_model_was_trained_on(tmp_path):
    from core.errors import SpaceStudioError
    from core.evaluation.evaluate import run_evaluation

    clip = tmp_path / "rizkiarm__LipNet" / "pwij3p.mpg"
    clip.parent.mkdir()
    clip.write_bytes(b"")
    # Trained on the other clip of the same person: nothing is left to score.
    with pytest.raises(SpaceStudioError, match="training set"):
        run_evaluation([clip], trained_on=["rizkiarm__LipNet/id2_vcd_swwp2s.mpg"])
