"""Node sizes + edges -> Layout: the one run of Graphviz's `dot` per report.

dot only places boxes of the sizes we give it and routes the edges (`-Tplain`); drawing is ours,
so every frame comes from this one layout and nodes never move between frames.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Sequence

import graphviz

from .errors import RenderError
from .types import Box, Layout, Route

__all__ = ["DOT_TIMEOUT", "dot_source", "layout_graph"]

DOT_TIMEOUT = 60.0  # seconds; the graphviz package's own calls have no timeout
MARGIN = 12.0  # points around the drawing
_INCH = 72.0
_INSTALL = "install Graphviz: `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`"


def dot_source(
    sizes: Sequence[tuple[float, float]], edges: Sequence[tuple[int, int]], rankdir: str = "LR"
) -> str:
    """The DOT text: fixed-size boxes named n0, n1, ... in node order, edges in given order."""
    graph = graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.55"},
        node_attr={"shape": "box", "fixedsize": "true", "label": ""},
        edge_attr={"arrowsize": "0.8"},
    )
    for index, (width, height) in enumerate(sizes):
        graph.node(f"n{index}", width=_inches(width), height=_inches(height))
    for tail, head in edges:
        graph.edge(f"n{tail}", f"n{head}")
    return graph.source


def layout_graph(
    sizes: Sequence[tuple[float, float]], edges: Sequence[tuple[int, int]], rankdir: str = "LR"
) -> Layout:
    """Run `dot` once and read back where every box and edge goes, in SVG points (y down)."""
    return _read_plain(_run_dot(dot_source(sizes, edges, rankdir)), sizes)


def _inches(points: float) -> str:
    return f"{points / _INCH:.4f}"


def _run_dot(source: str) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise RenderError("Graphviz's `dot` is not on PATH", hint=_INSTALL)
    try:
        done = subprocess.run(
            [dot, "-Tplain"],
            input=source,
            capture_output=True,
            text=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz took longer than {DOT_TIMEOUT:g} s to lay out the graph",
            hint="use fewer nodes or statement granularity",
        ) from None
    if done.returncode != 0:
        raise RenderError(f"Graphviz failed: {done.stderr.strip()[:300]}", hint=_INSTALL)
    return done.stdout


def _read_plain(plain: str, sizes: Sequence[tuple[float, float]]) -> Layout:
    width = height = 0.0
    centres: dict[int, tuple[float, float]] = {}
    raw_routes: list[tuple[int, int, list[tuple[float, float]]]] = []
    for line in plain.splitlines():
        fields = shlex.split(line)
        if not fields:
            continue
        if fields[0] == "graph":
            width, height = float(fields[2]) * _INCH, float(fields[3]) * _INCH
        elif fields[0] == "node":
            centres[int(fields[1][1:])] = (float(fields[2]) * _INCH, float(fields[3]) * _INCH)
        elif fields[0] == "edge":
            count = int(fields[3])
            coords = [float(v) * _INCH for v in fields[4 : 4 + 2 * count]]
            raw_routes.append(
                (
                    int(fields[1][1:]),
                    int(fields[2][1:]),
                    list(zip(coords[::2], coords[1::2], strict=True)),
                )
            )

    def flip(x: float, y: float) -> tuple[float, float]:
        return (round(x + MARGIN, 2), round(height - y + MARGIN, 2))

    boxes = tuple(Box(*flip(*centres[i]), w, h) for i, (w, h) in enumerate(sizes))
    routes = tuple(Route(t, h, tuple(flip(x, y) for x, y in pts)) for t, h, pts in raw_routes)
    return Layout(round(width + 2 * MARGIN, 2), round(height + 2 * MARGIN, 2), boxes, routes)
