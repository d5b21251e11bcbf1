"""Trace -> Frames: one layout, then one standalone SVG per step drawn from it.

Every slot is sized for its final text before layout, so a frame differs from the next only
in which slots are filled and what is highlighted. Nothing relies on colour alone: slots say
what they hold in words, the current step is also a thicker outline, empty slots are dashed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from .layout import dot_source, layout_graph
from .types import Box, Frame, Frames, Layout, Route, Step, Trace

__all__ = ["FONT", "PAGES", "THEMES", "Palette", "best_direction", "graph_dot", "render_frames"]

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
_ADVANCE = 0.61  # a monospace glyph's width in ems (DejaVu Sans Mono: 0.602)
_HEADER_SIZE, _SLOT_SIZE, _EDGE_SIZE = 14.0, 13.0, 12.5
_PAD, _HEADER_H, _SLOT_H, _GAP = 7.0, 26.0, 22.0, 4.0
_ARROW_LENGTH, _ARROW_HALF_WIDTH = 8.0, 3.5
BLANK = "?"  # what a worksheet's empty box asks for


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
    current_width: float = 3.0


THEMES: dict[str, Palette] = {
    "default": Palette(),
    # Okabe and Ito's palette: blue against orange stays distinct in the common colour
    # deficiencies; the highlight is a dark reddish purple, and thicker.
    "colorblind": Palette(
        value_fill="#d6eaf8",
        value_stroke="#0072b2",
        value_ink="#003a5c",
        grad_fill="#fde9c4",
        grad_stroke="#e69f00",
        grad_ink="#5c3d00",
        current="#882255",
        current_width=3.5,
    ),
    # Grayscale for a black-and-white printer: light and darker fills, black ink.
    "print": Palette(
        ink="#000000",
        edge="#444444",
        value_fill="#f2f2f2",
        value_stroke="#000000",
        value_ink="#000000",
        grad_fill="#d4d4d4",
        grad_stroke="#000000",
        grad_ink="#000000",
        empty_stroke="#666666",
        current="#000000",
        current_width=4.0,
    ),
}


def render_frames(
    trace: Trace,
    *,
    rankdir: str = "auto",
    theme: str = "default",
    edge_labels: bool = False,
    id_prefix: str = "",
) -> Frames:
    """Lay the graph out once and draw every step's frame, the final picture and the worksheet.

    `rankdir` "auto" chooses left-to-right or top-to-bottom, whichever lets the graph fill a
    printed page at the larger size.
    """
    sizes, edges, labels = _geometry(trace, edge_labels)
    if rankdir == "auto":
        rankdir = best_direction(trace, sizes)
    layout = layout_graph(sizes, edges, rankdir, [_edge_label_size(t) for t in labels])
    drawing = _Drawing(trace, layout, THEMES[theme], labels, id_prefix)
    return Frames(
        _StepFrames(drawing),
        Frame(drawing.final()),
        drawing.worksheet(),
        drawing.final(asks=True),
        layout.width,
        layout.height,
    )


# An A4 page less its margins, in CSS pixels, portrait and landscape; and dot's gaps.
PAGES = ((676.0, 880.0), (995.0, 560.0))
_RANK_GAP, _NODE_GAP = 0.55 * 72, 0.3 * 72


def best_direction(trace: Trace, sizes: Sequence[tuple[float, float]]) -> str:
    """LR or TB, from an estimate of each layout's extent by ranks (longest path from inputs)."""
    rank: list[int] = []
    for node in trace.graph.nodes:
        rank.append(1 + max((rank[p] for p in node.parents), default=-1))
    ranks = [[sizes[i] for i in range(len(rank)) if rank[i] == r] for r in range(max(rank) + 1)]

    def extent(along: int) -> tuple[float, float]:
        """(length along the ranks, breadth across them) with ranks stacked along `along`."""
        length = sum(max(s[along] for s in r) for r in ranks) + _RANK_GAP * (len(ranks) - 1)
        breadth = max(sum(s[1 - along] for s in r) + _NODE_GAP * (len(r) - 1) for r in ranks)
        return length, breadth

    def fit(width: float, height: float) -> float:
        return max(min(pw / width, ph / height) for pw, ph in PAGES)

    lr, tb = extent(0), extent(1)
    left_right = fit(lr[0], lr[1])
    top_bottom = fit(tb[1], tb[0])
    return "TB" if top_bottom > 1.15 * left_right else "LR"


def graph_dot(trace: Trace, *, rankdir: str = "LR", edge_labels: bool = False) -> str:
    """The DOT text that `dot` lays out for this trace (deterministic: golden-tested)."""
    sizes, edges, labels = _geometry(trace, edge_labels)
    return dot_source(sizes, edges, rankdir, [_edge_label_size(t) for t in labels])


def _geometry(
    trace: Trace, edge_labels: bool
) -> tuple[list[tuple[float, float]], list[tuple[int, int]], tuple[str | None, ...]]:
    """Every box at its final size, the edges in order, and their labels if shown."""
    sizes = [_card_size(trace, i) for i in range(len(trace.graph.nodes))]
    edges = [(e.parent, e.child) for e in trace.graph.edges]
    labels = trace.edge_labels if edge_labels else (None,) * len(edges)
    return sizes, edges, labels


def _text_width(text: str, size: float) -> float:
    return len(text) * size * _ADVANCE


def _edge_label_size(text: str | None) -> tuple[float, float] | None:
    return None if text is None else (_text_width(text, _EDGE_SIZE) + 4, _EDGE_SIZE + 4)


def _card_size(trace: Trace, index: int) -> tuple[float, float]:
    texts = [(trace.formula_labels[index], _HEADER_SIZE), (trace.value_labels[index], _SLOT_SIZE)]
    grad = trace.grad_labels[index]
    if grad is not None:
        texts.append((grad, _SLOT_SIZE))
    inner = max(_text_width(t, s) for t, s in texts) + 2 * _PAD
    rows = _HEADER_H + (len(texts) - 1) * (_SLOT_H + _GAP) + _PAD - _GAP
    return (math.ceil(inner + 2 * _PAD), math.ceil(rows + _PAD))


@dataclass(frozen=True)
class _State:
    """What one picture shows: which slots are filled, which edges labelled, what is current."""

    values: frozenset[int]
    grads: frozenset[int]
    labelled: frozenset[int]
    current: int | None = None
    current_edges: frozenset[int] = field(default_factory=frozenset)
    blanks: bool = False  # a worksheet: unknown slots ask "?" instead of staying empty
    asks: bool = False  # the step-through's picture: every slot holds its answer and question


class _StepFrames(Sequence[Frame]):
    """The standalone frames, drawn when asked for: the step-through needs none of them, and
    all of them together are quadratic in the graph's size."""

    def __init__(self, drawing: _Drawing) -> None:
        self.drawing = drawing

    def __len__(self) -> int:
        return len(self.drawing.trace.steps)

    def __getitem__(self, index: int) -> Frame:  # type: ignore[override]
        return Frame(self.drawing.frame(self.drawing.trace.steps[index]))


class _Drawing:
    def __init__(
        self,
        trace: Trace,
        layout: Layout,
        palette: Palette,
        labels: tuple[str | None, ...],
        id_prefix: str,
    ) -> None:
        self.trace = trace
        self.layout = layout
        self.palette = palette
        self.labels = labels
        self.id = id_prefix
        self.headers = [self._header(i, box) for i, box in enumerate(layout.boxes)]
        self.paths = [_path(route) for route in layout.routes]
        self.memo: dict[tuple[object, ...], str] = {}  # a node or edge in one of its few looks
        never = len(trace.steps)
        self.value_at = [never] * len(layout.boxes)  # the step that fills each slot
        self.grad_at = [never] * len(layout.boxes)
        self.label_at = [never] * len(layout.routes)
        for step in reversed(trace.steps):
            if step.fills == "value":
                self.value_at[step.node] = step.index
            elif step.fills == "grad":
                self.grad_at[step.node] = step.index
            if step.phase == "backward":
                for k in step.edges:
                    self.label_at[k] = min(self.label_at[k], step.index)

    def frame(self, step: Step) -> str:
        i = step.index
        state = _State(
            values=frozenset(n for n, at in enumerate(self.value_at) if at <= i),
            grads=frozenset(n for n, at in enumerate(self.grad_at) if at <= i),
            labelled=frozenset(k for k, at in enumerate(self.label_at) if at <= i),
            current=step.node,
            current_edges=frozenset(step.edges),
        )
        title = f"Step {step.index + 1} of {len(self.trace.steps)}: {step.phase} pass"
        return self._svg(title, step.text, state)

    def final(self, *, asks: bool = False) -> str:
        every = frozenset(range(len(self.trace.graph.nodes)))
        state = _State(every, every, frozenset(range(len(self.layout.routes))), asks=asks)
        title = f"The computation graph of {self.trace.target.name}, every value and derivative"
        return self._svg(title, "; ".join(s.text for s in self.trace.steps), state)

    def worksheet(self) -> str:
        inputs = frozenset(n.index for n in self.trace.graph.inputs)
        seed = frozenset({self.trace.graph.target})  # ∂J/∂J = 1 is given, not asked
        state = _State(inputs, seed, frozenset(), blanks=True)
        title = f"The computation graph of {self.trace.target.name}, to fill in"
        desc = "Only the inputs are given; every other value and derivative is a question mark."
        return self._svg(title, desc, state)

    def _svg(self, title: str, desc: str, state: _State) -> str:
        w, h = self.layout.width, self.layout.height
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}" height="{h:g}" '
            f'viewBox="0 0 {w:g} {h:g}" role="img" font-family="{FONT}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(desc)}</desc>",
        ]
        for k, (route, path) in enumerate(zip(self.layout.routes, self.paths, strict=True)):
            key: tuple[object, ...] = ("e", k, k in state.current_edges, k in state.labelled)
            if key not in self.memo:
                self.memo[key] = self._edge(k, route, path, state)
            parts.append(self.memo[key])
        for i, box in enumerate(self.layout.boxes):
            key = (
                "n",
                i,
                i in state.values,
                i in state.grads,
                i == state.current,
                state.blanks,
                state.asks,
            )
            if key not in self.memo:
                self.memo[key] = self._node(i, box, state)
            parts.append(self.memo[key])
        parts.append("</svg>")
        return "\n".join(parts)

    def _edge(self, k: int, route: Route, path: tuple[str, str], state: _State) -> str:
        current = k in state.current_edges
        p = self.palette
        colour = p.current if current else p.edge
        width = p.current_width - 0.4 if current else 1.3
        parts = [
            f'<g class="{"edge current" if current else "edge"}" id="{self.id}e{k}">',
            f'<path d="{path[0]}" fill="none" stroke="{colour}" stroke-width="{width:g}"/>',
            f'<polygon points="{path[1]}" fill="{colour}" stroke="{colour}"/>',
        ]
        label = self.labels[k]
        if label is not None and route.label is not None:
            known = k in state.labelled
            hidden = "" if known else ' visibility="hidden"'
            parts.append(
                f'<text class="edge-label{"" if known else " pending"}" x="{route.label[0]:g}" '
                f'y="{route.label[1] + 4:g}" font-size="{_EDGE_SIZE:g}" text-anchor="middle" '
                f'fill="{p.grad_ink}"{hidden}>{escape(label)}</text>'
            )
        parts.append("</g>")
        return "".join(parts)

    def _node(self, i: int, box: Box, state: _State) -> str:
        p = self.palette
        x0, y0 = box.x - box.width / 2, box.y - box.height / 2
        current = i == state.current
        stroke, width = (p.current, p.current_width) if current else (p.ink, 1.2)
        parts = [
            f'<g class="{"node current" if current else "node"}" id="{self.id}n{i}">',
            f'<rect class="card" x="{x0:g}" y="{y0:g}" width="{box.width:g}" '
            f'height="{box.height:g}" rx="6" fill="{p.card}" stroke="{stroke}" stroke-width="{width:g}"/>',
            self.headers[i],
        ]
        y = y0 + _HEADER_H
        value = (p.value_fill, p.value_stroke, p.value_ink)
        parts.append(
            self._slot(
                "v",
                i,
                x0,
                y,
                box.width,
                self.trace.value_labels[i],
                value,
                i in state.values,
                state,
            )
        )
        grad_label = self.trace.grad_labels[i]
        if grad_label is not None:
            grad = (p.grad_fill, p.grad_stroke, p.grad_ink)
            parts.append(
                self._slot(
                    "g",
                    i,
                    x0,
                    y + _SLOT_H + _GAP,
                    box.width,
                    grad_label,
                    grad,
                    i in state.grads,
                    state,
                )
            )
        parts.append("</g>")
        return "".join(parts)

    def _header(self, i: int, box: Box) -> str:
        x0, y0 = box.x - box.width / 2, box.y - box.height / 2
        style = ' font-style="italic"' if self.trace.graph.nodes[i].is_input else ""
        return (
            f'<text class="header" x="{x0 + _PAD + 1:g}" y="{y0 + 18:g}" font-size="{_HEADER_SIZE:g}" '
            f'fill="{self.palette.ink}"{style}>{escape(self.trace.formula_labels[i])}</text>'
        )

    def _slot(
        self,
        kind: str,
        i: int,
        x0: float,
        y: float,
        width: float,
        label: str,
        colours: tuple[str, str, str],
        known: bool,
        state: _State,
    ) -> str:
        fill, stroke, ink = colours
        name = "value" if kind == "v" else "grad"
        box = (
            f'x="{x0 + _PAD:g}" y="{y:g}" width="{width - 2 * _PAD:g}" height="{_SLOT_H:g}" rx="3"'
        )
        at = f'x="{x0 + 2 * _PAD:g}" y="{y + 15.5:g}" font-size="{_SLOT_SIZE:g}" fill="{ink}"'
        slot_id = f"{self.id}{kind}{i}"
        question = label.rsplit(" = ", 1)[0] + f" = {BLANK}"
        if known:
            # The step-through's picture also carries the question, for its practice mode.
            ask = (
                f'<text class="ask" {at} display="none">{escape(question)}</text>'
                if state.asks
                else ""
            )
            return (
                f'<g class="slot {name}" id="{slot_id}"><rect {box} fill="{fill}" stroke="{stroke}"/>'
                f'<text class="answer" {at}>{escape(label)}</text>{ask}</g>'
            )
        empty = f'<rect {box} fill="#ffffff" stroke="{self.palette.empty_stroke}" stroke-dasharray="4 3"/>'
        if state.blanks:
            return (
                f'<g class="slot {name} blank" id="{slot_id}">{empty}'
                f'<text class="ask" {at}>{escape(question)}</text></g>'
            )
        return f'<g class="slot {name} pending" id="{slot_id}">{empty}</g>'


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
