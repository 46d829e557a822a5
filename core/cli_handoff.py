"""The ``space-studio`` subcommands that hand work over to other tools: mouth cues
(Rhubarb formats), rig curves (``motion --format``) and batches of lines. Their
arguments are declared in core/cli.py."""

from __future__ import annotations

import argparse
import sys

from core.errors import AudioError
from core.progress import Progress


def _say(message: str) -> None:
    print(f"space-studio: {message}", file=sys.stderr)


def cues(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio cues: speech → Rhubarb-compatible mouth cues."""
    from core.cli_commands import read_transcript
    from core.export.cue_formats import CueDocument, check_dat_frame_rate, cue_format_of, format_cues, write_cues
    from core.export.mouth_cues import shape_set

    audio = args.audio or args.input
    if audio is None or (args.audio and args.input):
        raise AudioError("Give the speech once: space-studio cues --audio LINE.wav (or LINE.wav last, as Rhubarb).")
    fmt = cue_format_of(args.out, args.format)
    shapes = shape_set(args.extended_shapes)
    if fmt == "dat":
        check_dat_frame_rate(args.dat_frame_rate)
    if args.out is not None:
        from core.export.output_check import check_output

        check_output(args.out, fmt, [audio, args.transcript])
    transcript = read_transcript(args.transcript) if args.transcript else None
    progress.step("Mouth cues", 0, 1)
    from core.export.mouth_cues import cues_for_audio
    from core.motion.s2l_inference import SpeechToLandmarks  # torch: only once the arguments are good

    model = SpeechToLandmarks.load(args.model) if args.model else SpeechToLandmarks.load()
    found, duration = cues_for_audio(audio, transcript, args.extended_shapes, model)
    document = CueDocument(found, audio, duration, shapes, args.dat_frame_rate, args.dat_use_preston_blair)
    progress.step("Mouth cues", 1, 1)
    if args.out is None:
        sys.stdout.write(format_cues(document, fmt))
        return 0
    write_cues(args.out, document, fmt)
    _say(f"wrote {args.out} ({len(found)} cues, {fmt})")
    return 0


def spine_names(args: argparse.Namespace):
    """SpineNames from the --spine-* flags."""
    from core.export.rigs.spine import SpineNames

    return SpineNames(animation=args.spine_animation, head_bone=args.spine_head_bone,
                      mouth_slot=args.spine_mouth_slot, mouth_prefix=args.spine_mouth_prefix)


def motion(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio motion: landmarks JSON (unchanged) or rig curves in --format."""
    from core import cli_commands

    if args.format == "json":
        return cli_commands.motion(args, progress)
    from core.export.rigs.rig_export import export_rig
    from core.pipeline import animate

    # motion has no --size: the frame size does not matter to a text output's checks
    extension = {"arkit": "csv", "csv": "csv", "live2d": "motion3.json", "spine": "json"}[args.format]
    cli_commands.check_generation_output(argparse.Namespace(**{**vars(args), "size": None}), extension)
    options = cli_commands.generation_options(args)
    setup = cli_commands._prepare(args, progress)
    animation = animate(setup, args.audio, options, progress)
    export_rig(animation, args.out, args.format, spine_names(args))
    _say(f"wrote {args.out} ({len(animation.motion)} frames, {args.format})")
    return 0


def batch(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio batch: every row of a manifest, models loaded once per worker."""
    from core.batch.manifest import ManifestError
    from core.batch.runner import run_batch

    try:
        summary = run_batch(args.manifest, args.out, workers=args.workers, ray_address=args.ray, progress=progress,
                            model=args.model)
    except ManifestError as err:
        for problem in err.problems:  # every one, before the one-line error
            _say(f"{args.manifest.name}: {problem}")
        if err.problems:
            raise ManifestError(f"{args.manifest.name} has {len(err.problems)} problem(s) (listed above); "
                                "nothing was run.") from None
        raise
    _say(f"{summary.done} done, {summary.skipped} already done, {summary.failed} failed; "
         f"summary in {summary.csv_path} and {summary.md_path}")
    return 0 if summary.failed == 0 else 1
