"""The trace's numbers -> Steps and labels: what each step reveals, in words and in LaTeX.

Part of the trace stage: everything a picture or a page shows is written here once, so the
renderers and templates after it only place text.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import sympy

from .notation import (
    format_latex_number,
    format_number,
    formula_latex,
    formula_text,
    is_exact,
    name_latex,
)
from .types import FiniteDifference, Graph, LocalDerivative, Node, Step, StepKind, Trace

__all__ = ["explain"]


def explain(
    graph: Graph,
    params: tuple[int, ...],
    values: tuple[float, ...],
    grads: tuple[float | None, ...],
    local: Sequence[LocalDerivative],
    checks: tuple[FiniteDifference, ...],
    digits: int,
    exact: Exactly | None = None,
) -> Trace:
    """Write every step; with `exact` (values, gradients, local derivatives as fractions where
    rational), numbers show as 9/2 rather than 4.5."""
    exact_values, exact_grads, exact_locals = exact or ((), (), ())
    writer = _Writer(graph, values, grads, digits, exact_values, exact_grads)
    local = tuple(
        writer.with_notation(d, exact_locals[k] if exact_locals else None)
        for k, d in enumerate(local)
    )
    parts = [writer.forward(node, node.index in params) for node in graph.nodes]
    parts.append(writer.seed())
    into: dict[int, list[LocalDerivative]] = {}
    for d in local:
        into.setdefault(d.parent, []).append(d)
    for node in reversed(graph.nodes[: graph.target]):
        if grads[node.index] is not None:
            parts.extend(writer.backward(node, into[node.index]))
    steps = tuple(
        Step(i, *part, question=writer.question(part[1], graph.nodes[part[2]]))
        for i, part in enumerate(parts)
    )
    return Trace(
        graph=graph,
        params=params,
        values=values,
        grads=grads,
        locals=local,
        checks=checks,
        steps=steps,
        value_labels=tuple(f"{n.name} = {writer.value(n.index)}" for n in graph.nodes),
        grad_labels=tuple(
            None if g is None else f"{writer.partial(n.name)} = {writer.grad(n.index)}"
            for n, g in zip(graph.nodes, grads, strict=True)
        ),
        edge_labels=writer.edge_labels(local),
        formula_labels=tuple(writer.header(n, n.index in params) for n in graph.nodes),
        digits=digits,
        exact_values=exact_values,
        exact_grads=exact_grads,
    )


_FRACTION_DENOMINATOR = 1000  # exact mode shows 9/2 and 7/30, but 0.3333 for 3333/10000

_SUBSCRIPTS = str.maketrans("0123456789()", "₀₁₂₃₄₅₆₇₈₉₍₎")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

Exactly = tuple[
    tuple[Fraction | None, ...], tuple[Fraction | None, ...], tuple[Fraction | None, ...]
]
_StepParts = tuple[Literal["forward", "backward"], StepKind, int, str, str, tuple[int, ...]]


class _Writer:
    def __init__(
        self,
        graph: Graph,
        values: tuple[float, ...],
        grads: tuple[float | None, ...],
        digits: int,
        exact_values: tuple[Fraction | None, ...],
        exact_grads: tuple[Fraction | None, ...],
    ) -> None:
        self.graph = graph
        self.values = values
        self.grads = grads
        self.digits = digits
        self.exact_values = exact_values
        self.exact_grads = exact_grads
        self.target = graph.nodes[graph.target].name
        self.edges_into: dict[int, list[int]] = {n.index: [] for n in graph.nodes}
        self.edges_out: dict[int, list[int]] = {n.index: [] for n in graph.nodes}
        for k, edge in enumerate(graph.edges):
            self.edges_into[edge.child].append(k)
            self.edges_out[edge.parent].append(k)

    def number(self, x: float, exact: Fraction | None = None) -> str:
        if exact is not None and 1 < exact.denominator <= _FRACTION_DENOMINATOR:
            return f"{exact.numerator}/{exact.denominator}"
        return format_number(x, self.digits)

    def latex_number(self, x: float, exact: Fraction | None = None) -> str:
        if exact is not None and 1 < exact.denominator <= _FRACTION_DENOMINATOR:
            fraction = rf"\frac{{{abs(exact.numerator)}}}{{{exact.denominator}}}"
            return f"{{-{fraction}}}" if exact < 0 else fraction
        return format_latex_number(x, self.digits)

    # Each number of the walkthrough, exact where it can be: value, gradient, local, share.
    def value(self, i: int, latex: bool = False) -> str:
        node = self.graph.nodes[i]
        exact = self.exact_values[i] if self.exact_values else None
        typed = node.literal if node.is_input and self.values[i] == node.default else None
        if typed is not None and (exact is None or exact.denominator == 1 or "/" in typed):
            # An input shows as given, never rounded: w = 1.0001 is not w = 1, x = 1/3 stays.
            return _typed_latex(typed) if latex else typed
        if node.is_input and exact is None:
            return (format_latex_number if latex else format_number)(self.values[i], 15)
        return (self.latex_number if latex else self.number)(self.values[i], exact)

    def grad(self, i: int, latex: bool = False) -> str:
        grad = self.grads[i]
        assert grad is not None
        exact = self.exact_grads[i] if self.exact_grads else None
        return (self.latex_number if latex else self.number)(grad, exact)

    def local(self, d: LocalDerivative, latex: bool = False) -> str:
        return (self.latex_number if latex else self.number)(d.value, d.exact)

    def share(self, d: LocalDerivative, latex: bool = False) -> str:
        upstream = self.exact_grads[d.child] if self.exact_grads else None
        exact = None if upstream is None or d.exact is None else upstream * d.exact
        return (self.latex_number if latex else self.number)(self._share(d), exact)

    def partial(self, of: str, by: str | None = None) -> str:
        """∂J/∂of, or ∂of/∂by."""
        top, bottom = (self.target, of) if by is None else (of, by)
        return f"∂{top}/∂{bottom}"

    def partial_latex(self, of: str, by: str | None = None) -> str:
        top, bottom = (self.target, of) if by is None else (of, by)
        return rf"\frac{{\partial {name_latex(top)}}}{{\partial {name_latex(bottom)}}}"

    def header(self, node: Node, is_param: bool) -> str:
        if node.expr is None:
            return node.name if is_param else f"{node.name} (data)"
        return f"{node.name} = {formula_text(node.expr)}"

    def question(self, kind: StepKind, node: Node) -> str | None:
        """A worksheet's question for the steps that fill a box (inputs and the seed are given)."""
        if kind == "value":
            return f"What is {node.name}? ({self.header(node, True)})"
        if kind == "gradient":
            return f"What is {self.partial(node.name)}?"
        if kind == "sum":
            users = len(self.edges_out[node.index])
            return f"What is {self.partial(node.name)}? ({node.name} is used {users} times: add up)"
        return None

    def edge_labels(self, local: Sequence[LocalDerivative]) -> tuple[str | None, ...]:
        """Each edge's local derivative, where a gradient flows along it: `∂a/∂w = 3`."""
        labels: list[str | None] = [None] * len(self.graph.edges)
        for d in local:
            child, parent = self.graph.nodes[d.child].name, self.graph.nodes[d.parent].name
            labels[d.edge] = f"{self.partial(child, parent)} = {self.local(d)}"
        return tuple(labels)

    def with_notation(self, d: LocalDerivative, exact: Fraction | None) -> LocalDerivative:
        """The derivative in words and LaTeX: printed once per shape, then given its names."""
        names = self.graph.nodes[d.child].parent_names
        text, latex = _printed(d.shaped, self.digits)
        text = _OPERAND_TEXT.sub(lambda m: names[int(m[1])], text)
        latex = _OPERAND_LATEX.sub(lambda m: name_latex(names[int(m[1])]), latex)
        text = re.sub(r"\^(\d+)\b", lambda m: m[1].translate(_SUPERSCRIPT_DIGITS), text)
        return dataclasses.replace(d, text=text, latex=latex, exact=exact)

    def forward(self, node: Node, is_param: bool) -> _StepParts:
        name = name_latex(node.name)
        if node.expr is None:
            role = "input" if is_param else "data: no gradient"
            text = f"{node.name} = {self.value(node.index)} ({role})"
            return (
                "forward",
                "input",
                node.index,
                text,
                f"{name} = {self.value(node.index, latex=True)}",
                (),
            )
        nodes = self.graph.nodes
        numbers = {nodes[p].name: self.value(p) for p in node.parents}
        numbers_latex = {nodes[p].name: self.value(p, latex=True) for p in node.parents}
        expr = node.expr
        shown = self.value(node.index)
        approx = _rounded(shown, self.values[node.index])
        text = _chain(
            node.name, formula_text(expr), formula_text(expr, numbers), shown, approx=approx
        )
        latex = _chain(
            name,
            formula_latex(expr),
            formula_latex(expr, numbers_latex),
            self.value(node.index, latex=True),
            approx=approx,
            latex=True,
        )
        return ("forward", "value", node.index, text, latex, tuple(self.edges_into[node.index]))

    def seed(self) -> _StepParts:
        text = f"{self.partial(self.target)} = 1 (the target's derivative with respect to itself)"
        latex = rf"{self.partial_latex(self.target)} = 1"
        return ("backward", "seed", self.graph.target, text, latex, ())

    def backward(self, node: Node, into: list[LocalDerivative]) -> list[_StepParts]:
        """One chain-rule step; where several edges leave the node, one per edge and their sum."""
        grad = self.grads[node.index]
        assert grad is not None
        total, total_latex = self.partial(node.name), self.partial_latex(node.name)
        if len(into) == 1:
            text, latex = self._term(into[0])
            if into[0].child == self.graph.target:  # ∂J/∂a = 2a, not ∂J/∂a = ∂J/∂a = 2a
                text, latex = text.split(" = ", 1)[1], latex.split(" = ", 1)[1]
            return [
                (
                    "backward",
                    "gradient",
                    node.index,
                    f"{total} = {text}",
                    f"{total_latex} = {latex}",
                    (into[0].edge,),
                )
            ]
        steps: list[_StepParts] = []
        for i, d in enumerate(into, start=1):
            text, latex = self._term(d)
            along = f"{node.name} → {self.graph.nodes[d.child].name}{self._which(d)}"
            steps.append(
                (
                    "backward",
                    "contribution",
                    node.index,
                    f"contribution {i} of {len(into)} to {total}, along {along}: {text}",
                    latex,
                    (d.edge,),
                )
            )
        shares = [self.share(d) for d in into]
        shares_latex = [self.share(d, latex=True) for d in into]
        approx = _rounded(self.grad(node.index), self.grads[node.index])  # type: ignore[arg-type]
        text = _chain(total, _sum(shares), self.grad(node.index), approx=approx)
        text += f", the sum over its {len(into)} edges"
        latex = _chain(
            total_latex,
            _sum(shares_latex, latex=True),
            self.grad(node.index, latex=True),
            approx=approx,
            latex=True,
        )
        steps.append(("backward", "sum", node.index, text, latex, tuple(d.edge for d in into)))
        return steps

    def _nth(self, d: LocalDerivative) -> int | None:
        """Which use of the parent this edge is, where the parent is used more than once."""
        child = self.graph.nodes[d.child]
        if child.parents.count(d.parent) < 2:
            return None
        return child.parents[: self.graph.edges[d.edge].occurrence + 1].count(d.parent)

    def _which(self, d: LocalDerivative) -> str:
        """` (the 2nd b in e)` where the parent occurs more than once in the child's formula."""
        nth = self._nth(d)
        if nth is None:
            return ""
        ordinal = {1: "1st", 2: "2nd", 3: "3rd"}.get(nth, f"{nth}th")
        return f" (the {ordinal} {self.graph.nodes[d.parent].name} in {self.graph.nodes[d.child].name})"

    def _local_text(self, d: LocalDerivative) -> str:
        """∂e/∂b, marked ∂e/∂b₍₂₎ for the second occurrence of b in e, as in the LaTeX."""
        nth = self._nth(d)
        text = self.partial(self.graph.nodes[d.child].name, self.graph.nodes[d.parent].name)
        return text if nth is None else text + f"({nth})".translate(_SUBSCRIPTS)

    def _local_latex(self, d: LocalDerivative) -> str:
        """∂e/∂b, marked ∂e/∂b₍₂₎ for the second occurrence of b in e."""
        nth = self._nth(d)
        child, parent = self.graph.nodes[d.child].name, self.graph.nodes[d.parent].name
        if nth is None:
            return self.partial_latex(child, parent)
        return (
            rf"\frac{{\partial {name_latex(child)}}}{{\partial {name_latex(parent)}_{{({nth})}}}}"
        )

    def _share(self, d: LocalDerivative) -> float:
        upstream = self.grads[d.child]
        assert upstream is not None
        return upstream * d.value

    def _term(self, d: LocalDerivative) -> tuple[str, str]:
        """`∂J/∂a · ∂a/∂w = 22 · 3 = 66, where ∂a/∂w = 3`: one edge's chain-rule product."""
        child, parent = self.graph.nodes[d.child].name, self.graph.nodes[d.parent].name
        approx = _rounded(self.share(d), self._share(d))
        if d.child == self.graph.target:  # no upstream factor: ∂J/∂J = 1
            return (
                _chain(self._local_text(d), d.text, self.share(d), approx=approx),
                _chain(
                    self._local_latex(d),
                    d.latex,
                    self.share(d, latex=True),
                    approx=approx,
                    latex=True,
                ),
            )
        text = _chain(
            f"{self.partial(child)} · {self.partial(child, parent)}",
            f"{self.grad(d.child)} · {_signed(self.local(d))}",
            self.share(d),
            approx=approx,
        )
        where = _chain(
            self.partial(child, parent),
            d.text,
            self.local(d),
            approx=_rounded(self.local(d), d.value),
        )
        latex = _chain(
            rf"{self.partial_latex(child)} \cdot {self.partial_latex(child, parent)}",
            rf"{self.grad(d.child, latex=True)} \cdot {_signed(self.local(d, latex=True), latex=True)}",
            self.share(d, latex=True),
            approx=approx,
            latex=True,
        )
        return f"{text}, where {where}", latex


def _typed_latex(typed: str) -> str:
    """An input's literal in LaTeX: 1/3 as a fraction, 1e-3 as a power of ten."""
    negative, body = typed.startswith("-"), typed.lstrip("-")
    if "/" in body:
        top, bottom = body.split("/")
        text = rf"\frac{{{_typed_latex(top)}}}{{{_typed_latex(bottom)}}}"
    elif "e" in body.lower():
        text = format_latex_number(float(body), 15)
    else:
        text = body
    return f"{{-{text}}}" if negative else text


_OPERAND_TEXT = re.compile(r"(?<![\w.])_(\d+)(?![\w])")
_OPERAND_LATEX = re.compile(r"\\vgoperand\{(\d+)\}")


@functools.lru_cache(maxsize=4096)
def _printed(derivative: sympy.Expr, digits: int) -> tuple[str, str]:
    """Text and LaTeX of a derivative; operand symbols _k print as _k and \\vgoperand{k}."""
    shown = _readable(derivative, digits)
    text = sympy.sstr(shown).replace("**", "^").replace("*", "·")
    operands = {
        s: rf"\vgoperand{{{s.name[1:]}}}"
        for s in shown.free_symbols
        if isinstance(s, sympy.Symbol) and re.fullmatch(r"_\d+", s.name)
    }
    names = {s: name_latex(s.name) for s in shown.free_symbols if s not in operands}
    return text, sympy.latex(shown, symbol_names={**names, **operands})


def _readable(derivative: sympy.Expr, digits: int) -> sympy.Expr:
    """The derivative as a lecture writes it: 6(3w + 2) rather than sympy's 18w + 12, decimals
    as typed (1.0001, not 10001/10000), and no 302-digit integers."""
    factored = sympy.factor_terms(derivative)
    numbers = {}
    for number in factored.atoms(sympy.Rational):
        q, p = int(number.q), abs(int(number.p))
        decimal = q > 1 and 10 ** (len(str(q)) - 1) == q
        if decimal or p > 10**6 or q > 10**6:
            # A symbol named by the number prints as exactly that text.
            numbers[number] = sympy.Symbol(format_number(float(number), max(digits, 6)))
    return factored.xreplace(numbers)


def _chain(first: str, *parts: str, approx: bool = False, latex: bool = False) -> str:
    """`a = 2 + 3w = 2 + 3·3 = 11`, leaving out any part equal to the one before it.

    With `approx` the last part is a rounded number, and says so: `= 1.0001·1.0001 ≈ 1`.
    """
    shown = [first]
    for part in parts:
        if part and part != shown[-1]:
            shown.append(part)
    if approx and len(shown) > 1:
        last = shown.pop()
        return " = ".join(shown) + (r" \approx " if latex else " ≈ ") + last
    return " = ".join(shown)


def _rounded(shown: str, x: float) -> bool:
    return not is_exact(shown, x)


def _sum(terms: list[str], latex: bool = False) -> str:
    return " + ".join(terms[:1] + [_signed(t, latex) for t in terms[1:]])


def _signed(number: str, latex: bool = False) -> str:
    if not number.lstrip("{").startswith("-"):
        return number
    return rf"\left({number}\right)" if latex else f"({number})"
