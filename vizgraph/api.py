"""The public API: program text in, a Trace or a written report out. The CLI is a skin over this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .compile import compile_graph
from .files import write_report
from .parse import parse
from .render import render_frames
from .report import handout_html, step_through_html, trace_json_text
from .trace import trace_graph
from .types import Trace

__all__ = ["OUTPUTS", "read_source", "render", "trace"]

OUTPUTS = ("html", "pdf", "frames", "json")


def read_source(source: str | Path) -> tuple[str, str | None]:
    """A path to a program file, or the program itself: returns the text and the file name."""
    if isinstance(source, Path) or ("\n" not in source and Path(source).is_file()):
        path = Path(source)
        return path.read_text(encoding="utf-8"), str(path)
    return str(source), None


def trace(
    source: str | Path,
    *,
    at: Mapping[str, float] | None = None,
    wrt: Sequence[str] | None = None,
    target: str | None = None,
    granularity: str = "statement",
    digits: int = 4,
) -> Trace:
    """Parse, compile and trace a program (its text or a path to it)."""
    text, file = read_source(source)
    graph = compile_graph(parse(text, file=file), target=target, granularity=granularity)
    return trace_graph(graph, inputs=at, wrt=wrt, digits=digits)


def render(
    source: str | Path,
    out: str | Path,
    *,
    at: Mapping[str, float] | None = None,
    wrt: Sequence[str] | None = None,
    target: str | None = None,
    granularity: str = "statement",
    digits: int = 4,
    title: str | None = None,
    outputs: Iterable[str] = OUTPUTS,
) -> Path:
    """Trace a program and write its report folder (index.html, handout.pdf, frames/, trace.json)."""
    text, file = read_source(source)
    traced = trace(
        text if file is None else Path(file),
        at=at,
        wrt=wrt,
        target=target,
        granularity=granularity,
        digits=digits,
    )
    return write_report(Path(out), report_files(traced, text, title=title, outputs=outputs))


def report_files(
    traced: Trace,
    source: str,
    *,
    title: str | None = None,
    description: str = "",
    outputs: Iterable[str] = OUTPUTS,
) -> dict[str, str | bytes]:
    """Every file of one report, by relative path: nothing is written yet."""
    wanted = set(outputs)
    frames = render_frames(traced)
    title = title or f"Backpropagation through {traced.target.name}"
    page = {"title": title, "description": description, "source": source}
    files: dict[str, str | bytes] = {}
    if "html" in wanted:
        files["index.html"] = step_through_html(traced, frames, **page)
    if "pdf" in wanted:
        from .pdf import html_to_pdf  # WeasyPrint costs a second to import: only when asked

        files["handout.pdf"] = html_to_pdf(handout_html(traced, frames, **page))
    if "frames" in wanted:
        for index, svg in enumerate(frames.svgs):
            files[f"frames/step-{index:03d}.svg"] = svg + "\n"
    if "json" in wanted:
        files["trace.json"] = trace_json_text(traced)
    return files
