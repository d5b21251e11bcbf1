"""The table of operations: each operator and function with its arity, notation, symbolic form and float form.

Adding a function to the language is one row here (and a test). The kink conventions of
DESIGN.md live in the custom sympy functions below: relu'(0) = 0, abs'(0) = 0, and a tie in
max or min gives the derivative to the first argument.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import sympy

__all__ = [
    "BINARY",
    "FUNCTIONS",
    "NotExact",
    "Operation",
    "OutOfTime",
    "exact_value",
    "float_value",
    "time_limit",
]


def _raised(latex: str, exp: str | None) -> str:
    """sympy asks a function for `f(x)^{2}` by passing the exponent to its _latex."""
    return latex if exp is None else rf"\left({latex}\right)^{{{exp}}}"


class _Indicator(sympy.Function):
    """1 where a condition on the arguments holds, else 0: the derivative at a kink, by convention."""

    relation = ">"
    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.Integer(0)

    def holds(self, *xs: float) -> bool:
        raise NotImplementedError

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        a, b = (printer.doprint(arg) for arg in self._pair())
        return f"[{a} {self.relation_text} {b}]"

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        a, b = (printer.doprint(arg) for arg in self._pair())
        return _raised(rf"[{a} {self.relation_latex} {b}]", exp)

    def _pair(self) -> tuple[sympy.Expr, sympy.Expr]:
        args = self.args
        return (args[0], sympy.Integer(0)) if len(args) == 1 else (args[0], args[1])


class positive(_Indicator):
    nargs = 1
    relation_text, relation_latex = ">", ">"

    def holds(self, *xs: float) -> bool:
        return xs[0] > 0


class at_least(_Indicator):
    nargs = 2
    relation_text, relation_latex = "≥", r"\geq"

    def holds(self, *xs: float) -> bool:
        return xs[0] >= xs[1]


class at_most(_Indicator):
    nargs = 2
    relation_text, relation_latex = "≤", r"\leq"

    def holds(self, *xs: float) -> bool:
        return xs[0] <= xs[1]


class sign(sympy.Function):
    nargs = 1
    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.Integer(0)

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _raised(rf"\operatorname{{sign}}\left({printer.doprint(self.args[0])}\right)", exp)


class sigmoid(sympy.Function):
    nargs = 1
    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self * (1 - self)

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _raised(rf"\sigma\left({printer.doprint(self.args[0])}\right)", exp)


class relu(sympy.Function):
    nargs = 1
    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return positive(self.args[0])

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _raised(rf"\operatorname{{relu}}\left({printer.doprint(self.args[0])}\right)", exp)


class absolute(sympy.Function):
    # but simplifies |x| for real x in ways that no longer look like what was typed.
    nargs = 1
    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sign(self.args[0])

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"abs({printer.doprint(self.args[0])})"

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        return _raised(rf"\left|{printer.doprint(self.args[0])}\right|", exp)


class _Extremum(sympy.Function):
    """max or min of two arguments; at a tie the derivative goes to the first."""

    nargs = 2
    is_real = True
    word = ""
    first_wins: type[_Indicator] = at_least

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        first = self.first_wins(*self.args)
        return first if argindex == 1 else 1 - first

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return "{}({}, {})".format(self.word, *map(printer.doprint, self.args))

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        a, b = map(printer.doprint, self.args)
        return _raised(rf"\{self.word}\left({a}, {b}\right)", exp)


class maximum(_Extremum):
    word, first_wins = "max", at_least


class minimum(_Extremum):
    word, first_wins = "min", at_most


def _sigmoid(x: float) -> float:
    # Two branches so that neither exp() overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _power(base: float, exponent: float) -> float:
    # math.pow raises on a negative base with a fractional exponent where ** would go complex.
    return math.pow(base, exponent)


def _divide(a: float, b: float) -> float:
    return a / b


@dataclass(frozen=True)
class Operation:
    name: str  # as typed: "+" or "sigmoid"
    arity: int
    symbolic: Callable[..., sympy.Expr]
    numeric: Callable[..., float]
    text: str  # how the formula prints it in plain text
    latex: str
    precedence: int = 0  # binary operators only


BINARY: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("+", 2, lambda a, b: a + b, lambda a, b: a + b, " + ", " + ", 1),
        Operation("-", 2, lambda a, b: a - b, lambda a, b: a - b, " - ", " - ", 1),
        Operation("*", 2, lambda a, b: a * b, lambda a, b: a * b, "·", r" \cdot ", 2),
        Operation("/", 2, lambda a, b: a / b, _divide, "/", "/", 2),
        Operation("**", 2, lambda a, b: a**b, _power, "^", "^", 4),
    )
}

FUNCTIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("exp", 1, sympy.exp, math.exp, "exp", r"\exp"),
        Operation("log", 1, sympy.log, math.log, "log", r"\log"),
        Operation("sqrt", 1, sympy.sqrt, math.sqrt, "sqrt", r"\sqrt"),
        Operation("sin", 1, sympy.sin, math.sin, "sin", r"\sin"),
        Operation("cos", 1, sympy.cos, math.cos, "cos", r"\cos"),
        Operation("tan", 1, sympy.tan, math.tan, "tan", r"\tan"),
        Operation("tanh", 1, sympy.tanh, math.tanh, "tanh", r"\tanh"),
        Operation("sigmoid", 1, sigmoid, _sigmoid, "sigmoid", r"\sigma"),
        Operation("relu", 1, relu, lambda x: max(x, 0.0), "relu", r"\operatorname{relu}"),
        Operation("abs", 1, absolute, abs, "abs", r"\operatorname{abs}"),
        Operation("max", 2, maximum, lambda a, b: a if a >= b else b, "max", r"\max"),
        Operation("min", 2, minimum, lambda a, b: a if a <= b else b, "min", r"\min"),
    )
}

# sympy's own functions that derivatives of the table above produce.
_SYMPY_FLOATS: dict[type, Callable[..., float]] = {
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.tanh: math.tanh,
    sympy.cosh: math.cosh,
    sympy.sinh: math.sinh,
    sigmoid: _sigmoid,
    relu: lambda x: max(x, 0.0),
    absolute: abs,
    maximum: lambda a, b: a if a >= b else b,
    minimum: lambda a, b: a if a <= b else b,
    sign: lambda x: float((x > 0) - (x < 0)),
}


def float_value(expr: sympy.Expr, values: dict[sympy.Symbol, float]) -> float:
    """Evaluate `expr` with plain floats: about a thousand times faster than subs/evalf.

    Raises ValueError, ZeroDivisionError or OverflowError where the result is not a finite real.
    """
    if expr.is_Symbol:
        return values[expr]
    if expr.is_Add:
        return math.fsum(float_value(a, values) for a in expr.args)
    if expr.is_Mul:
        return math.prod(float_value(a, values) for a in expr.args)
    if expr.is_Pow:
        base, exponent = (float_value(a, values) for a in expr.args)
        if base == 0 and exponent < 0:
            raise ZeroDivisionError("division by zero")
        return _power(base, exponent)
    if isinstance(expr, _Indicator):
        return 1.0 if expr.holds(*(float_value(a, values) for a in expr.args)) else 0.0
    function = _SYMPY_FLOATS.get(type(expr))
    if function is not None:
        return function(*(float_value(a, values) for a in expr.args))
    if expr.is_number and expr.is_real:
        return float(expr)
    raise ValueError(f"{expr} is not a real number")


class NotExact(ValueError):
    """The value is not a (reasonably sized) rational number: exact mode shows the float."""


_EXACT_BITS = 256  # numerators and denominators beyond this are no longer worth showing


def exact_value(expr: sympy.Expr, values: dict[sympy.Symbol, Fraction]) -> Fraction:
    """Evaluate `expr` in rationals: sums, products, integer powers and rational constants."""
    if expr.is_Symbol:
        result = values[expr]
    elif expr.is_Rational:
        result = Fraction(int(expr.p), int(expr.q))
    elif expr.is_Add:
        result = sum((exact_value(a, values) for a in expr.args), Fraction(0))
    elif expr.is_Mul:
        result = math.prod((exact_value(a, values) for a in expr.args), start=Fraction(1))
    elif expr.is_Pow and expr.exp.is_Integer and abs(int(expr.exp)) <= 64:
        base = exact_value(expr.base, values)
        if base == 0 and expr.exp < 0:
            raise ZeroDivisionError("division by zero")
        result = base ** int(expr.exp)
    else:
        raise NotExact(str(expr))
    if max(result.numerator.bit_length(), result.denominator.bit_length()) > _EXACT_BITS:
        raise NotExact("too many digits")
    return result


class OutOfTime(Exception):
    """Symbolic work ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop symbolic work that runs too long (sympy has no timeouts of its own).

    A real-time alarm, so only in the main thread; elsewhere the work runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
