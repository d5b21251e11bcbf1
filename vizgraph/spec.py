"""Report spec (TOML) -> Spec: validated at load, every problem named by file, line and key."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Location, SpecError
from .files import read_text
from .parse import parse

__all__ = ["Spec", "load_spec"]

_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "program": str,
    "inputs": dict,
    "params": list,
    "target": str,
    "digits": int,
}


@dataclass(frozen=True)
class Spec:
    path: Path
    title: str
    program: str  # the program's text
    program_file: str  # where its line numbers point: the spec or the program's own file
    line_offset: int  # lines before the program's first line in that file
    description: str = ""
    inputs: dict[str, float] = field(default_factory=dict)
    params: tuple[str, ...] | None = None
    target: str | None = None
    digits: int = 4

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def positioned_program(self) -> str:
        """The program padded so that every error's line number is a line of `program_file`."""
        return "\n" * self.line_offset + self.program


def load_spec(path: Path) -> Spec:
    """Read and check a spec; the program is parsed too, so a bad one fails here, with its line."""
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, error) from None
    for key, value in data.items():
        _check_key(path, text, key, value)
    if "program" not in data:
        raise SpecError(
            "the spec has no `program`",
            where=Location(str(path), 1, 1),
            hint='add program = """w = 3; J = w**2""" or program = "file.vg"',
        )
    program, program_file, offset = _program(path, text, data["program"])
    parse("\n" * offset + program, file=program_file)
    return Spec(
        path=path,
        title=data.get("title", path.stem.replace("-", " ").replace("_", " ").capitalize()),
        program=program,
        program_file=program_file,
        line_offset=offset,
        description=data.get("description", ""),
        inputs={k: float(v) for k, v in _inputs(path, text, data.get("inputs", {})).items()},
        params=tuple(data["params"]) if "params" in data else None,
        target=data.get("target"),
        digits=data.get("digits", 4),
    )


def _check_key(path: Path, text: str, key: str, value: Any) -> None:
    where = Location(str(path), _key_line(text, key), 1)
    if key not in _KEYS:
        close = difflib.get_close_matches(key, _KEYS, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"the keys are {', '.join(_KEYS)}"
        raise SpecError(f"unknown key `{key}`", where=where, hint=hint)
    wanted = _KEYS[key]
    if not isinstance(value, wanted) or isinstance(value, bool):
        raise SpecError(
            f"`{key}` must be {_type_name(wanted)}, not {_type_name(type(value))}",
            where=where,
            hint="see the spec example in README.md",
        )
    if isinstance(value, list) and not all(isinstance(p, str) for p in value):
        raise SpecError("`params` must be a list of names", where=where, hint='params = ["w", "b"]')
    if key == "digits" and isinstance(value, int) and not 1 <= value <= 15:
        raise SpecError("`digits` must be from 1 to 15", where=where, hint="digits = 4")


def _inputs(path: Path, text: str, inputs: dict[str, Any]) -> dict[str, float]:
    for name, value in inputs.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpecError(
                f"input `{name}` must be a number",
                where=Location(str(path), _key_line(text, "inputs"), 1),
                hint=f"inputs = {{ {name} = 3 }}",
            )
    return inputs


def _program(path: Path, text: str, program: str) -> tuple[str, str, int]:
    """The program's text, the file its lines are in, and how many lines precede it there."""
    if "\n" not in program and re.fullmatch(r"[\w./-]+\.(vg|txt|py)", program.strip()):
        file = (path.parent / program.strip()).resolve()
        if not file.is_relative_to(path.parent.resolve()):
            raise SpecError(
                "`program` must be a file beside the spec",
                where=Location(str(path), _key_line(text, "program"), 1),
                hint="keep programs in the specs' folder",
            )
        if not file.is_file():
            raise SpecError(
                f"no program file {program}",
                where=Location(str(path), _key_line(text, "program"), 1),
                hint="check the path, relative to the spec",
            )
        return read_text(file), str(path.parent / program.strip()), 0
    line = _key_line(text, "program")
    # A multi-line string starts on the line after `program = """`: count from there.
    starts_next_line = re.search(r'^\s*program\s*=\s*("""|\'\'\')\s*$', text, re.M) is not None
    return program, str(path), (line if starts_next_line else line - 1)


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _toml_error(path: Path, error: tomllib.TOMLDecodeError) -> SpecError:
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    return SpecError(
        f"not valid TOML: {message}",
        where=Location(str(path), line, column),
        hint="see the spec example in README.md",
    )


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        dict: "a table",
        list: "a list",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)
