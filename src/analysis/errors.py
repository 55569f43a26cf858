"""The one exception type a user sees for bad input."""

from __future__ import annotations

from pathlib import Path


class CorpusError(ValueError):
    """Bad input in the corpus folder: names the file and the problem.

    Raised for undecodable or binary files, empty files, metadata rows without a file and
    files without a row, duplicate ids, missing metadata columns and bad dates.
    """

    def __init__(self, path: Path | str | None, problem: str):
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)

    def __reduce__(self):
        """Picklable, so an error raised in a worker process reaches the user unchanged."""
        return (type(self), (self.path, self.problem))
