"""Report spec (TOML) -> Spec: validated at load, every problem named by file, line and key.

A spec's program may be inline or a file beside the spec; a templates folder too must stay
inside the specs' folder. Errors in an inline program point at lines and columns of the spec.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compile import GRANULARITIES
from .errors import Location, SpecError, VizgraphError
from .files import read_text
from .parse import Limits, parse
from .render import THEMES
from .types import OUTPUTS

__all__ = ["KEYS", "Spec", "load_spec"]

_CHOICES = {"granularity": GRANULARITIES, "theme": tuple(THEMES), "rankdir": ("auto", "LR", "TB")}
KEYS: dict[str, type] = {
    "title": str,
    "description": str,
    "program": str,
    "inputs": dict,
    "params": list,
    "target": str,
    "granularity": str,
    "theme": str,
    "rankdir": str,
    "digits": int,
    "exact": bool,
    "edge_labels": bool,
    "outputs": list,
    "templates": str,
    "limits": dict,
}


_ERROR_KEYS = [
    (("differentiate", "--wrt"), "params"),
    (("target",), "target"),
    (("no input named", "is computed by", "does not affect"), "inputs"),
]


@dataclass(frozen=True)
class Spec:
    path: Path
    title: str
    program: str  # the program's text
    program_file: str  # where its line numbers point: the spec or the program's own file
    line_offset: int = 0  # lines before the program's first line in that file
    column_offset: int = 0  # columns before it on its first line (a one-line program)
    description: str = ""
    inputs: dict[str, float] = field(default_factory=dict)
    params: tuple[str, ...] | None = None
    target: str | None = None
    granularity: str = "statement"
    theme: str = "default"
    rankdir: str = "auto"
    digits: int = 4
    exact: bool = False
    edge_labels: bool = False
    outputs: tuple[str, ...] = OUTPUTS
    templates: Path | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def positioned_program(self) -> str:
        """The program padded so that every error's line number is a line of `program_file`."""
        return "\n" * self.line_offset + self.program

    def place(self, error: VizgraphError) -> VizgraphError:
        """Point an error at the spec: a one-line inline program's column, or the key that
        named what is wrong (params, target, inputs), or at least the spec file."""
        where = error.where
        if self.column_offset and where.line == self.line_offset + 1 and where.column:
            error.where = Location(where.file, where.line, where.column + self.column_offset)
        elif where.line is None:
            text = read_text(self.path)
            key = next(
                (
                    k
                    for words, k in _ERROR_KEYS
                    if any(w in error.message for w in words) and k in text
                ),
                None,
            )
            error.where = _Locator(self.path, text).key(key) if key else Location(str(self.path))
        return error


def load_spec(path: Path) -> Spec:
    """Read and check a spec; the program is parsed too, so a bad one fails here, with its line."""
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, error) from None
    at = _Locator(path, text)
    for key, value in data.items():
        _check_key(at, key, value)
    if "program" not in data:
        raise SpecError(
            "the spec has no `program`",
            where=Location(str(path), 1, 1),
            hint='add program = """w = 3; J = w**2""" or program = "file.vg"',
        )
    spec = Spec(
        path=path,
        title=data.get("title", path.stem.replace("-", " ").replace("_", " ").capitalize()),
        **_program(at, data["program"]),
        description=data.get("description", ""),
        inputs=_inputs(at, data.get("inputs", {})),
        params=tuple(data["params"]) if "params" in data else None,
        target=data.get("target"),
        granularity=data.get("granularity", "statement"),
        theme=data.get("theme", "default"),
        rankdir=data.get("rankdir", "auto"),
        digits=data.get("digits", 4),
        exact=data.get("exact", False),
        edge_labels=data.get("edge_labels", False),
        outputs=_outputs(at, data.get("outputs", OUTPUTS)),
        templates=_folder(at, "templates", data["templates"]) if "templates" in data else None,
        limits=_limits(at, data.get("limits", {})),
    )
    try:
        parse(spec.positioned_program, file=spec.program_file, limits=spec.limits)
    except VizgraphError as error:
        raise spec.place(error) from None
    return spec


class _Locator:
    """Where a key, or a name inside a table, stands in the spec's text."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def key(self, key: str, inner: str | None = None) -> Location:
        match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", self.text, re.M)
        if match is None:
            return Location(str(self.path), 1, 1)
        start = match.start()
        if inner is not None:  # a name inside the key's value: `inputs = { w = "x" }`
            found = re.compile(rf"\b{re.escape(inner)}\b").search(self.text, match.end())
            if found is not None:
                start = found.start()
        line = self.text.count("\n", 0, start) + 1
        column = start - (self.text.rfind("\n", 0, start) + 1) + 1
        return Location(str(self.path), line, column)

    def error(self, key: str, message: str, hint: str, inner: str | None = None) -> SpecError:
        return SpecError(message, where=self.key(key, inner), hint=hint)


def _check_key(at: _Locator, key: str, value: Any) -> None:
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"the keys are {', '.join(KEYS)}"
        raise at.error(key, f"unknown key `{key}`", hint)
    wanted = KEYS[key]
    if not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool):
        raise at.error(
            key,
            f"`{key}` must be {_type_name(wanted)}, not {_type_name(type(value))}",
            "see the spec example in README.md",
        )
    checks: dict[str, Callable[[Any], str | None]] = {
        "digits": lambda v: None if 1 <= v <= 15 else "`digits` must be from 1 to 15",
        "params": lambda v: (
            None if all(isinstance(p, str) for p in v) else "`params` must be a list of names"
        ),
        "outputs": lambda v: next((f"unknown output `{o}`" for o in v if o not in OUTPUTS), None),
        **{k: _choice(k) for k in _CHOICES},
    }
    problem = checks[key](value) if key in checks else None
    if problem:
        allowed = {"outputs": ", ".join(OUTPUTS), "digits": "4", "params": '["w", "b"]'}
        hint = " or ".join(_CHOICES[key]) if key in _CHOICES else allowed[key]
        raise at.error(key, problem, f"use {hint}")


def _outputs(at: _Locator, outputs: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    if not outputs:
        raise at.error("outputs", "`outputs` names no output", f"use some of {', '.join(OUTPUTS)}")
    return tuple(dict.fromkeys(outputs))


def _choice(key: str) -> Callable[[Any], str | None]:
    return lambda v: None if v in _CHOICES[key] else f"`{key}` cannot be `{v}`"


def _inputs(at: _Locator, inputs: dict[str, Any]) -> dict[str, float]:
    for name, value in inputs.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise at.error(
                "inputs",
                f"input `{name}` must be a number",
                f"inputs = {{ {name} = 3 }}",
                inner=name,
            )
        if abs(value) == float("inf"):
            raise at.error(
                "inputs", f"input `{name}` must be finite", f"inputs = {{ {name} = 3 }}", inner=name
            )
    return {name: float(value) for name, value in inputs.items()}


def _limits(at: _Locator, given: dict[str, Any]) -> Limits:
    """Parser limits raised for this spec, each within its hard cap."""
    known = {f.name for f in dataclasses.fields(Limits)}
    for name, value in given.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = (
                f"did you mean `{close[0]}`?"
                if close
                else f"the limits are {', '.join(sorted(known))}"
            )
            raise at.error("limits", f"unknown limit `{name}`", hint, inner=name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise at.error(
                "limits",
                f"limit `{name}` must be a number",
                f"limits = {{ {name} = 1000 }}",
                inner=name,
            )
    try:
        return dataclasses.replace(Limits(), **given).within()
    except VizgraphError as error:
        raise at.error("limits", error.message, error.hint) from None


def _program(at: _Locator, program: str) -> dict[str, Any]:
    """The program's text and where its lines and columns are: the spec, or a file beside it."""
    if "\n" not in program and re.fullmatch(r"[\w./-]+\.(vg|txt|py)", program.strip()):
        file = _inside(at, "program", program.strip())
        if not file.is_file():
            raise at.error(
                "program", f"no program file {program}", "the path is relative to the spec"
            )
        return {"program": read_text(file), "program_file": str(at.path.parent / program.strip())}
    where = at.key("program")
    assert where.line is not None
    # A multi-line string starts on the line after `program = """`: count from there.
    own_line = re.search(r'^\s*program\s*=\s*("""|\'\'\')[ \t]*\n', at.text, re.M) is not None
    if own_line:
        return {"program": program, "program_file": str(at.path), "line_offset": where.line}
    line = at.text.splitlines()[where.line - 1]
    quote = re.search(r"=\s*(\"\"\"|'''|\"|')", line)
    column = quote.end() if quote else 0
    return {
        "program": program,
        "program_file": str(at.path),
        "line_offset": where.line - 1,
        "column_offset": column,
    }


def _folder(at: _Locator, key: str, relative: str) -> Path:
    folder = _inside(at, key, relative)
    if not folder.is_dir():
        raise at.error(key, f"no folder {relative}", "the path is relative to the spec")
    return folder


def _inside(at: _Locator, key: str, relative: str) -> Path:
    """A path relative to the spec that cannot leave the specs' folder (by .. or a link)."""
    base = at.path.parent.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise at.error(
            key, f"`{key}` must stay inside the specs' folder", "keep it beside the spec"
        )
    return target


def _toml_error(path: Path, error: tomllib.TOMLDecodeError) -> SpecError:
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    return SpecError(
        f"not valid TOML: {message}",
        where=Location(str(path), line, column),
        hint="see the spec example in README.md",
    )


def _type_name(kind: type) -> str:
    names = {
        str: "a string",
        dict: "a table",
        list: "a list",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
    }
    return names.get(kind, kind.__name__)
