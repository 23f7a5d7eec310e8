"""One exception root for everything workreport raises on purpose.

    WorkreportError
    ├── ReadError            a file cannot be read as a report (missing, empty, binary,
    │                        encrypted, image-only, undecodable, unsupported type)
    ├── NumeralError         a string is not a numeral (also a ValueError)
    ├── RulesError           a rule file shipped with the package is malformed
    ├── GoldError            an answer key or prediction file is malformed
    ├── StoreError           the database cannot be opened or refuses a change
    │   └── NotFoundError    no fact, commitment or document with that id
    └── InputError           a request or an import file is malformed (row by row)

Every message names what it is about (file, line, span) so that the CLI can print it
as one line and exit non-zero without a traceback.
"""

from __future__ import annotations


class WorkreportError(Exception):
    """Root of every error workreport raises on purpose."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line is not None:
            where = f"{self.path}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ReadError(WorkreportError):
    """A file cannot be read as a report."""


class NumeralError(WorkreportError, ValueError):
    """A string is not a numeral this project understands."""


class RulesError(WorkreportError):
    """A rule file shipped with the package is malformed."""


class GoldError(WorkreportError):
    """An answer key or a predictions file is malformed."""


class StoreError(WorkreportError):
    """The database cannot be opened or refuses a change."""


class NotFoundError(StoreError):
    """No fact, commitment or document with that id."""


class InputError(WorkreportError):
    """A request or an import file is malformed; ``problems`` lists them row by row."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.problems = problems or []
        super().__init__(message, path=path, line=line)
