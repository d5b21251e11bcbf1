"""The trace's numbers -> Steps and labels: what each step reveals, in words and in LaTeX.

Part of the trace stage: everything a picture or a page shows is written here once, so the
renderers and templates after it only place text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import sympy

from .compile import symbol
from .notation import format_latex_number, format_number, formula_latex, formula_text, name_latex
from .types import FiniteDifference, Graph, LocalDerivative, Node, Step, Trace

__all__ = ["explain"]


def explain(
    graph: Graph,
    params: tuple[int, ...],
    values: tuple[float, ...],
    grads: tuple[float | None, ...],
    local: Sequence[LocalDerivative],
    checks: tuple[FiniteDifference, ...],
    digits: int,
) -> Trace:
    writer = _Writer(graph, values, grads, digits)
    local = tuple(writer.with_notation(d) for d in local)
    forward = [writer.forward(node, node.index in params) for node in graph.nodes]
    backward = [writer.seed()] + [
        writer.backward(node, [d for d in local if d.parent == node.index])
        for node in reversed(graph.nodes[: graph.target])
        if grads[node.index] is not None
    ]
    steps = tuple(
        Step(i, phase, node, text, latex, edges)
        for i, (phase, node, text, latex, edges) in enumerate(forward + backward)
    )
    return Trace(
        graph=graph,
        params=params,
        values=values,
        grads=grads,
        locals=local,
        checks=checks,
        steps=steps,
        value_labels=tuple(f"{n.name} = {writer.number(values[n.index])}" for n in graph.nodes),
        grad_labels=tuple(
            None if g is None else f"{writer.partial(n.name)} = {writer.number(g)}"
            for n, g in zip(graph.nodes, grads, strict=True)
        ),
        formula_labels=tuple(writer.header(n, n.index in params) for n in graph.nodes),
        digits=digits,
    )


_StepParts = tuple[Literal["forward", "backward"], int, str, str, tuple[tuple[int, int], ...]]


class _Writer:
    def __init__(
        self, graph: Graph, values: tuple[float, ...], grads: tuple[float | None, ...], digits: int
    ) -> None:
        self.graph = graph
        self.values = values
        self.grads = grads
        self.digits = digits
        self.target = graph.nodes[graph.target].name
        self.latex_names = {symbol(n.name): name_latex(n.name) for n in graph.nodes}

    def number(self, x: float) -> str:
        return format_number(x, self.digits)

    def latex_number(self, x: float) -> str:
        return format_latex_number(x, self.digits)

    def partial(self, of: str, by: str | None = None) -> str:
        return f"∂{self.target if by is None else of}/∂{of if by is None else by}"

    def partial_latex(self, of: str, by: str | None = None) -> str:
        top, bottom = (self.target, of) if by is None else (of, by)
        return rf"\frac{{\partial {name_latex(top)}}}{{\partial {name_latex(bottom)}}}"

    def header(self, node: Node, is_param: bool) -> str:
        if node.expr is None:
            return node.name if is_param else f"{node.name} (data)"
        return f"{node.name} = {formula_text(node.expr)}"

    def with_notation(self, d: LocalDerivative) -> LocalDerivative:
        text = re.sub(r"\*\*", "^", sympy.sstr(d.derivative)).replace("*", "·")
        latex = sympy.latex(d.derivative, symbol_names=self.latex_names)
        return LocalDerivative(d.child, d.parent, d.derivative, d.value, text, latex)

    def forward(self, node: Node, is_param: bool) -> _StepParts:
        value, value_latex = (
            self.number(self.values[node.index]),
            self.latex_number(self.values[node.index]),
        )
        name = name_latex(node.name)
        if node.expr is None:
            role = "input" if is_param else "data: no gradient"
            return (
                "forward",
                node.index,
                f"{node.name} = {value} ({role})",
                f"{name} = {value_latex}",
                (),
            )
        numbers = {self.graph.nodes[p].name: self.number(self.values[p]) for p in node.parents}
        numbers_latex = {
            self.graph.nodes[p].name: self.latex_number(self.values[p]) for p in node.parents
        }
        text = _chain(node.name, formula_text(node.expr), formula_text(node.expr, numbers), value)
        latex = _chain(
            name, formula_latex(node.expr), formula_latex(node.expr, numbers_latex), value_latex
        )
        return ("forward", node.index, text, latex, tuple((p, node.index) for p in node.parents))

    def seed(self) -> _StepParts:
        text = f"{self.partial(self.target)} = 1 (the target's derivative with respect to itself)"
        return ("backward", self.graph.target, text, rf"{self.partial_latex(self.target)} = 1", ())

    def backward(self, node: Node, into: list[LocalDerivative]) -> _StepParts:
        grad = self.grads[node.index]
        assert grad is not None
        edges = tuple((node.index, d.child) for d in into)
        nodes = self.graph.nodes
        if len(into) == 1 and into[0].child == self.graph.target:
            d = into[0]
            text = _chain(self.partial(node.name), d.text, "", self.number(grad))
            latex = _chain(self.partial_latex(node.name), d.latex, "", self.latex_number(grad))
            return ("backward", node.index, text, latex, edges)
        symbolic, numeric, symbolic_latex, numeric_latex, where = [], [], [], [], []
        for d in into:
            child = nodes[d.child].name
            upstream = self.grads[d.child]
            assert upstream is not None
            symbolic.append(f"{self.partial(child)} · {self.partial(child, node.name)}")
            symbolic_latex.append(
                rf"{self.partial_latex(child)} \cdot {self.partial_latex(child, node.name)}"
            )
            numeric.append(f"{self.number(upstream)} · {_signed(self.number(d.value))}")
            numeric_latex.append(
                rf"{self.latex_number(upstream)} \cdot "
                rf"{_signed(self.latex_number(d.value), latex=True)}"
            )
            where.append(_chain(self.partial(child, node.name), d.text, "", self.number(d.value)))
        text = (
            f"{self.partial(node.name)} = {' + '.join(symbolic)} = {' + '.join(numeric)}"
            f" = {self.number(grad)}, where {'; '.join(where)}"
        )
        latex = (
            f"{self.partial_latex(node.name)} = {' + '.join(symbolic_latex)} = "
            f"{' + '.join(numeric_latex)} = {self.latex_number(grad)}"
        )
        return ("backward", node.index, text, latex, edges)


def _chain(name: str, *parts: str) -> str:
    """`a = 2 + 3w = 2 + 3·3 = 11`, leaving out any part equal to the one before it."""
    shown: list[str] = []
    for part in parts:
        if part and (not shown or part != shown[-1]):
            shown.append(part)
    return " = ".join([name, *shown])


def _signed(number: str, latex: bool = False) -> str:
    if not number.startswith("-"):
        return number
    return rf"\left({number}\right)" if latex else f"({number})"
