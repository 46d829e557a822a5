"""User-facing errors: each carries a one-line message that says what to do."""


class SpaceStudioError(Exception):
    """Base of every error a user can cause; the CLI and GUI show ``str(err)``."""


class AudioError(SpaceStudioError):
    """Audio that cannot be read, is empty, or is corrupt."""


class ImageError(SpaceStudioError):
    """An image that cannot be read or used."""


class NoFaceError(SpaceStudioError):
    """No face found and no landmarks supplied."""


class ImplausibleFaceError(NoFaceError):
    """A face was found but fails the plausibility checks; ``reason`` says which (one line)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class LandmarkFileError(SpaceStudioError):
    """A landmark JSON file that is malformed."""


class OutputError(SpaceStudioError):
    """An output path that cannot be written."""


class ProjectFileError(SpaceStudioError):
    """A project file that cannot be read."""


class ModelWeightsError(SpaceStudioError):
    """Missing or mismatched model weights."""


class Cancelled(SpaceStudioError):
    """The user cancelled a long operation."""


class VideoError(SpaceStudioError):
    """A video that cannot be opened or decoded."""


class TranscriptError(SpaceStudioError):
    """A transcript that cannot be read or aligned to its speech."""
