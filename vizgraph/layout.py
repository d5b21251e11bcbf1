"""Node sizes + edges -> Layout: the one run of Graphviz's `dot` per report.

dot only places boxes of the sizes we give it and routes the edges (`-Tplain`); drawing is ours,
so every frame comes from this one layout and nodes never move between frames.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
import shutil
import subprocess
from collections.abc import Sequence

import graphviz

from .errors import RenderError
from .types import Box, Layout, Route

__all__ = ["DOT_TIMEOUT", "MAX_NODES", "dot_source", "layout_graph"]

DOT_TIMEOUT = 60.0  # seconds; the graphviz package's own calls have no timeout
MAX_NODES = 2_500  # dot's layout grows about quadratically: 2 s at 1000 nodes, 15 s at 2000
_LARGE = 400  # above this many nodes, bound dot's network-simplex passes
MARGIN = 12.0  # points around the drawing
_INCH = 72.0
_INSTALL = "install Graphviz: `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`"


def dot_source(
    sizes: Sequence[tuple[float, float]],
    edges: Sequence[tuple[int, int]],
    rankdir: str = "LR",
    labels: Sequence[tuple[float, float] | None] = (),
) -> str:
    """The DOT text: fixed-size boxes named n0, n1, ... in node order, edges in given order.

    An edge label is a blank box of the given size, so dot leaves room for our own text.
    """
    graph = graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.55"},
        node_attr={"shape": "box", "fixedsize": "true", "label": ""},
        edge_attr={"arrowsize": "0.8"},
    )
    for index, (width, height) in enumerate(sizes):
        graph.node(f"n{index}", width=_inches(width), height=_inches(height))
    for k, (tail, head) in enumerate(edges):
        label = labels[k] if k < len(labels) else None
        if label is None:
            graph.edge(f"n{tail}", f"n{head}")
        else:
            graph.edge(f"n{tail}", f"n{head}", label=_blank_label(*label))
    return graph.source


def _blank_label(width: float, height: float) -> str:
    # An HTML-like label: an empty cell of a fixed size in points.
    return f'<<table border="0" cellspacing="0" cellpadding="0"><tr><td width="{math.ceil(width)}" height="{math.ceil(height)}" fixedsize="true"></td></tr></table>>'


def layout_graph(
    sizes: Sequence[tuple[float, float]],
    edges: Sequence[tuple[int, int]],
    rankdir: str = "LR",
    labels: Sequence[tuple[float, float] | None] = (),
) -> Layout:
    """Run `dot` once and read back where every box and edge goes, in SVG points (y down).

    The routes come back in the order of `edges`, whatever order dot lists them in.
    """
    if rankdir not in ("LR", "TB"):
        raise RenderError(f"unknown direction `{rankdir}`", hint="use LR, TB or auto")
    layout = _read_plain(_run_dot(dot_source(sizes, edges, rankdir, labels), len(sizes)), sizes)
    waiting: dict[tuple[int, int], list[Route]] = {}
    for route in layout.routes:
        waiting.setdefault((route.tail, route.head), []).append(route)
    ordered = tuple(waiting[edge].pop(0) for edge in edges)
    return dataclasses.replace(layout, routes=ordered)


def _inches(points: float) -> str:
    return f"{points / _INCH:.4f}"


def _run_dot(source: str, nodes: int) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise RenderError("Graphviz's `dot` is not on PATH", hint=_INSTALL)
    if nodes > MAX_NODES:
        raise RenderError(
            f"the graph has {nodes} nodes; vizgraph lays out at most {MAX_NODES}",
            hint="use statement granularity, or a smaller program",
        )
    # nslimit bounds the positioning passes that dominate large layouts (0.4x the time at 2000).
    limits = ["-Gnslimit=0.5", "-Gnslimit1=0.5"] if nodes > _LARGE else []
    try:
        done = subprocess.run(
            [dot, "-Tplain", *limits],
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
    raw_routes: list[tuple[int, int, list[tuple[float, float]], tuple[float, float] | None]] = []
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
            rest = fields[4 + 2 * count :]  # [label x y] style colour
            label = (float(rest[1]) * _INCH, float(rest[2]) * _INCH) if len(rest) == 5 else None
            points = list(zip(coords[::2], coords[1::2], strict=True))
            raw_routes.append((int(fields[1][1:]), int(fields[2][1:]), points, label))

    def flip(x: float, y: float) -> tuple[float, float]:
        return (round(x + MARGIN, 2), round(height - y + MARGIN, 2))

    boxes = tuple(Box(*flip(*centres[i]), w, h) for i, (w, h) in enumerate(sizes))
    routes = tuple(
        Route(t, h, tuple(flip(x, y) for x, y in pts), None if label is None else flip(*label))
        for t, h, pts, label in raw_routes
    )
    return Layout(round(width + 2 * MARGIN, 2), round(height + 2 * MARGIN, 2), boxes, routes)
