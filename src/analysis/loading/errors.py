"""The exceptions a user can see. Every one derives from :class:`AnalysisError` and names the file
(or the setting) and the problem, so the command line prints one line instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class AnalysisError(ValueError):
    """Base class of every error the user can see: ``path`` (or None) and ``problem``."""

    def __init__(self, path: Path | str | None, problem: str):
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)

    def __reduce__(self):
        """Picklable, so an error raised in a worker process reaches the user unchanged."""
        return (type(self), (self.path, self.problem))


class CorpusError(AnalysisError):
    """Bad input in the corpus folder: names the file and the problem.

    Raised for undecodable or binary files, empty files, metadata rows without a file and
    files without a row, duplicate ids, missing metadata columns and bad dates.
    """
