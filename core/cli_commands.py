"""What each ``space-studio`` subcommand does, given its parsed arguments."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from core.animation.project_schema import MAX_FPS, MIN_FPS
from core.emotion_spec import parse_emotion_spec
from core.errors import ImplausibleFaceError, NoFaceError, OutputError, TranscriptError
from core.pipeline import GenerationOptions, animate
from core.portrait_setup import prepare_portrait
from core.pose_source import MAX_AMPLITUDE, parse_pose_args
from core.progress import Progress

MAX_TRANSCRIPT_BYTES = 1 << 20  # a line's words; a megabyte is a novel
OUTPUT_FORMATS = {".mp4": "mp4", ".json": "json", ".mov": "mp4", ".m4v": "mp4"}


def _say(message: str) -> None:
    print(f"space-studio: {message}", file=sys.stderr)


def _check_flag_ranges(args: argparse.Namespace) -> None:
    """Every number flag finite and in range, before any work (NaN passes a plain ``<=`` test)."""
    ranges = (("fps", args.fps, MIN_FPS, MAX_FPS), ("blinks-per-minute", args.blinks_per_minute, 0.0, 120.0),
              ("pose-amplitude", args.pose_amplitude, 0.0, MAX_AMPLITUDE))
    for flag, value, low, high in ranges:
        if not (math.isfinite(value) and low <= value <= high):
            raise OutputError(f"--{flag} must be between {low:g} and {high:g}, got {value:g}.")
    if not 0 <= args.seed < 2**63:
        raise OutputError(f"--seed must be a whole number from 0 to 2**63-1, got {args.seed:.3g}.")
    _check_size_flag(getattr(args, "size", None))


def _check_size_flag(size: int | None) -> None:
    from core.render.delaunay_warp import MAX_OUTPUT_SIZE

    if size is not None and not 16 <= size <= MAX_OUTPUT_SIZE:
        raise OutputError(f"--size must be between 16 and {MAX_OUTPUT_SIZE} pixels, got {size:.6g}.")


def generation_options(args: argparse.Namespace) -> GenerationOptions:
    """GenerationOptions from the shared render/motion flags."""
    _check_flag_ranges(args)
    return GenerationOptions(
        fps=args.fps,
        blinks_per_minute=args.blinks_per_minute,
        seed=args.seed,
        pose=parse_pose_args(args.pose, args.seed, args.pose_amplitude),
        emotions=tuple(parse_emotion_spec(text) for text in args.emotion),
        model_path=args.model,
        transcript=read_transcript(args.transcript) if args.transcript else None,
    )


def read_transcript(path: Path) -> str:
    """The words of a transcript file (UTF-8 text)."""
    from core.input_limits import InputLimitError, one_line, read_text_limited

    try:
        text = read_text_limited(path, MAX_TRANSCRIPT_BYTES)
    except FileNotFoundError:
        raise TranscriptError(f"Transcript file not found: {path}") from None
    except (OSError, UnicodeDecodeError, InputLimitError) as err:
        raise TranscriptError(one_line(f"Cannot read transcript {path}: {err}")) from None
    if not text.strip():
        raise TranscriptError(f"Transcript {path} is empty.")
    return text


def output_format(out: Path, explicit: str | None) -> str:
    """mp4 | png | json from --format, else from the output's extension (no extension: PNGs)."""
    if explicit:
        return explicit
    suffix = out.suffix.lower()
    if suffix in OUTPUT_FORMATS:
        return OUTPUT_FORMATS[suffix]
    if suffix in ("", ".png") or out.is_dir():
        return "png"
    raise OutputError(f"Cannot tell the output format from '{out.name}'; use .mp4, .json, a folder, or --format.")


def generation_inputs(args: argparse.Namespace) -> list[Path | None]:
    """Every file a render/motion command reads (the output may be none of them)."""
    pose_reference = Path(args.pose[1]) if args.pose[0] == "from-video" and len(args.pose) > 1 else None
    return [args.image, args.audio, args.landmarks, args.transcript, args.model, pose_reference]


def check_generation_output(args: argparse.Namespace, fmt: str) -> None:
    """Before any work: flags in range and the output checks of core.export.output_check (not an
    input, writable, room for a size guessed from the audio and image headers). ``fmt``: mp4 | png |
    any file format (json, csv, ...)."""
    from core.audio.audio_io import duration_from_header
    from core.export.output_check import check_output, estimated_bytes
    from core.timebase import frame_count

    _check_flag_ranges(args)
    seconds = duration_from_header(args.audio)
    frames = frame_count(seconds, args.fps) if seconds else 0
    rendered = fmt in ("mp4", "png")  # motion formats (json, csv, ...) have no frame size
    size = _frame_size_guess(args.image, getattr(args, "size", None)) if rendered else None
    check_output(args.out, fmt, generation_inputs(args), estimated_bytes(fmt, frames, size))


def _frame_size_guess(image: Path | None, size_flag: int | None) -> tuple[int, int] | None:
    """An upper bound of the rendered frame size from the image header (for the free-space check)."""
    from core.export.output_check import frame_size_guess

    return frame_size_guess(image, size_flag)


def renderer_choice(args: argparse.Namespace, setup) -> str:
    """``--renderer`` resolved for this portrait (warp | neural | drawn); the weights are checked now."""
    from core.render.render_choice import resolve_renderer

    requested = getattr(args, "renderer", None) or "auto"  # None: not given (render-project: the project's)
    if getattr(args, "mouth_set", None) is not None and requested in ("warp", "neural"):
        raise OutputError(f"--mouth-set draws on the drawn style; use --renderer drawn or auto, not {requested}.")
    if requested == "drawn" or getattr(args, "mouth_set", None) is not None:
        return "drawn"
    chosen, note = resolve_renderer(requested, setup.portrait.rgba, setup.face)
    if note:
        _say(note)
    elif requested == "auto":
        _say(f"renderer: {chosen} ({'photographic' if chosen == 'neural' else 'drawn'} portrait; "
             "override with --renderer)")
    return chosen


def frame_style(args: argparse.Namespace):  # noqa: ANN201 - core.render.frame_style.FrameStyle
    """``--mouth-set`` and ``--background`` read and checked now, before any long work."""
    from core.render.frame_style import FrameStyle

    return FrameStyle.from_options(getattr(args, "mouth_set", None), getattr(args, "background", None))


def with_project_render(args: argparse.Namespace, project) -> argparse.Namespace:  # noqa: ANN001 - Project
    """``args`` with --renderer / --mouth-set / --background taken from the project where not given."""
    from core.project_render import render_settings

    chosen = render_settings(project, getattr(args, "renderer", None), getattr(args, "mouth_set", None),
                             getattr(args, "background", None))
    mouth_set = args.mouth_set if getattr(args, "mouth_set", None) is not None else chosen.effective_mouth_set
    background = None if chosen.background is None else str(chosen.background)
    return argparse.Namespace(**{**vars(args), "renderer": chosen.renderer, "mouth_set": mouth_set,
                                 "background": background})


def _prepare(args: argparse.Namespace, progress: Progress):
    progress.step("Finding the face", 0, 1)
    try:
        setup = prepare_portrait(args.image, args.landmarks, getattr(args, "accept_low_confidence", False))
    except ImplausibleFaceError as err:
        from core.landmarks.face_plausibility import implausible_message

        raise ImplausibleFaceError(implausible_message(err.reason, args.image.name), err.reason) from err
    except NoFaceError as err:
        raise NoFaceError(
            f"No face found in '{args.image.name}'; give its landmarks with --landmarks FILE.json "
            "(see docs/landmark_format.md) or fit it in the studio (Rest mode ▸ Fit face to anchors)."
        ) from err
    for note in setup.notes:
        _say(note)
    progress.step("Finding the face", 1, 1)
    return setup


def render(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio render: portrait + speech → mp4 / PNG frames / motion JSON."""
    from core.export.animation_export import export_animation

    fmt = output_format(args.out, args.format)
    check_generation_output(args, fmt)
    options = generation_options(args)
    style = frame_style(args) if fmt != "json" else None
    setup = _prepare(args, progress)
    renderer = renderer_choice(args, setup) if fmt != "json" else "warp"
    animation = animate(setup, args.audio, options, progress)
    export_animation(animation, args.out, fmt, args.size, progress, renderer=renderer, style=style)
    _say(f"wrote {args.out} ({len(animation.motion)} frames at {options.fps:g} fps)")
    return 0


def motion(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio motion: per-frame landmarks as JSON, no rendering."""
    from core.export.animation_export import export_animation

    check_generation_output(args, "json")
    options = generation_options(args)
    setup = _prepare(args, progress)
    animation = animate(setup, args.audio, options, progress)
    export_animation(animation, args.out, "json", None, progress)
    _say(f"wrote {args.out} ({len(animation.motion)} frames)")
    return 0


def landmarks(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio landmarks: detect and save the portrait's landmarks for editing."""
    from core.export.output_check import check_output
    from core.landmarks.landmark_json import save_landmarks

    check_output(args.out, "json", [args.image])
    setup = _prepare(argparse.Namespace(image=args.image, landmarks=None,
                                        accept_low_confidence=args.accept_low_confidence), progress)
    save_landmarks(setup.face, args.out)
    _say(f"wrote {args.out} ({setup.face.source} landmarks)")
    return 0


def render_project(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio render-project: render a saved studio project (core.project_render.export_project,
    the studio's File ▸ Export path too)."""
    from core.animation.project_file import MediaOutsideProjectError, load_project
    from core.project_render import ProjectOutput, export_project, render_settings

    fmt = output_format(args.out, args.format)
    _check_size_flag(args.size)
    try:
        project = load_project(args.project, allow_outside_media=args.allow_outside_media)
    except MediaOutsideProjectError as err:
        raise MediaOutsideProjectError(f"{err} — if you trust the project, add --allow-outside-media",
                                       err.paths) from None
    if getattr(args, "mouth_set", None) is not None and args.renderer in ("warp", "neural"):
        raise OutputError(f"--mouth-set draws on the drawn style; use --renderer drawn or auto, not {args.renderer}.")
    # the project's renderer, mouth set and background unless the command line gives them
    project.render = render_settings(project, args.renderer, args.mouth_set, args.background)
    animation = export_project(project, ProjectOutput(args.out, fmt, args.size), progress, say=_say,
                               inputs=(args.project,))
    _say(f"wrote {args.out} ({len(animation.motion)} frames)")
    return 0


def evaluate(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio evaluate: lip-sync metrics against real talking videos (--render: the renderers)."""
    from core.export.output_check import check_output

    for out in (args.report, getattr(args, "json", None)):
        if out is not None:  # before minutes of scoring: writable, and not one of the videos
            check_output(out, "md", [*args.paths, args.model])
    if getattr(args, "render", False):
        from core.evaluation.render_eval import evaluate_renderers_command

        return evaluate_renderers_command(args, progress, _say)
    from core.evaluation.evaluate import run_evaluation
    from core.motion.s2l_inference import DEFAULT_WEIGHTS, training_videos

    model = args.model or DEFAULT_WEIGHTS
    trained_on = training_videos(model)
    if not trained_on:
        _say(f"no training record beside {model.name}: scores may include people it was trained on")
    result = run_evaluation(args.paths, model_path=model, report_path=args.report, progress=progress.step,
                            trained_on=trained_on, json_path=getattr(args, "json", None))
    from core.evaluation.report import shape_table

    print(result.table() + "\n\n" + shape_table(result))
    for out in (args.report, getattr(args, "json", None)):
        if out:
            _say(f"wrote {out}")
    return 0


def train(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio train MODEL ...: hand over to that model's trainer."""
    import importlib

    module = {"s2l": "core.training.train_s2l", "s2l-crossval": "core.training.crossval_s2l",
              "posegen": "core.training.train_posegen", "emotion": "core.training.train_emotion",
              "phone-labels": "core.training.phone_labels", "phones": "core.training.train_phone_net",
              "apc": "core.training.train_apc", "renderer": "core.training.train_renderer",
              "mouth-refiner": "core.training.train_mouth_refiner",
              "teeth-plate": "core.training.cut_teeth_plate"}[args.model]
    return int(importlib.import_module(module).main(args.args) or 0)
