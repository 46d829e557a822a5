"""Export dialog (mp4 / PNG sequence / JSON / mouth cues / rig curves; size, range) and its
worker thread with progress + Cancel (core's Progress: a cancelled export leaves nothing)."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QProgressDialog, QPushButton, QSpinBox, QWidget)

from app.export_job import ExportJob, ExportSettings
from app.studio_session import StudioSession
from core.errors import Cancelled, SpaceStudioError

KINDS = {"MP4 video (H.264 + AAC)": "mp4", "PNG sequence (folder)": "png", "Motion JSON": "json",
         "Mouth cues, Rhubarb TSV": "cues.tsv", "Mouth cues, Rhubarb JSON": "cues.json",
         "Mouth cues, Rhubarb XML": "cues.xml", "Mouth cues, Moho/OpenToonz DAT": "cues.dat",
         "ARKit blendshapes (Live Link Face CSV)": "arkit", "Live2D motion (motion3.json)": "live2d",
         "Spine animation JSON": "spine", "Every track (CSV)": "csv"}
MAX_SIDE = 2048  # core.render.delaunay_warp.MAX_OUTPUT_SIZE (not imported: it pulls in moderngl)


class ExportWorker(QThread):
    """Runs an ExportJob off the UI thread; ``progressed(stage, done, total)`` follows it."""

    progressed = Signal(str, int, int)
    failed = Signal(str)

    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        self.job = job
        self.error: str | None = None
        job.progress.callback = self.progressed.emit

    def run(self) -> None:
        try:
            self.job.run()
        except Cancelled:
            self.error = "cancelled"
        except SpaceStudioError as e:
            self.error = str(e)
        except OSError as e:
            self.error = f"Export failed: {e}"

    def cancel(self) -> None:
        self.job.cancel()


class ExportDialog(QDialog):
    """Asks for the settings; ``settings()`` reads them back. Frames run at the project's fps."""

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.session = session
        frames = max(session.project.frame_count, 1)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.path = QLineEdit("export.mp4")
        browse = QPushButton("…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        self.size_box = QSpinBox(minimum=16, maximum=MAX_SIDE, value=self._portrait_side())
        self.size_box.setSuffix(" px")
        self.size_box.setToolTip("The longer side of the frames; the portrait's aspect is kept")
        rate = QLabel(f"{session.project.fps:g} fps (the project's)")
        self.first, self.last = QSpinBox(maximum=frames - 1), QSpinBox(maximum=frames - 1, value=frames - 1)
        form = QFormLayout(self)
        for label, widget in (("Format", self.kind), ("Size (longer side)", self.size_box), ("Frame rate", rate),
                              ("First frame", self.first), ("Last frame", self.last)):
            form.addRow(label, widget)
        form.insertRow(1, "Output", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _portrait_side(self) -> int:
        portrait = self.session.portrait
        return min(max(portrait.rgba.shape[:2]), MAX_SIDE) if portrait is not None else 512

    def _browse(self) -> None:
        if KINDS[self.kind.currentText()] == "png":
            path = QFileDialog.getExistingDirectory(self, "Export PNG sequence to")
        else:
            path, _f = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def settings(self) -> ExportSettings:
        """The chosen settings; the portrait's own size and the line's last frame are None (as
        ``render-project`` without --size renders the whole line)."""
        size, last = self.size_box.value(), self.last.value()
        return ExportSettings(self.path.text(), KINDS[self.kind.currentText()], None,
                              None if size == self._portrait_side() else size, self.first.value(),
                              None if last == self.last.maximum() else last)


def run_export(session: StudioSession, settings: ExportSettings, parent: QWidget) -> ExportWorker | None:
    """Start the worker with a modal progress dialog; errors end in a message box."""
    try:
        job = ExportJob(session, settings)
    except SpaceStudioError as e:
        QMessageBox.warning(parent, "Export", str(e))
        return None
    worker = ExportWorker(job)
    progress = QProgressDialog("Exporting…", "Cancel", 0, len(job.frames()), parent)
    progress.setWindowTitle("Export")
    progress.setMinimumDuration(0)
    progress.setAutoReset(False)  # stages (lips, pose, frames) each run to 100 %: stay open until done
    progress.setAutoClose(False)
    progress.canceled.connect(worker.cancel)
    worker.progressed.connect(lambda stage, n, total: _show(progress, stage, n, total))
    worker.finished.connect(lambda: _finished(worker, progress, parent))
    worker.start()
    return worker


def _show(progress: QProgressDialog, stage: str, done: int, total: int) -> None:
    if progress.wasCanceled():
        return
    progress.setLabelText(stage)
    progress.setMaximum(max(total, 0))
    progress.setValue(min(done, total) if total > 0 else 0)


def _finished(worker: ExportWorker, progress: QProgressDialog, parent: QWidget) -> None:
    progress.reset()
    if worker.error and worker.error != "cancelled":
        QMessageBox.warning(parent, "Export failed", worker.error)
