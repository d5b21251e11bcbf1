"""The plain data passed between stages: Program -> Graph -> Trace -> Frames."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    import sympy

__all__ = [
    "OUTPUTS",
    "Binary",
    "Box",
    "Call",
    "Edge",
    "Expr",
    "FiniteDifference",
    "Frame",
    "Frames",
    "Graph",
    "Layout",
    "LocalDerivative",
    "Name",
    "Node",
    "Number",
    "Position",
    "Program",
    "Route",
    "Statement",
    "Step",
    "StepKind",
    "Trace",
    "Unary",
]


OUTPUTS = ("html", "pdf", "worksheet", "answers", "frames", "json")  # what a report can hold


@dataclass(frozen=True)
class Position:
    line: int
    column: int  # 1-based, as editors count


# -- parse: the user's expressions, exactly as written ------------------------


@dataclass(frozen=True)
class Number:
    value: float
    text: str  # the literal as typed, so `0.5` is never shown as `1/2`
    position: Position


@dataclass(frozen=True)
class Name:
    id: str
    position: Position


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "+"
    operand: Expr
    position: Position


@dataclass(frozen=True)
class Binary:
    op: str  # "+", "-", "*", "/", "**"
    left: Expr
    right: Expr
    position: Position


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    position: Position


Expr = Number | Name | Unary | Binary | Call


@dataclass(frozen=True)
class Statement:
    target: str | None  # None for a bare expression (the target J)
    expr: Expr
    position: Position


@dataclass(frozen=True)
class Program:
    statements: tuple[Statement, ...]
    file: str | None = None


# -- compile: the computation graph -------------------------------------------


@dataclass(frozen=True)
class Node:
    index: int  # creation order: deterministic ids
    name: str  # as typed, with primes for later versions (c, c', c''); t1, t2 for op nodes
    parents: tuple[int, ...]  # one per occurrence of a name in the formula, in reading order
    expr: Expr | None  # the formula as written, names versioned; None for an input
    shape: sympy.Expr  # the formula with its k-th occurrence as the symbol _k: one edge each
    default: float | None  # an input's value as declared
    position: Position
    literal: str | None = None  # an input's number as typed ("1.0001", "-2"), shown as is
    parent_names: tuple[str, ...] = ()  # the names of `parents`, in the same order

    @property
    def is_input(self) -> bool:
        return self.expr is None

    @functools.cached_property
    def formula(self) -> sympy.Expr:
        """The formula in the parents' own symbols (built when asked: sympy is slow to build)."""
        from .compile import operand, symbol

        if self.is_input:
            return symbol(self.name)
        return self.shape.xreplace(
            {operand(k): symbol(name) for k, name in enumerate(self.parent_names)}
        )


@dataclass(frozen=True)
class Edge:
    parent: int
    child: int
    occurrence: int  # which of the child's parents (an index into child.parents)


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]  # topological order
    target: int
    file: str | None = None
    granularity: Literal["statement", "op"] = "statement"
    unused: tuple[str, ...] = ()  # names the program defines that the target does not depend on

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    @property
    def inputs(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_input)

    @property
    def edges(self) -> tuple[Edge, ...]:
        """One edge per occurrence: `y = x*x` has two edges from x, each with its derivative."""
        return tuple(
            Edge(parent, node.index, k)
            for node in self.nodes
            for k, parent in enumerate(node.parents)
        )


# -- trace: every number of the walkthrough, and the steps that reveal them ---


@dataclass(frozen=True)
class LocalDerivative:
    edge: int  # index into graph.edges
    child: int
    parent: int
    shaped: sympy.Expr  # the derivative of the child's shape along this edge, in _0, _1, ...
    value: float
    parent_names: tuple[str, ...] = ()  # the child's parents, whose names replace _0, _1, ...
    text: str = ""  # "2·a"
    latex: str = ""  # "2 a"
    exact: Fraction | None = None  # in exact mode, where the value is rational

    @functools.cached_property
    def derivative(self) -> sympy.Expr:
        """The derivative in the parents' own symbols."""
        from .compile import operand, symbol

        return self.shaped.xreplace(
            {operand(k): symbol(name) for k, name in enumerate(self.parent_names)}
        )


@dataclass(frozen=True)
class FiniteDifference:
    input: int
    epsilon: float  # the lab's forward step
    forward: float | None  # None where the program has no value at the shifted input
    step: float  # the central difference's step, scaled to the input
    central: float | None
    agrees: bool  # central difference within tolerance of backprop


StepKind = Literal["input", "value", "seed", "gradient", "contribution", "sum"]


@dataclass(frozen=True)
class Step:
    index: int
    phase: Literal["forward", "backward"]
    kind: StepKind  # a contribution is one edge's share of a gradient; the sum step adds them
    node: int
    text: str  # the step in words and numbers, plain text
    latex: str  # the same equation in LaTeX
    edges: tuple[int, ...]  # indices into graph.edges that the step uses
    question: str | None = None  # what a worksheet asks about this step, if anything

    @property
    def fills(self) -> str | None:
        """The slot this step fills in: "value", "grad", or None (a contribution fills none)."""
        if self.kind == "contribution":
            return None
        return "value" if self.phase == "forward" else "grad"


@dataclass(frozen=True)
class Trace:
    graph: Graph
    params: tuple[int, ...]  # inputs that get gradients; the other inputs are data
    values: tuple[float, ...]  # per node
    grads: tuple[float | None, ...]  # per node; None where no gradient flows
    locals: tuple[LocalDerivative, ...]  # one per distinct (child, parent) pair
    checks: tuple[FiniteDifference, ...]  # one per parameter
    steps: tuple[Step, ...]
    value_labels: tuple[str, ...]  # what each value slot shows: "a = 11"
    grad_labels: tuple[str | None, ...]  # what each derivative slot shows: "∂J/∂a = 22"
    edge_labels: tuple[str | None, ...]  # per edge, its local derivative: "∂a/∂w = 3"
    formula_labels: tuple[str, ...]  # each node's header: "a = 2 + 3w"
    digits: int
    exact_values: tuple[Fraction | None, ...] = ()  # exact mode: per node, where rational
    exact_grads: tuple[Fraction | None, ...] = ()

    @property
    def target(self) -> Node:
        return self.graph.nodes[self.graph.target]

    def _repr_html_(self) -> str:
        """Jupyter shows a trace as its step-through (a display hook reaching the report stage)."""
        from .report import notebook_html

        return notebook_html(self)


# -- layout and render --------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A node's place on the canvas, in SVG points: centre and size."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Route:
    """An edge's path: cubic Bezier control points, from the tail to the arrowhead's base."""

    tail: int
    head: int
    points: tuple[tuple[float, float], ...]
    label: tuple[float, float] | None = None  # where dot placed the edge's label, if it has one


@dataclass(frozen=True)
class Layout:
    """Graphviz's one layout of a graph, from which every frame is drawn."""

    width: float
    height: float
    boxes: tuple[Box, ...]  # per node
    routes: tuple[Route, ...]


class Frame(str):
    """One standalone SVG; Jupyter shows it as a picture."""

    def _repr_svg_(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Frames:
    """One standalone SVG per step, all from one layout, plus the final picture."""

    svgs: Sequence[Frame]  # drawn on demand: index or iterate
    final: Frame  # the finished graph, every slot filled, nothing highlighted
    worksheet: str  # the graph with the inputs given and every other slot asking "?"
    interactive: str  # the final picture, each slot also holding its question: the step-through's
    width: float
    height: float
