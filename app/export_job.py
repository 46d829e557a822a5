"""One export run, free of Qt: render frames headless and write mp4 / PNG sequence / motion JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.studio_session import StudioSession
from core.errors import Cancelled, OutputError

# Formats for other tools, made by core from the project's own Animation (as render-project would).
HANDOFF_KINDS = ("cues.tsv", "cues.json", "cues.xml", "cues.dat", "arkit", "live2d", "spine", "csv")


@dataclass(frozen=True)
class ExportSettings:
    """What the export dialog asks for."""

    path: str
    kind: str = "mp4"  # mp4 | png | json | a HANDOFF_KINDS format (cues, rig curves)
    fps: float = 30.0  # the engine's default frame rate (SPACE features are per 30 fps frame)
    size: tuple[int, int] | None = None  # width, height; None keeps the portrait's
    first_frame: int = 0
    last_frame: int | None = None


class ExportJob:
    """A snapshot of the session (rigs computed up front), so the UI may keep editing while it runs."""

    def __init__(self, session: StudioSession, settings: ExportSettings) -> None:
        rigs = session.all_rigs()
        if session.portrait is None or rigs is None:
            raise OutputError("Open a portrait before exporting.")
        self.settings = settings
        self.rgba = session.portrait.rgba.copy()
        self.rest_face = session.portrait.rest_face
        self.samples = None if session.samples is None else session.samples.copy()
        self.sample_rate, self.fps = session.sample_rate, session.project.fps
        first = max(0, settings.first_frame)
        last = len(rigs[0]) - 1 if settings.last_frame is None else min(settings.last_frame, len(rigs[0]) - 1)
        self.rig, self.mouth = rigs[0][first:last + 1].copy(), rigs[1][first:last + 1].copy()
        self.first_frame = first  # frame numbers matter to the drawn style (its first frames) and mouth sets
        self.render = session.project.render  # renderer, mouth set, background (frozen: a snapshot)
        self.has_alpha = bool((self.rgba[:, :, 3] < 255).any())
        self.start_time = first / session.project.fps
        self.project = session.project  # read again by HANDOFF_KINDS, which regenerate the whole line
        self.cancel_event = threading.Event()

    def frames(self) -> range:
        return range(len(self.rig))

    def run(self, progress: Callable[[int, int], None]) -> None:
        """Render and write; raises Cancelled when ``cancel_event`` is set (nothing partial is kept for mp4)."""
        out = Path(self.settings.path)
        if not out.parent.exists():
            raise OutputError(f"Folder {out.parent} does not exist.")
        if self.settings.kind == "json":
            self._write_json(out)
            progress(1, 1)
            return
        if self.settings.kind in HANDOFF_KINDS:
            progress(0, 1)
            self._write_handoff(out)
            progress(1, 1)
            return
        from core.render.gl_context import create_headless_context

        ctx = create_headless_context()
        try:
            style = self._frame_style()
            renderer = self._open_renderer(ctx, style)
            writer = self._writer(out)
            try:
                self._render_all(renderer, style, writer, progress)
            except BaseException:
                writer.abort()
                raise
            writer.close()
        finally:
            ctx.release()

    def _frame_style(self):  # noqa: ANN202 - core.render.frame_style.FrameStyle
        """The project's mouth set and background, filled in as render-project fills them in
        (core.render.frame_style.FrameStyle.for_export): a mouth set's cue track comes from the
        whole line's phones; an mp4 of a transparent portrait gets the default background."""
        from dataclasses import replace

        from core.project_render import frame_style_of
        from core.render.background import Background

        style = frame_style_of(self.render)
        if style.mouth_set is not None:
            from core.project_render import animate_loaded_project

            style = style.for_export(animate_loaded_project(self.project), self.settings.kind)
            shapes = style.frame_shapes
            needed = self.first_frame + len(self.rig)
            if len(shapes) < needed:  # the preview's frame count may round differently: hold the last shape
                style = replace(style, frame_shapes=shapes + (shapes[-1] if shapes else "X",) * (needed - len(shapes)))
        elif self.settings.kind == "mp4" and style.background is None and self.has_alpha:
            style = replace(style, background=Background())
        if self.cancel_event.is_set():
            raise Cancelled("Export cancelled.")
        return style

    def _open_renderer(self, ctx, style):  # noqa: ANN001, ANN202 - moderngl.Context, FrameStyle
        """The project's renderer, ``auto`` resolved as render-project resolves it."""
        from core.render.frame_style import open_renderer
        from core.render.render_choice import resolve_renderer

        chosen, _ = resolve_renderer(self.render.renderer, self.rgba, self.rest_face, style.mouth_set is not None)
        height, width = self.rgba.shape[:2]
        return open_renderer(ctx, self.rgba, self.rest_face, (width, height), chosen, style)

    def _render_all(self, renderer, style, writer, progress: Callable[[int, int], None]) -> None:  # noqa: ANN001
        for n, (rig, mouth) in enumerate(zip(self.rig, self.mouth)):
            if self.cancel_event.is_set():
                raise Cancelled("Export cancelled.")
            frame = style.frame(renderer, self.first_frame + n, rig, float(mouth))
            writer.write(n, self._resize(np.asarray(frame)))
            progress(n + 1, len(self.rig))

    def audio_slice(self) -> np.ndarray | None:
        """The speech under the exported frames (16 kHz), so a sub-range starts in sync."""
        if self.samples is None:
            return None
        first = int(round(self.start_time * self.sample_rate))
        last = first + int(round(len(self.rig) / self.fps * self.sample_rate))
        from app.audio_output import resample
        from core.export.video_export import SAMPLE_RATE

        return resample(self.samples[first:last], self.sample_rate, SAMPLE_RATE)

    def _resize(self, rgba: np.ndarray) -> np.ndarray:
        if self.settings.size is None or tuple(self.settings.size) == (rgba.shape[1], rgba.shape[0]):
            return rgba
        import cv2

        return cv2.resize(rgba, self.settings.size, interpolation=cv2.INTER_AREA)

    def _writer(self, out: Path) -> _PngWriter | _Mp4Writer:
        if self.settings.kind == "png":
            return _PngWriter(out)
        return _Mp4Writer(out, self.settings.fps, self.audio_slice(), len(self.rig))

    def _write_handoff(self, out: Path) -> None:
        """Mouth cues or rig curves of the whole line, through core (same as the CLI)."""
        from core.animation.mouth_shapes import effective_cues
        from core.export.mouth_cues import cues_for_animation, shape_set
        from core.project_render import animate_loaded_project

        animation = animate_loaded_project(self.project)
        if self.cancel_event.is_set():
            raise Cancelled("Export cancelled.")
        kind = self.settings.kind
        if kind.startswith("cues."):
            from core.export.cue_formats import CueDocument, write_cues

            cues = effective_cues(animation, cues_for_animation(animation))  # with the mouth-shape lane's edits
            document = CueDocument(cues, animation.audio_path,
                                   animation.speech.audio.duration, shape_set())
            write_cues(out, document, kind.removeprefix("cues."))
        else:
            from core.export.rigs.rig_export import export_rig

            export_rig(animation, out, kind)

    def _write_json(self, out: Path) -> None:
        data = {"fps": self.settings.fps, "rig": self.rig.tolist(), "mouth_open": self.mouth.tolist()}
        out.write_text(json.dumps(data))


class _PngWriter:
    """frame_00000.png … in a folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder

    def write(self, n: int, rgba: np.ndarray) -> None:
        import cv2

        code = cv2.COLOR_RGBA2BGRA if rgba.shape[2] == 4 else cv2.COLOR_RGB2BGR  # over a background: RGB
        cv2.imwrite(str(self.folder / f"frame_{n:05d}.png"), cv2.cvtColor(rgba, code))

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _Mp4Writer:
    """core's VideoWriter, opened at the first frame's size; 16 kHz samples as the sound track."""

    def __init__(self, path: Path, fps: float, audio: np.ndarray | None, total: int) -> None:
        self.path, self.fps, self.audio, self.total = path, fps, audio, total
        self._video = None

    def write(self, _n: int, rgba: np.ndarray) -> None:
        if self._video is None:
            from core.export.video_export import VideoWriter

            audio = self.audio if self.audio is not None and len(self.audio) else None
            self._video = VideoWriter(self.path, (rgba.shape[1], rgba.shape[0]), self.fps, audio, self.total)
        self._video.write(rgba)

    def close(self) -> None:
        if self._video is not None:
            self._video.close()

    def abort(self) -> None:
        if self._video is not None:
            self._video.abort()
