"""Program -> Graph: one node per assignment (statement granularity), versions for reassignment.

Each node keeps the formula as the user typed it (for display) and the same formula as a sympy
expression in its parents' symbols (for derivatives). A name used before any assignment is an
input whose value comes from `--at` or a spec's inputs.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import sympy

from .errors import EvaluationError, Location, ParseError
from .operations import BINARY, FUNCTIONS, float_value
from .parse import Limits
from .types import (
    Binary,
    Call,
    Expr,
    Graph,
    Name,
    Node,
    Number,
    Position,
    Program,
    Statement,
    Unary,
)

__all__ = ["compile_graph", "symbol"]

BARE_TARGET = "J"  # the name a bare expression gets, as in the lecture


def symbol(name: str) -> sympy.Symbol:
    """A plain real symbol: `E`, `I`, `beta` are the user's variables, never sympy's constants."""
    return sympy.Symbol(name, real=True)


def compile_graph(
    program: Program, *, target: str | None = None, limits: Limits | None = None
) -> Graph:
    """Build the graph of `program`, keeping only what the target depends on."""
    builder = _Builder(program, limits or Limits())
    for statement in program.statements:
        builder.add(statement)
    return builder.graph(target)


class _Builder:
    def __init__(self, program: Program, limits: Limits) -> None:
        self.file = program.file
        self.limits = limits
        self.nodes: list[Node] = []
        self.current: dict[str, int] = {}  # name as typed -> its latest version's node

    def add(self, statement: Statement) -> None:
        name, expr, position = statement.target or BARE_TARGET, statement.expr, statement.position
        literal = _literal(expr)
        if literal is not None:
            if name in self.current:
                first = self.nodes[self.current[name]].position
                raise self._error(
                    position,
                    f"`{name}` is already defined on line {first.line}",
                    f"an input is declared once; to change it pass --at {name}=VALUE",
                )
            self._append(name, None, (), symbol(name), literal, position)
            return
        versioned = self._resolve(expr)
        parents = tuple(dict.fromkeys(self.current[n.id] for n in _names(expr)))
        formula = self._symbolic(versioned)
        display = self._version(name)
        self._append(display, versioned, parents, formula, None, position)
        self.current[name] = len(self.nodes) - 1

    def graph(self, target: str | None) -> Graph:
        if target is not None and target not in self.current:
            known = ", ".join(self.current) or "none"
            raise ParseError(
                f"no variable named `{target}` to be the target",
                where=Location(self.file),
                hint=f"the variables are {known}",
            )
        last = self.nodes[-1].index if target is None else self.current[target]
        if self.nodes[last].is_input:
            raise self._error(
                self.nodes[last].position,
                f"the target `{self.nodes[last].name}` is an input, not a formula",
                "end the program with a formula, such as `J = w**2`",
            )
        return _keep_ancestors(self.nodes, last, self.file)

    def _append(
        self,
        name: str,
        expr: Expr | None,
        parents: tuple[int, ...],
        formula: sympy.Expr,
        default: float | None,
        position: Position,
    ) -> None:
        node = Node(len(self.nodes), name, parents, expr, formula, default, position)
        self.nodes.append(node)
        if expr is None:
            self.current[name] = node.index

    def _version(self, name: str) -> str:
        """c, then c', then c'': a reassignment is a new node, never a cycle."""
        if name not in self.current:
            return name
        return self.nodes[self.current[name]].name + "'"

    def _resolve(self, expr: Expr) -> Expr:
        """The expression with every name pointing at its current version (an input if new)."""
        for name in _names(expr):
            if name.id not in self.current:
                self._append(name.id, None, (), symbol(name.id), None, name.position)
        return _rename(expr, {n: self.nodes[i].name for n, i in self.current.items()})

    def _symbolic(self, expr: Expr) -> sympy.Expr:
        match expr:
            case Number(text=text):
                fraction = Fraction(text)
                return sympy.Rational(fraction.numerator, fraction.denominator)
            case Name(id=name):
                return symbol(name)
            case Unary(op=op, operand=operand):
                inner = self._symbolic(operand)
                return -inner if op == "-" else inner
            case Binary(op=op, left=left, right=right):
                a, b = self._symbolic(left), self._symbolic(right)
                if op == "**" and b.is_number and a.is_number and abs(b) > self.limits.exponent:
                    raise self._error(
                        expr.position,
                        "the exponent is too large to compute",
                        f"exponents of constants are limited to {self.limits.exponent:g}",
                    )
                if op == "/" and b == 0:
                    raise self._error(expr.position, "division by zero", "divide by something else")
                return BINARY[op].symbolic(a, b)
            case Call(function=function, args=args):
                values = [self._symbolic(a) for a in args]
                if all(v.is_number for v in values):
                    return self._constant(expr, values)
                return FUNCTIONS[function].symbolic(*values)
        raise TypeError(f"not an expression: {expr!r}")

    def _constant(self, call: Call, args: list[sympy.Expr]) -> sympy.Expr:
        # sympy's automatic simplification of e.g. cos(exp(exp(9))) can run for minutes, so a
        # function of constants becomes its float value at once.
        try:
            value = FUNCTIONS[call.function].numeric(*(float_value(a, {}) for a in args))
        except (ArithmeticError, ValueError) as reason:
            raise EvaluationError(
                f"{call.function}(...) has no real value: {reason}",
                where=self._where(call.position),
            ) from None
        if not math.isfinite(value):
            raise EvaluationError(
                f"{call.function}(...) is too large", where=self._where(call.position)
            )
        return sympy.Float(value)

    def _where(self, position: Position) -> Location:
        return Location(self.file, position.line, position.column)

    def _error(self, position: Position, message: str, hint: str) -> ParseError:
        return ParseError(message, where=self._where(position), hint=hint)


def _literal(expr: Expr) -> float | None:
    """The value of `3`, `-2` or `+0.5`: an input's declaration."""
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Unary) and isinstance(expr.operand, Number):
        return -expr.operand.value if expr.op == "-" else expr.operand.value
    return None


def _names(expr: Expr) -> list[Name]:
    match expr:
        case Name():
            return [expr]
        case Unary(operand=operand):
            return _names(operand)
        case Binary(left=left, right=right):
            return _names(left) + _names(right)
        case Call(args=args):
            return [n for a in args for n in _names(a)]
    return []


def _rename(expr: Expr, names: dict[str, str]) -> Expr:
    match expr:
        case Name(id=name):
            return dataclasses.replace(expr, id=names[name])
        case Unary(operand=operand):
            return dataclasses.replace(expr, operand=_rename(operand, names))
        case Binary(left=left, right=right):
            return dataclasses.replace(expr, left=_rename(left, names), right=_rename(right, names))
        case Call(args=args):
            return dataclasses.replace(expr, args=tuple(_rename(a, names) for a in args))
    return expr


def _keep_ancestors(nodes: list[Node], target: int, file: str | None) -> Graph:
    """Drop what the target does not depend on, and renumber in creation order."""
    keep = {target}
    for node in reversed(nodes[: target + 1]):
        if node.index in keep:
            keep.update(node.parents)
    kept = [n for n in nodes if n.index in keep]
    new_index = {n.index: i for i, n in enumerate(kept)}
    renumbered = tuple(
        dataclasses.replace(
            n, index=new_index[n.index], parents=tuple(new_index[p] for p in n.parents)
        )
        for n in kept
    )
    return Graph(renumbered, new_index[target], file)
