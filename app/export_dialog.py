"""Export dialog (mp4 / PNG sequence / JSON / mouth cues / rig curves; size, fps, range) and its worker thread with progress + Cancel."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QMessageBox, QProgressDialog, QPushButton, QSpinBox, QWidget)

from app.export_job import ExportJob, ExportSettings
from app.studio_session import StudioSession
from core.errors import Cancelled, SpaceStudioError

KINDS = {"MP4 video (H.264 + AAC)": "mp4", "PNG sequence (folder)": "png", "Motion JSON": "json",
         "Mouth cues, Rhubarb TSV": "cues.tsv", "Mouth cues, Rhubarb JSON": "cues.json",
         "Mouth cues, Rhubarb XML": "cues.xml", "Mouth cues, Moho/OpenToonz DAT": "cues.dat",
         "ARKit blendshapes (Live Link Face CSV)": "arkit", "Live2D motion (motion3.json)": "live2d",
         "Spine animation JSON": "spine", "Every track (CSV)": "csv"}


class ExportWorker(QThread):
    """Runs an ExportJob off the UI thread."""

    progressed = Signal(int, int)
    failed = Signal(str)

    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        self.job = job
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.job.run(self.progressed.emit)
        except Cancelled:
            self.error = "cancelled"
        except SpaceStudioError as e:
            self.error = str(e)
        except OSError as e:
            self.error = f"Export failed: {e}"

    def cancel(self) -> None:
        self.job.cancel_event.set()


class ExportDialog(QDialog):
    """Asks for the settings; ``settings()`` reads them back."""

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        frames = session.project.frame_count
        w, h = (session.portrait.rgba.shape[1], session.portrait.rgba.shape[0]) if session.portrait else (512, 512)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.path = QLineEdit("export.mp4")
        browse = QPushButton("…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        self.width_box, self.height_box = QSpinBox(maximum=8192, value=w), QSpinBox(maximum=8192, value=h)
        self.fps = QDoubleSpinBox(minimum=1, maximum=120, value=session.project.fps)
        self.first, self.last = QSpinBox(maximum=frames - 1), QSpinBox(maximum=frames - 1, value=frames - 1)
        form = QFormLayout(self)
        for label, widget in (("Format", self.kind), ("Width", self.width_box), ("Height", self.height_box),
                              ("FPS", self.fps), ("First frame", self.first), ("Last frame", self.last)):
            form.addRow(label, widget)
        form.insertRow(1, "Output", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        if KINDS[self.kind.currentText()] == "png":
            path = QFileDialog.getExistingDirectory(self, "Export PNG sequence to")
        else:
            path, _f = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def settings(self) -> ExportSettings:
        return ExportSettings(self.path.text(), KINDS[self.kind.currentText()], self.fps.value(),
                              (self.width_box.value(), self.height_box.value()), self.first.value(), self.last.value())


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
    progress.canceled.connect(worker.cancel)
    worker.progressed.connect(lambda n, total: (progress.setMaximum(total), progress.setValue(n)))
    worker.finished.connect(lambda: _finished(worker, progress, parent))
    worker.start()
    return worker


def _finished(worker: ExportWorker, progress: QProgressDialog, parent: QWidget) -> None:
    progress.reset()
    if worker.error and worker.error != "cancelled":
        QMessageBox.warning(parent, "Export failed", worker.error)
