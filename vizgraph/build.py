"""Report specs -> report folders, for course repositories: incremental, parallel, sharded.

`vizgraph build reports/` builds every spec into reports/_build/<spec name>/ and writes
reports/_build/index.html. A report is rebuilt only when what it is made from changed: its
spec, its program file, the templates, or vizgraph and the libraries that draw it. That is a
content hash kept in the report's marker file, so a build with nothing changed renders nothing.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import fnmatch
import hashlib
import importlib.metadata
import multiprocessing
import os
import re
import shutil
import subprocess
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

from . import __version__
from .errors import SpecError, VizgraphError
from .files import MARKER, Content, read_manifest, write_report

__all__ = ["BuildResult", "build", "find_specs", "select_specs", "write_index"]

Status = Literal["built", "unchanged", "failed"]


@dataclass(frozen=True)
class BuildResult:
    spec: Path
    status: Status
    out: Path
    error: str = ""  # the one-line error of a failed spec
    exit_code: int = 0  # 2 for a bad spec, 1 for an internal failure
    seconds: float = 0.0


@dataclass(frozen=True)
class _Task:
    spec: Path
    out: Path
    fingerprint: str
    templates: Path | None


def find_specs(paths: Iterable[Path]) -> list[Path]:
    """Spec files named directly, and the *.toml files of folders, in a stable order."""
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
    return list(dict.fromkeys(found))


def select_specs(
    specs: Sequence[Path], *, shard: tuple[int, int] = (1, 1), only: str | None = None
) -> list[Path]:
    """Shard K of N: every N-th spec, by sorted path, so N jobs build each spec exactly once."""
    k, n = shard
    ordered = sorted(specs, key=lambda p: p.as_posix())
    chosen = [s for i, s in enumerate(ordered) if i % n == k - 1]
    if only is not None:
        chosen = [
            s for s in chosen if fnmatch.fnmatch(s.stem, only) or fnmatch.fnmatch(str(s), only)
        ]
    return chosen


def build(
    paths: Iterable[Path],
    *,
    out: Path | None = None,
    jobs: int | None = None,
    shard: tuple[int, int] = (1, 1),
    only: str | None = None,
    force: bool = False,
    templates: Path | None = None,
    fail_fast: bool = False,
    on_result: Callable[[BuildResult], None] = lambda result: None,
) -> list[BuildResult]:
    """Build the specs that changed; a bad spec fails alone unless `fail_fast`."""
    found = find_specs(paths)  # globbed once: sharded below, and listed whole in the index
    specs = select_specs(found, shard=shard, only=only)
    if only is not None and not select_specs(found, only=only):
        raise SpecError(
            f"no spec matches --only {only}", hint="match spec names, such as 'neuron*'"
        )
    destinations = _destinations(specs, out)
    for folder in {d.parent for d in destinations.values()}:
        _clear_leftovers(folder)
    shared = _environment_fingerprint(templates)
    results: list[BuildResult] = []
    tasks: list[_Task] = []
    for spec in specs:
        task = _Task(spec, destinations[spec], _fingerprint(spec, shared, templates), templates)
        if not force and _up_to_date(task):
            results.append(BuildResult(spec, "unchanged", task.out))
            on_result(results[-1])
        else:
            tasks.append(task)
    results.extend(_run_all(tasks, jobs or os.cpu_count() or 1, fail_fast, on_result))
    every = _destinations(found, out)  # before sharding: what the index lists
    for folder in sorted({d.parent for d in destinations.values()}):
        write_index(folder, [d.name for d in every.values() if d.parent == folder])
    return sorted(results, key=lambda r: r.spec.as_posix())


def _clear_leftovers(folder: Path) -> None:
    """A killed build may leave its staging folders behind; they never replaced anything."""
    if folder.is_dir():
        for stale in folder.glob(".*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in folder.glob(".*.old"):
            shutil.rmtree(stale, ignore_errors=True)


def _check_build_folder(folder: Path) -> None:
    """A build folder holds reports, their staging folders and the index, and nothing else:
    vizgraph never writes among someone else's files."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        ours = (
            (entry / MARKER).is_file()
            or entry.name.startswith(".")
            or (entry.name == "index.html" and _is_our_index(entry))
        )
        if not ours:
            raise SpecError(
                f"{folder} holds {entry.name}, which vizgraph did not write",
                hint="build into a new or empty folder with --out",
            )


def _safe_name(stem: str) -> str:
    """A spec's name as a folder name: letters, digits, `-`, `_` and `.`, never hidden or `..`."""
    name = re.sub(r"[^\w.-]+", "-", stem).lstrip(".-") or "report"
    return name


def _destinations(specs: Sequence[Path], out: Path | None) -> dict[Path, Path]:
    destinations: dict[Path, Path] = {}
    taken: dict[Path, Path] = {}
    for spec in specs:
        folder = out or spec.parent / "_build"
        if folder.is_symlink():
            raise SpecError(
                f"{folder} is a symbolic link; vizgraph will not write through it",
                hint="make it a plain folder, or choose another with --out",
            )
        _check_build_folder(folder)
        dest = folder / _safe_name(spec.stem)
        if dest.resolve() in taken:
            raise SpecError(
                f"{taken[dest.resolve()]} and {spec} would both build into {dest}",
                hint="rename one of the specs",
            )
        taken[dest.resolve()] = spec
        destinations[spec] = dest
    return destinations


# -- what a report is made from ------------------------------------------------


def _environment_fingerprint(templates: Path | None) -> str:
    """vizgraph, the libraries that draw, Graphviz, and the built-in and given templates."""
    from .report import template_folder

    digest = hashlib.sha256(__version__.encode())
    for package in ("sympy", "jinja2", "weasyprint", "ziamath", "graphviz"):
        try:
            digest.update(f"{package}={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(package.encode())
    digest.update(_dot_version().encode())
    for folder in (template_folder(), templates):
        digest.update(_folder_digest(folder).encode())
    return digest.hexdigest()


def _dot_version() -> str:
    try:
        done = subprocess.run(
            ["dot", "-V"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "no dot"
    return done.stderr.strip()


def _folder_digest(folder: Path | None) -> str:
    digest = hashlib.sha256()
    if folder is not None and folder.is_dir():
        for path in sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint(spec: Path, shared: str, templates: Path | None) -> str:
    digest = hashlib.sha256(shared.encode())
    try:
        text = spec.read_bytes()
    except OSError:
        return "unreadable"
    digest.update(text)
    try:
        data = tomllib.loads(text.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return digest.hexdigest()  # it will fail, with its message, when built
    for key in ("program", "templates"):
        value = data.get(key)
        if isinstance(value, str) and "\n" not in value:
            path = spec.parent / value.strip()
            if path.is_file():
                digest.update(path.read_bytes())
            elif path.is_dir():
                digest.update(_folder_digest(path).encode())
    return digest.hexdigest()


def _up_to_date(task: _Task) -> bool:
    manifest = read_manifest(task.out)
    if manifest is None or manifest.get("fingerprint") != task.fingerprint:
        return False
    files = manifest.get("files")
    return isinstance(files, list) and all((task.out / f).is_file() for f in files)


# -- building --------------------------------------------------------------------


def _run_all(
    tasks: list[_Task], jobs: int, fail_fast: bool, on_result: Callable[[BuildResult], None]
) -> list[BuildResult]:
    if not tasks:
        return []
    from . import api  # noqa: F401 - loaded once here, so that forked workers share it

    if jobs <= 1 or len(tasks) == 1:
        results = []
        for task in tasks:
            results.append(_build_one(task))
            on_result(results[-1])
            if fail_fast and results[-1].status == "failed":
                break
        return results
    _preload_pdf()
    context = multiprocessing.get_context("fork")
    results = []
    with concurrent.futures.ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context) as pool:
        futures = [pool.submit(_build_one, task) for task in tasks]
        try:
            for future in concurrent.futures.as_completed(futures):
                results.append(future.result())
                on_result(results[-1])
                if fail_fast and results[-1].status == "failed":
                    pool.shutdown(cancel_futures=True)
                    break
        except BaseException:
            pool.shutdown(
                wait=True, cancel_futures=True
            )  # Ctrl-C: stop cleanly, write nothing more
            raise
    return results


def _preload_pdf() -> None:
    """Import WeasyPrint (about 1 s) once, before the workers fork, rather than in each."""
    with contextlib.suppress(ImportError, OSError):  # the workers report it, spec by spec
        import weasyprint  # noqa: F401


def _build_one(task: _Task) -> BuildResult:
    start = time.perf_counter()
    from .spec import load_spec

    try:
        spec = load_spec(task.spec)
        try:
            files = _report(spec, task.templates)
        except VizgraphError as error:
            raise spec.place(error) from None
        manifest = {"fingerprint": task.fingerprint, "title": spec.title, "files": sorted(files)}
        write_report(task.out, files, manifest)
        return BuildResult(task.spec, "built", task.out, seconds=time.perf_counter() - start)
    except VizgraphError as error:
        return BuildResult(
            task.spec, "failed", task.out, str(error), 2, time.perf_counter() - start
        )
    except Exception as error:  # a bug of ours: one spec fails, the build goes on
        message = f"{task.spec}: internal error: {type(error).__name__}: {error}"
        return BuildResult(task.spec, "failed", task.out, message, 1, time.perf_counter() - start)


def _report(spec: object, templates: Path | None) -> dict[str, Content]:
    from .api import report_files
    from .compile import compile_graph
    from .parse import parse
    from .report import Page
    from .spec import Spec
    from .trace import trace_graph

    assert isinstance(spec, Spec)
    program = parse(spec.positioned_program, file=spec.program_file, limits=spec.limits)
    graph = compile_graph(
        program, target=spec.target, granularity=spec.granularity, limits=spec.limits
    )
    traced = trace_graph(
        graph, inputs=spec.inputs, wrt=spec.params, digits=spec.digits, exact=spec.exact
    )
    page = Page(spec.title, spec.program, spec.description, spec.theme, spec.templates or templates)
    return report_files(
        traced, page, outputs=spec.outputs, rankdir=spec.rankdir, edge_labels=spec.edge_labels
    )


# -- the index of a build folder ---------------------------------------------------


def write_index(folder: Path, names: Iterable[str] | None = None) -> Path | None:
    """reports/_build/index.html: every report with its title, its graph, links to its files.

    With `names`, only those reports (the specs that exist now, not a deleted one's leftovers).
    """
    if not folder.is_dir():
        return None  # every spec failed: nothing to list
    wanted = None if names is None else set(names)
    reports = []
    for report in sorted(p for p in folder.iterdir() if (p / MARKER).is_file()):
        if wanted is not None and report.name not in wanted:
            continue
        manifest = read_manifest(report) or {}
        listed = manifest.get("files")
        files = [f for f in listed if isinstance(f, str)] if isinstance(listed, list) else []
        graph = report / "graph.svg"
        thumbnail = (
            "data:image/svg+xml;base64," + base64.b64encode(graph.read_bytes()).decode()
            if graph.is_file()
            else None
        )
        reports.append((report.name, str(manifest.get("title", report.name)), files, thumbnail))
    if not reports:
        return None
    index = folder / "index.html"
    if index.exists() and not _is_our_index(index):
        raise SpecError(
            f"{index} is not a vizgraph build index; it is left untouched",
            hint="build into another folder with --out",
        )
    staging = folder / ".index.html.tmp"
    staging.write_text(_index_html(reports), encoding="utf-8")
    os.replace(staging, index)
    return index


_LINKS = [
    ("index.html", "step-through"),
    ("handout.pdf", "handout"),
    ("worksheet.pdf", "worksheet"),
    ("answers.pdf", "answers"),
    ("trace.json", "trace.json"),
]


def _index_html(reports: list[tuple[str, str, list[str], str | None]]) -> str:
    cards = []
    for name, title, files, thumbnail in reports:
        links = " · ".join(
            f'<a href="{escape(name)}/{f}">{label}</a>' for f, label in _LINKS if f in files
        )
        picture = f'<img src="{thumbnail}" alt="The graph of {escape(title)}">' if thumbnail else ""
        if picture and "index.html" in files:
            picture = f'<a class="picture" href="{escape(name)}/index.html">{picture}</a>'
        elif picture:
            picture = f'<div class="picture">{picture}</div>'
        cards.append(
            f"<li>{picture}<h2>{escape(title)}</h2>"
            f'<p class="name">{escape(name)}</p><p>{links}</p></li>'
        )
    return _INDEX.replace("{count}", str(len(reports))).replace("{cards}", "\n".join(cards))


_INDEX_MARK = "<!-- vizgraph build index -->"


def _is_our_index(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return _INDEX_MARK in text or "<h1>Reports (" in text  # the mark, or an index from before it


_INDEX = """<!DOCTYPE html>
<!-- vizgraph build index -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reports</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222; margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 80rem; }
h1 { font-size: 1.5rem; }
ul { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 1rem; }
li { border: 1px solid #ddd; border-radius: 8px; padding: 0.8rem; }
li h2 { font-size: 1.05rem; margin: 0.5rem 0 0.1rem; }
.picture { display: block; height: 11rem; background: #fafafa; border-radius: 4px; }
.picture img { width: 100%; height: 100%; object-fit: contain; }
.name { margin: 0; color: #666; font-size: 0.85rem; font-family: "DejaVu Sans Mono", Menlo, monospace; }
a { color: #1d4f91; }
</style>
</head>
<body>
<h1>Reports ({count})</h1>
<ul>
{cards}
</ul>
</body>
</html>
"""
