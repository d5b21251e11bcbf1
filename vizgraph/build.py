"""Report specs -> report folders: `vizgraph build reports/` builds every spec into reports/_build/."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .api import report_files
from .compile import compile_graph
from .errors import SpecError, VizgraphError
from .files import write_report
from .parse import parse
from .report import Page
from .spec import Spec, load_spec
from .trace import trace_graph

__all__ = ["BuildResult", "build", "find_specs"]


@dataclass(frozen=True)
class BuildResult:
    spec: Path
    out: Path | None  # None when the spec failed
    error: VizgraphError | None = None


def find_specs(paths: Iterable[Path]) -> list[Path]:
    """Spec files named directly, and the *.toml files of folders (not their _build)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            specs = sorted(p for p in path.glob("*.toml") if p.is_file())
            if not specs:
                raise SpecError(
                    f"no report specs (*.toml) in {path}", hint="see the spec example in README.md"
                )
            found.extend(specs)
        elif path.is_file():
            found.append(path)
        else:
            raise SpecError(
                f"no such spec file or folder: {path}",
                hint="name spec files or folders that exist (default: reports/)",
            )
    names: dict[str, Path] = {}
    for spec in found:
        if spec.stem in names and names[spec.stem].resolve() != spec.resolve():
            raise SpecError(
                f"two specs would build into the same folder `{spec.stem}`: "
                f"{names[spec.stem]} and {spec}",
                hint="rename one of them",
            )
        names[spec.stem] = spec
    return list(dict.fromkeys(found))


def build(
    paths: Iterable[Path],
    *,
    out: Path | None = None,
    on_result: Callable[[BuildResult], None] = lambda result: None,
) -> list[BuildResult]:
    """Build every spec; a bad spec fails alone and the others are still built."""
    results = []
    for spec_path in find_specs(paths):
        result = _build_one(spec_path, out or spec_path.parent / "_build")
        on_result(result)
        results.append(result)
    return results


def _build_one(spec_path: Path, out: Path) -> BuildResult:
    try:
        spec = load_spec(spec_path)
        return BuildResult(spec_path, write_report(out / spec.name, _files(spec)))
    except VizgraphError as error:
        return BuildResult(spec_path, None, error)


def _files(spec: Spec) -> dict[str, str | bytes]:
    graph = compile_graph(
        parse(spec.positioned_program, file=spec.program_file), target=spec.target
    )
    traced = trace_graph(graph, inputs=spec.inputs, wrt=spec.params, digits=spec.digits)
    return report_files(traced, Page(spec.title, spec.program, spec.description))
