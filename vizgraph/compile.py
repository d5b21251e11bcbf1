"""Program -> Graph: one node per assignment (statement granularity), versions for reassignment.

Each node keeps the formula as the user typed it (for display) and the same formula as a sympy
expression in its parents' symbols (for derivatives). A name used before any assignment is an
input whose value comes from `--at` or a spec's inputs.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator
from fractions import Fraction

import sympy

from .errors import EvaluationError, Location, ParseError, VizgraphError
from .notation import formula_text
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

__all__ = ["GRANULARITIES", "compile_graph", "operand", "symbol"]

BARE_TARGET = "J"
_SUPERSCRIPT = str.maketrans(
    "0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾"
)  # the name a bare expression gets, as in the lecture
GRANULARITIES = ("statement", "op")


def symbol(name: str) -> sympy.Symbol:
    """A plain real symbol: `E`, `I`, `beta` are the user's variables, never sympy's constants."""
    return sympy.Symbol(name, real=True)


def operand(k: int) -> sympy.Symbol:
    """The k-th operand occurrence of a node's shape (user names cannot start with `_`)."""
    return sympy.Symbol(f"_{k}", real=True)


def compile_graph(
    program: Program,
    *,
    target: str | None = None,
    granularity: str = "statement",
    limits: Limits | None = None,
) -> Graph:
    """Build the graph of `program`, keeping only what the target depends on.

    `statement`: one node per assignment, as a lecture draws it. `op`: one node per operator,
    as an autograd engine sees it, the inner ones named t1, t2, ...
    """
    if granularity not in GRANULARITIES:
        raise ParseError(
            f"unknown granularity `{granularity}`",
            where=Location(program.file),
            hint="use statement or op",
        )
    builder = _Builder(program, (limits or Limits()).within(), split=granularity == "op")
    for statement in program.statements:
        builder.add(statement)
    return dataclasses.replace(builder.graph(target), granularity=granularity)  # type: ignore[arg-type]


class _Builder:
    def __init__(self, program: Program, limits: Limits, *, split: bool) -> None:
        self.file = program.file
        self.limits = limits
        self.split = split
        self.nodes: list[Node] = []
        self.current: dict[str, int] = {}  # name as typed -> its latest version's node
        self.versions: dict[str, int] = {}
        self.by_name: dict[str, int] = {}  # display name -> node
        used = {n.id for s in program.statements for n in _names(s.expr)}
        used |= {s.target for s in program.statements if s.target}
        self.spare_names = (f"t{i}" for i in itertools.count(1) if f"t{i}" not in used)

    def add(self, statement: Statement) -> None:
        name, expr, position = statement.target or BARE_TARGET, statement.expr, statement.position
        if not _names(expr):  # `w = 3`, `w = -2`, `w = 1/2`: an input, with this value
            self._declare(name, expr, position)
            return
        versioned = self._resolve(expr)
        if self.split:
            versioned = self._split_top(versioned)
        self._node(self._version(name), versioned, position)
        self.current[name] = len(self.nodes) - 1

    def _declare(self, name: str, expr: Expr, position: Position) -> None:
        if name in self.current:
            raise self._redeclared(name, position)
        value = _literal(expr)
        if value is None:
            try:
                value = float_value(self._symbolic(expr, itertools.count()), {})
            except VizgraphError:
                raise
            except (ArithmeticError, ValueError):
                value = math.nan
        if not math.isfinite(value):
            raise EvaluationError(
                f"`{name}` has no finite real value",
                where=self._where(position),
                hint="check the numbers in its formula",
            )
        simple = _literal(expr) is not None or (
            isinstance(expr, Binary)
            and expr.op == "/"
            and _literal(expr.left) is not None
            and isinstance(expr.right, Number)
        )
        literal = formula_text(expr) if simple else None  # shown as typed: 0.1, -2, 1/3
        self._append(name, None, (), symbol(name), value, position, literal)
        self.current[name] = len(self.nodes) - 1

    def _redeclared(self, name: str, position: Position) -> ParseError:
        earlier = self.nodes[self.current[name]]
        line = earlier.position.line
        if earlier.is_input and earlier.default is None:
            return self._error(
                position,
                f"`{name}` is used on line {line} before it gets a value here",
                f"declare `{name} = ...` before its first use",
            )
        if earlier.is_input:
            return self._error(
                position,
                f"`{name}` is already declared on line {line}",
                f"an input is declared once; to change it pass --at {name}=VALUE",
            )
        return self._error(
            position,
            f"`{name}` is computed on line {line}; a number here would make it an input",
            "use a new name for the input",
        )

    def _node(self, name: str, expr: Expr, position: Position) -> Name:
        """Append the node computing `expr` (its names already versioned); return a name for it."""
        parents = tuple(self.by_name[n.id] for n in _names(expr))
        shape = self._symbolic(expr, itertools.count())
        self._append(name, expr, parents, shape, None, position)
        return Name(name, position)

    def _split_top(self, expr: Expr) -> Expr:
        """Op granularity: every operator under the top one becomes its own node."""
        match expr:
            case Unary(op="+", operand=inner):
                return self._split_top(inner)
            case Unary(operand=inner):
                return dataclasses.replace(expr, operand=self._split_inner(inner))
            case Binary(left=left, right=right):
                return dataclasses.replace(
                    expr, left=self._split_inner(left), right=self._split_inner(right)
                )
            case Call(args=args):
                return dataclasses.replace(expr, args=tuple(self._split_inner(a) for a in args))
        return expr

    def _split_inner(self, expr: Expr) -> Expr:
        if isinstance(expr, Name | Number) or not _names(expr):
            return expr  # names and constants stay operands: constants fold into the formula
        if isinstance(expr, Unary) and expr.op == "+":
            return self._split_inner(expr.operand)
        split = self._split_top(expr)  # operands first, so t1, t2, ... count in creation order
        return self._node(next(self.spare_names), split, expr.position)

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
                f"the target `{self.nodes[last].name}` is a constant: it uses no variable",
                "end the program with a formula, such as `J = w**2`",
            )
        return _keep_ancestors(self.nodes, last, self.file)

    def _append(
        self,
        name: str,
        expr: Expr | None,
        parents: tuple[int, ...],
        shape: sympy.Expr,
        default: float | None,
        position: Position,
        literal: str | None = None,
    ) -> None:
        names = tuple(self.nodes[p].name for p in parents)
        node = Node(len(self.nodes), name, parents, expr, shape, default, position, literal, names)
        self.nodes.append(node)
        self.by_name[name] = node.index

    def _version(self, name: str) -> str:
        """c, then c′, c″, c‴ (as primes), then c⁽⁴⁾: a reassignment is a new node, never a cycle."""
        if name not in self.current:
            return name
        self.versions[name] = self.versions.get(name, 0) + 1
        count = self.versions[name]
        return name + ("'" * count if count <= 3 else f"({count})".translate(_SUPERSCRIPT))

    def _resolve(self, expr: Expr) -> Expr:
        """The expression with every name pointing at its current version (an input if new)."""
        for name in _names(expr):
            if name.id not in self.current:
                self._append(name.id, None, (), symbol(name.id), None, name.position)
                self.current[name.id] = len(self.nodes) - 1
        return _rename(expr, {n.id: self.nodes[self.current[n.id]].name for n in _names(expr)})

    def _symbolic(self, expr: Expr, occurrences: Iterator[int]) -> sympy.Expr:
        """The node's shape: constants exact, the k-th name occurrence as operand(k)."""
        match expr:
            case Number(text=text):
                fraction = Fraction(text)
                return sympy.Rational(fraction.numerator, fraction.denominator)
            case Name():
                return operand(next(occurrences))
            case Unary(op=op, operand=inner_expr):
                inner = self._symbolic(inner_expr, occurrences)
                return -inner if op == "-" else inner
            case Binary(op=op, left=left, right=right):
                a, b = self._symbolic(left, occurrences), self._symbolic(right, occurrences)
                if op == "**" and b.is_number and a.is_number:
                    self._check_power(expr, a, b)
                if op == "/" and b == 0:
                    raise self._error(expr.position, "division by zero", "divide by something else")
                result = BINARY[op].symbolic(a, b)
                if result.is_number and not (result.is_real and result.is_finite):
                    raise self._error(
                        expr.position,
                        "this has no finite real value",
                        "check for a division by zero or a negative base",
                    )
                return result
            case Call(function=function, args=args):
                values = [self._symbolic(a, occurrences) for a in args]
                if all(v.is_number for v in values):
                    return self._constant(expr, values)
                return FUNCTIONS[function].symbolic(*values)
        raise TypeError(f"not an expression: {expr!r}")

    def _check_power(self, expr: Expr, base: sympy.Expr, exponent: sympy.Expr) -> None:
        """Refuse a constant power before sympy computes it: 2**2**2**30 would never end."""
        if abs(exponent) > self.limits.exponent:
            raise self._error(
                expr.position,
                "the exponent is too large to compute",
                f"exponents of constants are limited to {self.limits.exponent:g}",
            )
        if base.is_Rational and exponent.is_Integer:
            bits = max(int(base.p).bit_length(), int(base.q).bit_length()) * abs(int(exponent))
            if bits > self.limits.constant_bits:
                raise self._error(
                    expr.position,
                    "this power is too large to compute exactly",
                    f"constants are limited to {self.limits.constant_bits} bits",
                )

    def _constant(self, call: Call, args: list[sympy.Expr]) -> sympy.Expr:
        # sympy's automatic simplification of e.g. cos(exp(exp(9))) can run for minutes, so a
        # function of constants becomes its float value at once.
        try:
            value = FUNCTIONS[call.function].numeric(*(float_value(a, {}) for a in args))
        except OverflowError:
            raise EvaluationError(
                f"{call.function}(...) is too large for a float",
                where=self._where(call.position),
                hint="use smaller numbers",
            ) from None
        except (ArithmeticError, ValueError):
            raise EvaluationError(
                f"{call.function}(...) has no real value",
                where=self._where(call.position),
                hint=f"check the argument of {call.function}",
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
    unused = tuple(n.name for n in nodes if n.index not in keep)
    new_index = {n.index: i for i, n in enumerate(kept)}
    renumbered = tuple(
        dataclasses.replace(
            n, index=new_index[n.index], parents=tuple(new_index[p] for p in n.parents)
        )
        for n in kept
    )
    return Graph(renumbered, new_index[target], file, unused=unused)
