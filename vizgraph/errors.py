"""One error hierarchy: every refusal says what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EvaluationError",
    "Location",
    "ParseError",
    "RenderError",
    "SpecError",
    "VizgraphError",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file (or None for text given inline), a line and a column (1-based)."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class VizgraphError(Exception):
    """Bad input: the CLI prints `error: WHERE: MESSAGE (HINT)` and exits 2."""

    def __init__(self, message: str, *, where: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where or Location()
        self.hint = hint

    def in_file(self, file: str) -> VizgraphError:
        """The same error, placed in `file` (text is parsed before we know where it came from)."""
        self.where = Location(file, self.where.line, self.where.column)
        return self

    def __str__(self) -> str:
        where = str(self.where)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ParseError(VizgraphError, ValueError):
    """The program is outside the input language."""


class SpecError(VizgraphError, ValueError):
    """A report spec is malformed."""


class EvaluationError(VizgraphError, ArithmeticError):
    """A value is not a finite real number, or an input has no value."""


class RenderError(VizgraphError, RuntimeError):
    """Graphviz or the PDF engine is missing or failed."""
