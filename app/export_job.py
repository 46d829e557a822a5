"""One export run, free of Qt: render frames headless and write mp4 / PNG sequence / motion JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.frame_source import make_renderer
from app.studio_session import StudioSession
from core.errors import Cancelled, OutputError


@dataclass(frozen=True)
class ExportSettings:
    """What the export dialog asks for."""

    path: str
    kind: str = "mp4"  # mp4 | png | json
    fps: float = 25.0
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
        self.audio_path = str(session.project.audio_path) if session.project.audio_path else None
        first = max(0, settings.first_frame)
        last = len(rigs[0]) - 1 if settings.last_frame is None else min(settings.last_frame, len(rigs[0]) - 1)
        self.rig, self.mouth = rigs[0][first:last + 1].copy(), rigs[1][first:last + 1].copy()
        self.start_time = first / session.project.fps
        self.cancel_event = threading.Event()

    def frames(self) -> range:
        return range(len(self.rig))

    def run(self, progress: Callable[[int, int], None]) -> None:
        """Render and write; raises Cancelled when ``cancel_event`` is set."""
        out = Path(self.settings.path)
        if not out.parent.exists():
            raise OutputError(f"Folder {out.parent} does not exist.")
        if self.settings.kind == "json":
            self._write_json(out)
            progress(1, 1)
            return
        from core.render.gl_context import create_headless_context

        ctx = create_headless_context()
        try:
            renderer = make_renderer(ctx, self.rgba, self.rest_face)
            writer = self._writer(out)
            try:
                self._render_all(renderer, writer, progress)
            finally:
                writer(-1, None)
        finally:
            ctx.release()

    def _render_all(self, renderer, writer, progress: Callable[[int, int], None]) -> None:  # noqa: ANN001
        for n, (rig, mouth) in enumerate(zip(self.rig, self.mouth)):
            if self.cancel_event.is_set():
                raise Cancelled("Export cancelled.")
            writer(n, self._resize(np.asarray(renderer.render(rig, mouth))))
            progress(n + 1, len(self.rig))

    def _resize(self, rgba: np.ndarray) -> np.ndarray:
        if self.settings.size is None or tuple(self.settings.size) == (rgba.shape[1], rgba.shape[0]):
            return rgba
        import cv2

        return cv2.resize(rgba, self.settings.size, interpolation=cv2.INTER_AREA)

    def _writer(self, out: Path) -> Callable[[int, np.ndarray | None], None]:
        if self.settings.kind == "png":
            return _png_writer(out)
        audio = self.audio_path if self.start_time == 0 else None  # a sub-range is exported silent
        return _mp4_writer(out, self.settings.fps, audio)

    def _write_json(self, out: Path) -> None:
        data = {"fps": self.settings.fps, "rig": self.rig.tolist(), "mouth_open": self.mouth.tolist()}
        out.write_text(json.dumps(data))


def _png_writer(folder: Path) -> Callable[[int, np.ndarray | None], None]:
    import cv2

    folder.mkdir(parents=True, exist_ok=True)

    def write(n: int, rgba: np.ndarray | None) -> None:
        if rgba is not None:
            cv2.imwrite(str(folder / f"frame_{n:05d}.png"), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))

    return write


def _mp4_writer(path: Path, fps: float, audio: str | None) -> Callable[[int, np.ndarray | None], None]:
    import imageio_ffmpeg

    state: dict = {}

    def write(n: int, rgba: np.ndarray | None) -> None:
        if rgba is None:
            if "gen" in state:
                state["gen"].close()
            return
        if "gen" not in state:
            h, w = rgba.shape[:2]
            state["gen"] = imageio_ffmpeg.write_frames(
                str(path), (w, h), fps=fps, codec="libx264", macro_block_size=2, ffmpeg_log_level="error",
                audio_path=audio, audio_codec="aac" if audio else None,
                output_params=["-shortest"] if audio else None)
            state["gen"].send(None)
        state["gen"].send(np.ascontiguousarray(rgba[..., :3]))

    return write
