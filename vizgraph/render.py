"""Trace -> Frames: one layout, then one standalone SVG per step drawn from it.

Every slot is sized for its final text before layout, so a frame differs from the next only
in which slots are filled and what is highlighted. Static pieces are drawn once and reused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from .layout import layout_graph
from .types import Box, Frames, Layout, Route, Step, Trace

__all__ = ["FONT", "Palette", "render_frames"]

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
_ADVANCE = 0.61  # a monospace glyph's width in ems (DejaVu Sans Mono: 0.602)
_HEADER_SIZE, _SLOT_SIZE = 14.0, 13.0
_PAD, _HEADER_H, _SLOT_H, _GAP = 7.0, 26.0, 22.0, 4.0
_ARROW_LENGTH, _ARROW_HALF_WIDTH = 8.0, 3.5


@dataclass(frozen=True)
class Palette:
    ink: str = "#222222"
    edge: str = "#6b6b6b"
    card: str = "#ffffff"
    value_fill: str = "#dbeaf7"
    value_stroke: str = "#2b6cb0"
    value_ink: str = "#0b3d75"
    grad_fill: str = "#ddf2dc"
    grad_stroke: str = "#2f8f3a"
    grad_ink: str = "#14532d"
    empty_stroke: str = "#9a9a9a"
    current: str = "#d9480f"


def render_frames(trace: Trace, *, rankdir: str = "LR", palette: Palette = Palette()) -> Frames:
    """Lay the graph out once and draw every step's frame from that layout."""
    sizes = [_card_size(trace, i) for i in range(len(trace.graph.nodes))]
    edges = [(e.parent, e.child) for e in trace.graph.edges]
    drawing = _Drawing(trace, layout_graph(sizes, edges, rankdir), palette)
    svgs = tuple(drawing.frame(step) for step in trace.steps)
    return Frames(svgs, drawing.final(), drawing.layout.width, drawing.layout.height)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * _ADVANCE


def _card_size(trace: Trace, index: int) -> tuple[float, float]:
    texts = [(trace.formula_labels[index], _HEADER_SIZE), (trace.value_labels[index], _SLOT_SIZE)]
    grad = trace.grad_labels[index]
    if grad is not None:
        texts.append((grad, _SLOT_SIZE))
    inner = max(_text_width(t, s) for t, s in texts) + 2 * _PAD
    rows = _HEADER_H + (len(texts) - 1) * (_SLOT_H + _GAP) + _PAD - _GAP
    return (math.ceil(inner + 2 * _PAD), math.ceil(rows + _PAD))


class _Drawing:
    def __init__(self, trace: Trace, layout: Layout, palette: Palette) -> None:
        self.trace = trace
        self.layout = layout
        self.palette = palette
        self.headers = [self._header(i, box) for i, box in enumerate(layout.boxes)]
        self.paths = [_path(route) for route in layout.routes]

    def frame(self, step: Step) -> str:
        done = self.trace.steps[: step.index + 1]
        values = {s.node for s in done if s.fills == "value"}
        grads = {s.node for s in done if s.fills == "grad"}
        title = f"Step {step.index + 1} of {len(self.trace.steps)}: {step.phase} pass"
        return self._svg(title, step.text, values, grads, step.node, set(step.edges))

    def final(self) -> str:
        every = set(range(len(self.trace.graph.nodes)))
        title = f"The computation graph of {self.trace.target.name}, every value and derivative"
        return self._svg(
            title, "; ".join(s.text for s in self.trace.steps), every, every, None, set()
        )

    def _svg(
        self,
        title: str,
        desc: str,
        values: set[int],
        grads: set[int],
        current: int | None,
        edges: set[int],
    ) -> str:
        w, h = self.layout.width, self.layout.height
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}" height="{h:g}" '
            f'viewBox="0 0 {w:g} {h:g}" role="img" font-family="{FONT}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(desc)}</desc>",
        ]
        for k, (route, path) in enumerate(zip(self.layout.routes, self.paths, strict=True)):
            parts.append(self._edge(k, route, path, k in edges))
        for i, box in enumerate(self.layout.boxes):
            parts.append(self._node(i, box, i in values, i in grads, i == current))
        parts.append("</svg>")
        return "\n".join(parts)

    def _edge(self, k: int, route: Route, path: tuple[str, str], current: bool) -> str:
        colour = self.palette.current if current else self.palette.edge
        width = 2.6 if current else 1.3
        cls = "edge current" if current else "edge"
        return (
            f'<g class="{cls}" id="e{k}" data-tail="{route.tail}" data-head="{route.head}">'
            f'<path d="{path[0]}" fill="none" stroke="{colour}" stroke-width="{width}"/>'
            f'<polygon points="{path[1]}" fill="{colour}" stroke="{colour}"/></g>'
        )

    def _node(self, i: int, box: Box, value: bool, grad: bool, current: bool) -> str:
        p = self.palette
        x0, y0 = box.x - box.width / 2, box.y - box.height / 2
        stroke, width = (p.current, 3.0) if current else (p.ink, 1.2)
        cls = "node current" if current else "node"
        parts = [
            f'<g class="{cls}" id="n{i}">',
            f'<rect class="card" x="{x0:g}" y="{y0:g}" width="{box.width:g}" '
            f'height="{box.height:g}" rx="6" fill="{p.card}" stroke="{stroke}" stroke-width="{width}"/>',
            self.headers[i],
        ]
        slot_y = y0 + _HEADER_H
        parts.append(
            self._slot(
                "v",
                i,
                x0,
                slot_y,
                box.width,
                self.trace.value_labels[i],
                value,
                (p.value_fill, p.value_stroke, p.value_ink),
            )
        )
        grad_label = self.trace.grad_labels[i]
        if grad_label is not None:
            parts.append(
                self._slot(
                    "g",
                    i,
                    x0,
                    slot_y + _SLOT_H + _GAP,
                    box.width,
                    grad_label,
                    grad,
                    (p.grad_fill, p.grad_stroke, p.grad_ink),
                )
            )
        parts.append("</g>")
        return "".join(parts)

    def _header(self, i: int, box: Box) -> str:
        x0, y0 = box.x - box.width / 2, box.y - box.height / 2
        weight = ' font-style="italic"' if self.trace.graph.nodes[i].is_input else ""
        return (
            f'<text class="header" x="{x0 + _PAD + 1:g}" y="{y0 + 18:g}" font-size="{_HEADER_SIZE:g}" '
            f'fill="{self.palette.ink}"{weight}>{escape(self.trace.formula_labels[i])}</text>'
        )

    def _slot(
        self,
        kind: str,
        i: int,
        x0: float,
        y: float,
        width: float,
        label: str,
        known: bool,
        colours: tuple[str, str, str],
    ) -> str:
        fill, stroke, ink = colours
        name = "value" if kind == "v" else "grad"
        rect = (
            f'x="{x0 + _PAD:g}" y="{y:g}" width="{width - 2 * _PAD:g}" height="{_SLOT_H:g}" rx="3"'
        )
        if not known:
            return (
                f'<g class="slot {name} pending" id="{kind}{i}"><rect {rect} fill="#ffffff" '
                f'stroke="{self.palette.empty_stroke}" stroke-dasharray="4 3"/></g>'
            )
        return (
            f'<g class="slot {name}" id="{kind}{i}"><rect {rect} fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{x0 + 2 * _PAD:g}" y="{y + 15.5:g}" font-size="{_SLOT_SIZE:g}" '
            f'fill="{ink}">{escape(label)}</text></g>'
        )


def _path(route: Route) -> tuple[str, str]:
    """An SVG path through dot's Bezier control points, and the arrowhead polygon at its end."""
    (x, y), rest = route.points[0], route.points[1:]
    curves = " ".join(
        "C " + " ".join(f"{px:g},{py:g}" for px, py in rest[i : i + 3])
        for i in range(0, len(rest), 3)
    )
    (bx, by), (ex, ey) = route.points[-2], route.points[-1]
    length = math.hypot(ex - bx, ey - by) or 1.0
    ux, uy = (ex - bx) / length, (ey - by) / length
    tip = (ex + ux * _ARROW_LENGTH, ey + uy * _ARROW_LENGTH)
    left = (ex - uy * _ARROW_HALF_WIDTH, ey + ux * _ARROW_HALF_WIDTH)
    right = (ex + uy * _ARROW_HALF_WIDTH, ey - ux * _ARROW_HALF_WIDTH)
    arrow = " ".join(f"{px:.2f},{py:.2f}" for px, py in (tip, left, right))
    return f"M {x:g},{y:g} {curves}", arrow
