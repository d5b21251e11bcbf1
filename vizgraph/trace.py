"""Graph + input values -> Trace: forward values, local derivatives, backward adjoints, checks, steps."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import sympy

from .compile import operand
from .errors import EvaluationError, Location, VizgraphError
from .operations import NotExact, OutOfTime, exact_value, float_value, time_limit
from .steps import explain
from .types import FiniteDifference, Graph, LocalDerivative, Node, Trace

__all__ = ["EPSILON", "SYMBOLIC_SECONDS", "trace_graph"]

SYMBOLIC_SECONDS = 60.0  # every derivative of one graph, together
EPSILON = 0.001  # the lab's forward-difference step, as a student computes by hand
_CENTRAL_STEP = 2.0**-17  # about the cube root of float64's epsilon: the least-error central step
_AGREEMENT = 1e-5  # relative tolerance between backprop and the central difference


def trace_graph(
    graph: Graph,
    *,
    inputs: Mapping[str, float] | None = None,
    wrt: Sequence[str] | None = None,
    digits: int = 4,
    exact: bool = False,
) -> Trace:
    """Compute every number of the walkthrough; raise EvaluationError naming a node with no value.

    With `exact`, values that are rational are also kept as fractions, to be shown as 9/2.
    """
    start = _input_values(graph, inputs or {})
    params = _params(graph, wrt)
    values = _forward(graph, start)
    needs_grad = _needs_grad(graph, params)
    try:
        with time_limit(SYMBOLIC_SECONDS):
            local = _local_derivatives(graph, values, needs_grad)
    except OutOfTime:
        raise EvaluationError(
            f"the derivatives took longer than {SYMBOLIC_SECONDS:g} s",
            where=Location(graph.file),
            hint="use simpler formulas or op granularity",
        ) from None
    grads = _backward(graph, local, needs_grad)
    checks = tuple(_check(graph, start, p, grads[p]) for p in params)
    exact_numbers = _exactly(graph, start, local) if exact else None
    return explain(graph, params, values, grads, local, checks, digits, exact_numbers)


def _exactly(
    graph: Graph, start: Mapping[int, float], local: Sequence[LocalDerivative]
) -> tuple[tuple[Fraction | None, ...], tuple[Fraction | None, ...], tuple[Fraction | None, ...]]:
    """The same numbers in rationals where they are rational: values, gradients, local derivatives."""
    values: list[Fraction | None] = []
    for node in graph.nodes:
        if node.is_input:
            typed = node.literal if start[node.index] == node.default else None
            values.append(Fraction(typed or repr(start[node.index])))  # 0.1 is 1/10, 1/3 is 1/3
            continue
        operands = [values[p] for p in node.parents]
        values.append(_rational(node.shape, operands))
    locals_ = [
        _rational(
            _derivative(graph.nodes[d.child].shape, graph.edges[d.edge].occurrence),
            [values[p] for p in graph.nodes[d.child].parents],
        )
        for d in local
    ]
    grads: list[Fraction | None] = [None] * len(graph.nodes)
    grads[graph.target] = Fraction(1)
    for node in reversed(graph.nodes[: graph.target]):
        terms = [
            (grads[d.child], e)
            for d, e in zip(local, locals_, strict=True)
            if d.parent == node.index
        ]
        if terms and all(g is not None and e is not None for g, e in terms):
            grads[node.index] = sum((g * e for g, e in terms), Fraction(0))  # type: ignore[operator]
    return tuple(values), tuple(grads), tuple(locals_)


def _rational(shape: sympy.Expr, operands: Sequence[Fraction | None]) -> Fraction | None:
    if any(o is None for o in operands):
        return None
    try:
        return exact_value(shape, {operand(k): o for k, o in enumerate(operands)})  # type: ignore[misc]
    except (NotExact, ZeroDivisionError):
        return None


def _input_values(graph: Graph, overrides: Mapping[str, float]) -> dict[int, float]:
    inputs = {n.name: n for n in graph.inputs}
    for name in overrides:
        if name not in inputs:
            computed = any(n.name == name for n in graph.nodes)
            why = f"`{name}` is computed by a formula" if computed else f"no input named `{name}`"
            if name in graph.unused:
                why = f"`{name}` does not affect {_target(graph)}"
            raise VizgraphError(
                why,
                where=Location(graph.file),
                hint=f"the inputs are {', '.join(inputs) or 'none'}",
            )
    values = {}
    for node in inputs.values():
        value = overrides.get(node.name, node.default)
        if value is None:
            raise EvaluationError(
                f"`{node.name}` has no value",
                where=_where(graph, node),
                hint=f"write `{node.name} = 3` before it, or pass --at {node.name}=3",
            )
        if not math.isfinite(value):
            raise EvaluationError(
                f"`{node.name}` = {value} is not a finite number",
                where=_where(graph, node),
                hint="give it a finite value",
            )
        values[node.index] = float(value)
    return values


def _params(graph: Graph, wrt: Sequence[str] | None) -> tuple[int, ...]:
    if wrt is None:
        return tuple(n.index for n in graph.inputs)
    names = {n.name: n.index for n in graph.inputs}
    for name in wrt:
        if name not in names:
            why = f"does not affect {_target(graph)}" if name in graph.unused else "not an input"
            raise VizgraphError(
                f"cannot differentiate with respect to `{name}`: {why}",
                where=Location(graph.file),
                hint=f"the inputs are {', '.join(names) or 'none'}",
            )
    return tuple(names[n] for n in names if n in wrt)


def _forward(graph: Graph, start: Mapping[int, float]) -> tuple[float, ...]:
    values: list[float] = []
    for node in graph.nodes:
        if node.is_input:
            values.append(start[node.index])
            continue
        values.append(_evaluate(graph, node, node.shape, _operands(node, values), node.name))
    return tuple(values)


def _needs_grad(graph: Graph, params: tuple[int, ...]) -> tuple[bool, ...]:
    """A node gets a gradient when it depends on a parameter: what an autograd engine tracks."""
    needs: list[bool] = []
    for node in graph.nodes:
        needs.append(node.index in params or any(needs[p] for p in node.parents))
    return tuple(needs)


def _local_derivatives(
    graph: Graph, values: Sequence[float], needs_grad: Sequence[bool]
) -> tuple[LocalDerivative, ...]:
    """One derivative per edge, each computed once per shape (t7 = t6 * t2 reuses _0 * _1)."""
    found = []
    for index, edge in enumerate(graph.edges):
        if not needs_grad[edge.parent]:
            continue
        node = graph.nodes[edge.child]
        shaped = _derivative(node.shape, edge.occurrence)
        parent = graph.nodes[edge.parent]
        what = f"∂{node.name}/∂{parent.name}"
        try:
            value = _evaluate(graph, node, shaped, _operands(node, values), what)
        except EvaluationError as error:
            if parent.is_input:
                error.hint = (
                    f"no derivative with respect to {parent.name} here; to leave it "
                    f"out, name the other inputs with --wrt"
                )
            raise
        found.append(
            LocalDerivative(index, edge.child, edge.parent, shaped, value, node.parent_names)
        )
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _derivative(shape: sympy.Expr, occurrence: int) -> sympy.Expr:
    return sympy.diff(shape, operand(occurrence))


def _backward(
    graph: Graph, local: Sequence[LocalDerivative], needs_grad: Sequence[bool]
) -> tuple[float | None, ...]:
    grads: list[float | None] = [None] * len(graph.nodes)
    grads[graph.target] = 1.0
    into: dict[int, list[LocalDerivative]] = {}
    for d in local:
        into.setdefault(d.parent, []).append(d)
    for node in reversed(graph.nodes[: graph.target]):
        if needs_grad[node.index]:
            terms = [grads[d.child] * d.value for d in into[node.index]]  # type: ignore[operator]
            what = f"∂{_target(graph)}/∂{node.name}"
            grads[node.index] = _finite(graph, node, math.fsum(terms), what)
    return tuple(grads)


def _check(
    graph: Graph, start: Mapping[int, float], param: int, grad: float | None
) -> FiniteDifference:
    """The lab's forward difference and a central difference with a step scaled to the input."""
    x = start[param]
    # Relative to the input, so right at 1e-20 and at 1e20 alike; an absolute step for inputs
    # so tiny (or zero) that a relative one would vanish.
    step = _CENTRAL_STEP * (abs(x) if abs(x) > 1e-150 else 1.0)

    def target_at(value: float) -> float | None:
        try:
            return _forward(graph, {**start, param: value})[graph.target]
        except EvaluationError:
            return None  # e.g. log near zero: the check says "not defined" rather than fail

    here, ahead = target_at(x), target_at(x + EPSILON)
    above, below = target_at(x + step), target_at(x - step)
    forward = None if here is None or ahead is None else (ahead - here) / EPSILON
    central = None if above is None or below is None else (above - below) / (2 * step)
    agrees = (
        central is not None
        and grad is not None
        and math.isclose(central, grad, rel_tol=_AGREEMENT, abs_tol=_AGREEMENT * max(1.0, abs(x)))
    )
    return FiniteDifference(param, EPSILON, forward, step, central, agrees)


def _operands(node: Node, values: Sequence[float]) -> dict[sympy.Symbol, float]:
    return {operand(k): values[p] for k, p in enumerate(node.parents)}


def _evaluate(
    graph: Graph, node: Node, expr: sympy.Expr, env: dict[sympy.Symbol, float], what: str
) -> float:
    try:
        value = float_value(expr, env)
    except ZeroDivisionError:
        raise _not_real(graph, node, what, "division by zero") from None
    except OverflowError:
        raise _not_real(graph, node, what, "the number is too large") from None
    except (ValueError, TypeError) as error:
        reason = "math domain error" if "domain" in str(error) else str(error)
        raise _not_real(graph, node, what, f"not a real number ({reason})") from None
    return _finite(graph, node, value, what)


def _finite(graph: Graph, node: Node, value: float, what: str) -> float:
    if not math.isfinite(value):
        raise _not_real(graph, node, what, "the number is too large")
    return value


def _not_real(graph: Graph, node: Node, what: str, reason: str) -> EvaluationError:
    return EvaluationError(
        f"{what} has no value: {reason}",
        where=_where(graph, node),
        hint="check the inputs' values and the formula's domain",
    )


def _where(graph: Graph, node: Node) -> Location:
    return Location(graph.file, node.position.line, node.position.column)


def _target(graph: Graph) -> str:
    return graph.nodes[graph.target].name
