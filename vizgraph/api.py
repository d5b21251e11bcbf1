"""The public API: program text in, a Trace or a written report out. The CLI is a skin over this."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .compile import compile_graph
from .errors import VizgraphError
from .files import Content, read_text, write_report
from .parse import Limits, parse
from .render import THEMES, render_frames
from .report import Page, handout_html, step_through_html, trace_json_text, worksheet_html
from .trace import trace_graph
from .types import OUTPUTS, Frames, Trace

if TYPE_CHECKING:
    from .pdf import PdfWriters

__all__ = ["OUTPUTS", "Page", "default_title", "read_source", "render", "report_files", "trace"]


_LOOKS_LIKE_A_PATH = re.compile(r"[\w./~-]*\.(vg|txt|py|toml)|.*[/\\].*\.\w+|[\w.~-]*/")


def _exists(path: str) -> bool:
    try:
        return Path(path).exists()
    except (OSError, ValueError):  # too long for a file name, or a NUL in it: program text
        return False


def read_source(source: str | Path) -> tuple[str, str | None]:
    """A path to a program file, or the program itself: returns the text and the file name."""
    if isinstance(source, str):
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8, passed through from the shell
            raise VizgraphError(
                "the program is not valid UTF-8 text",
                hint="type it again, or save it in a UTF-8 file",
            ) from None
    if isinstance(source, str) and ("\n" in source or not source.strip() or not _exists(source)):
        if _LOOKS_LIKE_A_PATH.fullmatch(source.strip()):
            raise VizgraphError(
                f"no such file: {source}",
                hint="give a program file that exists, or the program itself",
            )
        return source, None
    path = Path(source)
    if path.is_dir():
        raise VizgraphError(
            f"{path} is a folder, not a program file",
            hint="give a program file, or use `vizgraph build` for spec folders",
        )
    return read_text(path), str(path)


def trace(
    source: str | Path,
    *,
    at: Mapping[str, float] | None = None,
    wrt: Sequence[str] | None = None,
    target: str | None = None,
    granularity: str = "statement",
    digits: int = 4,
    exact: bool = False,
    limits: Limits | None = None,
) -> Trace:
    """Parse, compile and trace a program (its text or a path to it).

    `exact` shows rational values as fractions (9/2) rather than decimals; `limits` may raise
    the parser's bounds up to their hard caps (see SECURITY.md).
    """
    text, file = read_source(source)
    return _trace_text(
        text,
        file,
        at=at,
        wrt=wrt,
        target=target,
        granularity=granularity,
        digits=digits,
        exact=exact,
        limits=limits,
    )


def _trace_text(
    text: str,
    file: str | None,
    *,
    at: Mapping[str, float] | None,
    wrt: Sequence[str] | None,
    target: str | None,
    granularity: str,
    digits: int,
    exact: bool,
    limits: Limits | None = None,
) -> Trace:
    program = parse(text, file=file, limits=limits)
    graph = compile_graph(program, target=target, granularity=granularity, limits=limits)
    return trace_graph(graph, inputs=at, wrt=wrt, digits=digits, exact=exact)


def render(
    source: str | Path,
    out: str | Path,
    *,
    at: Mapping[str, float] | None = None,
    wrt: Sequence[str] | None = None,
    target: str | None = None,
    granularity: str = "statement",
    digits: int = 4,
    exact: bool = False,
    title: str | None = None,
    description: str = "",
    outputs: Iterable[str] = OUTPUTS,
    theme: str = "default",
    rankdir: str = "auto",
    edge_labels: bool = False,
    writers: PdfWriters | None = None,
) -> Path:
    """Trace a program and write its report folder (index.html, the PDFs, frames/, trace.json).

    `writers` (a started `vizgraph.pdf.PdfWriters`) writes the PDFs in parallel processes.
    """
    text, file = read_source(source)  # read once: the trace and the page's program share it
    traced = _trace_text(
        text,
        file,
        at=at,
        wrt=wrt,
        target=target,
        granularity=granularity,
        digits=digits,
        exact=exact,
    )
    page = Page(title or default_title(traced), text, description, theme)
    files = report_files(
        traced, page, outputs=outputs, rankdir=rankdir, edge_labels=edge_labels, writers=writers
    )
    return write_report(Path(out), files)


def default_title(traced: Trace) -> str:
    return f"Backpropagation through {traced.target.name}"


def _frame_text(frames: Frames, index: int) -> str:
    return frames.svgs[index] + "\n"


def report_files(
    traced: Trace,
    page: Page,
    *,
    outputs: Iterable[str] = OUTPUTS,
    rankdir: str = "auto",
    edge_labels: bool = False,
    writers: PdfWriters | None = None,
) -> dict[str, Content]:
    """Every file of one report, by relative path: nothing is written yet (frames are drawn
    as they are written)."""
    wanted = set(outputs)
    unknown = wanted - set(OUTPUTS)
    if unknown:
        raise VizgraphError(
            f"unknown output `{sorted(unknown)[0]}`", hint=f"the outputs are {', '.join(OUTPUTS)}"
        )
    if page.theme not in THEMES:
        raise VizgraphError(f"unknown theme `{page.theme}`", hint=f"use {', '.join(THEMES)}")
    frames = render_frames(traced, rankdir=rankdir, theme=page.theme, edge_labels=edge_labels)
    files: dict[str, Content] = {}
    if "html" in wanted:
        files["index.html"] = step_through_html(traced, frames, page)
    pdfs = {
        "pdf": ("handout.pdf", lambda: handout_html(traced, frames, page)),
        "worksheet": ("worksheet.pdf", lambda: worksheet_html(traced, frames, page, answers=False)),
        "answers": ("answers.pdf", lambda: worksheet_html(traced, frames, page, answers=True)),
    }
    wanted_pdfs = [(name, html) for output, (name, html) in pdfs.items() if output in wanted]
    if wanted_pdfs and writers is not None:
        futures = [(name, writers.submit(html())) for name, html in wanted_pdfs]
        files.update((name, future.result()) for name, future in futures)
    elif wanted_pdfs:
        from .pdf import html_to_pdf  # WeasyPrint costs a second to import: only when asked

        files.update((name, html_to_pdf(html())) for name, html in wanted_pdfs)
    if "frames" in wanted:
        files["graph.svg"] = frames.final + "\n"  # the finished graph: a thumbnail, a figure
        for index in range(len(frames.svgs)):
            # Drawn while written, one at a time: all frames together are quadratic in size.
            files[f"frames/step-{index:03d}.svg"] = functools.partial(_frame_text, frames, index)
    if "json" in wanted:
        files["trace.json"] = trace_json_text(traced)
    return files
