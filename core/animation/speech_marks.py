"""What the mouth-shape lane draws under the waveform: the model's own shape blocks,
the phones heard and, when the line has a transcript, its words.

The derived blocks are made exactly as the cue export makes them
(``core.export.mouth_cues.cues_for_animation``: the S2L motion and PhoneNet's phones),
so the lane shows the track the export would write. The phones written under it are
the transcript's forced alignment when there is one (its exact phones), else the runs
of PhoneNet's most likely phone. Heavy imports (torch, pocketsphinx) stay inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from core.animation.mouth_shapes import MouthShapeBlock, blocks_from_cues
from core.audio.audio_io import Audio


@dataclass(frozen=True)
class Mark:
    """A labelled span of the line (a phone or a word), in seconds."""

    start: float
    end: float
    label: str


@dataclass(frozen=True)
class SpeechMarks:
    """The lane's annotations: derived shape blocks, phones, words (empty without a transcript)."""

    derived: tuple[MouthShapeBlock, ...] = ()
    phones: tuple[Mark, ...] = ()
    words: tuple[Mark, ...] = ()
    evidence: object = field(default=None, compare=False)  # the CueFrames ``derived`` was classified from


def rederived(marks: SpeechMarks, base_norm: np.ndarray) -> tuple[MouthShapeBlock, ...]:
    """The derived blocks for other lips of the same line (the same phones and voice activity):
    what the cue export writes once the lip-opening curve has reshaped the model's lips
    (``core.animation.lip_opening.with_opening_curve``). Cheap: only the shapes are classified again."""
    from core.export.mouth_cues import cues_from_shapes, frame_shapes
    from core.landmarks.face_geometry import mouth_openness

    frames = marks.evidence
    if frames is None:
        return marks.derived
    openness = mouth_openness(np.asarray(base_norm, np.float64))
    count = len(frames.openness)
    openness = np.concatenate([openness, np.repeat(openness[-1:], max(0, count - len(openness)))])[:count]
    frames = replace(frames, openness=openness)
    return blocks_from_cues(cues_from_shapes(frame_shapes(frames), frames.fps, frames.duration))


def phone_marks(phones: np.ndarray, fps: float) -> tuple[Mark, ...]:
    """Runs of the most likely phone per frame (T×40, PHONES order); silence left out."""
    from core.audio.phone_net import PHONES

    best = np.asarray(phones).argmax(axis=1)
    if not best.size:
        return ()
    edges = np.flatnonzero(np.diff(best)) + 1
    starts, ends = np.r_[0, edges], np.r_[edges, best.size]
    return tuple(Mark(s / fps, e / fps, PHONES[best[s]]) for s, e in zip(starts, ends) if best[s] != 0)


def speech_marks(audio: Audio, base_norm: np.ndarray, fps: float, transcript: str = "", posteriors=None) -> SpeechMarks:  # noqa: ANN001
    """The lane's marks for ``audio`` and the S2L motion made of it (T×68×2 normalized).

    ``posteriors``: a loaded PhonePosteriors (default: the shipped PhoneNet). A transcript
    that cannot be aligned raises TranscriptError, as it does for the lips."""
    from core.audio.features import mfcc_per_frame
    from core.audio.loudness import loudness_gain
    from core.export.mouth_cues import cue_frames_for_speech, cues_from_shapes, frame_shapes

    if posteriors is None:
        from core.audio.phone_net import PhonePosteriors

        posteriors = PhonePosteriors.load()
    mfcc = mfcc_per_frame(audio, fps, loudness_gain(audio))  # as S2L heard the line
    heard = posteriors(mfcc)
    evidence = cue_frames_for_speech(audio, base_norm, heard, fps)
    cues = cues_from_shapes(frame_shapes(evidence), fps, audio.duration)
    if not transcript.strip():
        return SpeechMarks(blocks_from_cues(cues), phone_marks(heard, fps), evidence=evidence)
    from core.audio.loudness import normalized_loudness
    from core.audio.phone_recognizer import align_transcript, one_hot_frames

    labels, words = align_transcript(normalized_loudness(audio), transcript)
    return SpeechMarks(blocks_from_cues(cues), phone_marks(one_hot_frames(labels, fps, len(mfcc)), fps),
                       tuple(Mark(w.start, w.end, w.word) for w in words), evidence)
