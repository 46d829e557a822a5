"""Every talking clip prepared once, then cut into the training split of each fold.

Preparing a training split (pitch, EQ, noise, room and tempo copies of every clip, each
heard through PhoneNet and APC) costs far more than a fold's 400 steps once the data set
holds 80 clips. The cross-validation and its learning curve therefore prepare every clip
once (``build_pool``) and give each fold model the part of the pool it may see
(``fold_split``): the clips of everyone but the fold's people, optionally only a share
of them, with the feature statistics refitted on exactly that part, as
``train_s2l.prepare`` would have fitted them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import numpy as np

from core.audio.features import FeatureStats
from core.motion.rest_face import reference_face
from core.training import s2l_dataset as ds
from core.training.tempo_copies import is_tempo_copy
from core.training.train_s2l import Split, TrainConfig, prepare


@dataclass
class ClipPool:
    """Every clip as training sees it (``training``: synced, augmented) and as a held-out
    person's clip is scored by the trainer (``held_out``: as recorded, one variant each)."""

    training: Split
    held_out: Split


def source_name(clip: ds.Clip) -> str:
    """The original clip a tempo copy was made from (an original: its own name)."""
    return clip.name.split("@")[0] if is_tempo_copy(clip) else clip.name


def build_pool(config: TrainConfig) -> ClipPool:
    """Prepare every talking clip under ``config.data`` once, with ``config``'s recipe."""
    training = prepare(replace(config, validation_speakers=()))
    return ClipPool(training, _held_out_versions(config, training))


def _held_out_versions(config: TrainConfig, training: Split) -> Split:
    """Each clip as recorded (no sync filter, no offset correction), heard through the same models."""
    clips = [c for v in ds.talking_videos(config.data)
             if (c := ds.build_clip(v, config.cache, require_sync=False)) is not None]
    phones, apc = {}, {}
    if config.model.phone_features:
        from core.audio.phone_net import PhonePosteriors

        net = PhonePosteriors.load(config.phone_net)
        phones = {c.name: [net(c.mfcc)] for c in clips}
    if config.model.apc_features:
        from core.audio.apc import APCFeatures

        codes = APCFeatures.load(config.apc)
        apc = {c.name: [codes(c.mfcc)] for c in clips}
    references = {c.name: reference_face(c.points) for c in clips}
    return Split([], clips, {}, training.stats, references, phones, {}, apc)


def chosen_clips(originals: list[ds.Clip], fraction: float, seed: int) -> list[ds.Clip]:
    """A seeded random share of ``originals`` holding about ``fraction`` of their frames
    (at least one clip; 1.0: all of them, in their own order)."""
    if fraction >= 1.0:
        return list(originals)
    order = np.random.default_rng(seed).permutation(len(originals))
    total, kept, frames = sum(len(c.mfcc) for c in originals), [], 0
    for i in order:
        if kept and frames >= fraction * total:
            break
        kept.append(originals[i])
        frames += len(originals[i].mfcc)
    return kept


def fold_split(pool: ClipPool, held_out_speakers: tuple[str, ...], fraction: float = 1.0,
               seed: int = 0) -> Split:
    """The split a fold model trains on: everyone but ``held_out_speakers`` (a ``fraction``
    of their frames, whole clips with their tempo copies), scored on the held-out people."""
    whole = pool.training
    originals = [c for c in whole.train if not is_tempo_copy(c) and c.speaker not in held_out_speakers]
    keep = {c.name for c in chosen_clips(originals, fraction, seed)}
    train = [c for c in whole.train if source_name(c) in keep]
    names = [c.name for c in train]
    variants = {n: whole.variants[n] for n in names}
    stats = FeatureStats.fit(np.concatenate([v for vs in variants.values() for v in vs]))
    val = [c for c in pool.held_out.val if c.speaker in held_out_speakers]

    def both(table_train: dict, table_val: dict) -> dict:
        return {**{n: table_train[n] for n in names if n in table_train},
                **{c.name: table_val[c.name] for c in val if c.name in table_val}}

    return Split(train, val, variants, stats,
                 both(whole.references, pool.held_out.references),
                 both(whole.phones, pool.held_out.phones),
                 {n: whole.teacher_phones[n] for n in names if n in whole.teacher_phones},
                 both(whole.apc, pool.held_out.apc))


def training_minutes(split: Split) -> float:
    """Minutes of original (not tempo-copied) video a split trains on."""
    return sum(len(c.mfcc) for c in split.train if not is_tempo_copy(c)) / ds.FEATURE_FPS / 60
