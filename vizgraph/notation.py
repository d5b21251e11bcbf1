"""How numbers and formulas are written: the user's expressions as typed, in plain text and LaTeX."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .types import Binary, Call, Expr, Name, Number, Unary

__all__ = [
    "display_tolerance",
    "format_latex_number",
    "format_number",
    "formula_latex",
    "formula_text",
    "is_exact",
    "name_latex",
]

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
}  # fmt: skip
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "unary": 3, "**": 4, "atom": 5}


def format_number(x: float, digits: int = 4) -> str:
    """`digits` significant digits; whole numbers without `.0`; very large or small in 1.5e-07 form."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e6:
        return str(int(x))
    exponent = math.floor(math.log10(abs(x)))
    if -4 <= exponent < 6:
        # Past `digits` whole digits we keep them all: 12346, never a made-up 12350.
        text = f"{x:.{max(digits - 1 - exponent, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, power = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(power)}"


def display_tolerance(shown: str, value: float, digits: int) -> float:
    """How far an answer may be from `value` and still be right, given how it is shown.

    A value shown exactly (6, 4.5, 9/2) wants that value; a rounded one (66.01 for 66.009)
    takes any answer that rounds the same: half a unit in the last digit shown, and never
    more than `digits` significant digits allow (3e35 stands for 3.000e35).
    """
    if is_exact(shown, value):
        return 1e-9 * max(1.0, abs(value))
    mantissa, _, power = shown.partition("e")
    last_digit = 0.5 * 10.0 ** (int(power or 0) - len(mantissa.partition(".")[2]))
    significant = (
        0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1) if value else last_digit
    )
    return min(last_digit, significant)


def is_exact(shown: str, value: float) -> bool:
    """Whether `shown` is `value` itself rather than a rounding (to a part in a trillion, so
    that 0.1 + 0.2 is shown as = 0.3, not as ≈ 0.3)."""
    plain = shown.strip("{}").replace(r" \times 10^", "e").replace("{", "").replace("}", "")
    if "/" in plain or "frac" in plain:
        return True
    try:
        number = float(plain)
    except ValueError:
        return True
    return math.isclose(number, value, rel_tol=1e-12, abs_tol=1e-300)


def format_latex_number(x: float, digits: int = 4) -> str:
    """As format_number, in LaTeX; a negative number is braced so its minus sign is unary."""
    text = format_number(x, digits)
    if "e" in text:
        mantissa, power = text.split("e")
        text = rf"{mantissa} \times 10^{{{power}}}"
    return f"{{{text}}}" if text.startswith("-") else text


def name_latex(name: str) -> str:
    """`beta` -> `\\beta`, `w_1` -> `w_{1}`, `cost` -> `\\mathrm{cost}`, primes kept."""
    numbered = re.fullmatch(r"(.+)⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾", name)
    if numbered:  # the fourth and later versions of a name: c⁽⁴⁾
        digits = numbered[2].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
        return f"{name_latex(numbered[1])}^{{({digits})}}"
    primes = len(name) - len(name.rstrip("'"))
    base, _, sub = name.rstrip("'").partition("_")
    if not sub and (digits := re.fullmatch(r"([A-Za-z]+?)(\d+)", base)):
        base, sub = digits[1], digits[2]  # t1 -> t_{1}, w12 -> w_{12}
    if base in _GREEK:
        head = "\\" + base
    elif len(base) > 1:
        head = rf"\mathrm{{{base}}}"
    else:
        head = base
    if sub:
        head += f"_{{{_escape_latex(sub)}}}"
    return head + "'" * primes


def formula_text(expr: Expr, values: Mapping[str, str] | None = None) -> str:
    """The formula as typed (`2 + 3w`, `a²`, `d²/2`); with `values`, names replaced by numbers."""
    return _Printer(_TEXT, values or {}).show(expr)


def formula_latex(expr: Expr, values: Mapping[str, str] | None = None) -> str:
    return _Printer(_LATEX, values or {}).show(expr)


def _escape_latex(text: str) -> str:
    return re.sub(r"([_#$%&{}])", r"\\\1", text)


@dataclass(frozen=True)
class _Style:
    """How one notation writes each piece of a formula."""

    name: Callable[[str], str]
    number: Callable[[str], str]
    group: Callable[[str], str]
    add: Callable[[str, str, str], str]
    times: Callable[[str, str], str]
    juxtapose: Callable[[str, str], str]
    divide: Callable[[str, str], str]
    power: Callable[[str, str, Expr], str]
    negate: Callable[[str, str], str]
    call: Callable[[str, list[str]], str]


def _text_power(base: str, exponent: str, raw_exponent: Expr) -> str:
    if isinstance(raw_exponent, Number) and raw_exponent.text.isdigit():
        return base + raw_exponent.text.translate(_SUPERSCRIPTS)
    return f"{base}^{exponent}"


def _latex_call(name: str, args: list[str]) -> str:
    if name == "sqrt":
        return rf"\sqrt{{{args[0]}}}"
    if name == "abs":
        return rf"\left|{args[0]}\right|"
    head = {"sigmoid": r"\sigma", "relu": r"\operatorname{relu}"}.get(name, "\\" + name)
    return rf"{head}\left({', '.join(args)}\right)"


_TEXT = _Style(
    name=lambda n: n,
    number=lambda t: t,
    group=lambda s: f"({s})",
    add=lambda a, op, b: f"{a} {op} {b}",
    times=lambda a, b: f"{a}·{b}",
    juxtapose=lambda a, b: f"{a}{b}",
    divide=lambda a, b: f"{a}/{b}",
    power=_text_power,
    negate=lambda op, s: f"{op}{s}",
    call=lambda name, args: f"{name}({', '.join(args)})",
)


def _latex_literal(text: str) -> str:
    """A number as typed, in LaTeX: 3e5 becomes 3 \\times 10^{5}."""
    if "e" not in text.lower():
        return text
    mantissa, _, power = text.lower().partition("e")
    return rf"{mantissa} \times 10^{{{int(power)}}}"


_LATEX = _Style(
    name=name_latex,
    number=_latex_literal,
    group=lambda s: rf"\left({s}\right)",
    add=lambda a, op, b: f"{a} {op} {b}",
    times=lambda a, b: rf"{a} \cdot {b}",
    juxtapose=lambda a, b: f"{a} {b}",
    divide=lambda a, b: rf"\frac{{{a}}}{{{b}}}",
    power=lambda base, exponent, raw: f"{base}^{{{exponent}}}",
    negate=lambda op, s: f"{op}{s}",
    call=_latex_call,
)


class _Printer:
    def __init__(self, style: _Style, values: Mapping[str, str]) -> None:
        self.style = style
        self.values = values

    def show(self, expr: Expr) -> str:
        s = self.style
        match expr:
            case Number(text=text):
                return s.number(text)
            case Name(id=name):
                return self.values.get(name) or s.name(name)
            case Unary(op=op, operand=operand):
                return s.negate(op, self._operand(operand, _PRECEDENCE["unary"], right=True))
            case Call(function=function, args=args):
                return s.call(function, [self.show(a) for a in args])
            case Binary(op="**", left=left, right=right):
                base = self._operand(left, _PRECEDENCE["**"], right=False)
                exponent = (
                    self.show(right)
                    if s is _LATEX
                    else self._operand(right, _PRECEDENCE["**"], True)
                )
                return s.power(base, exponent, right)
            case Binary(op="/", left=left, right=right) if s is _LATEX:
                return s.divide(self.show(left), self.show(right))
            case Binary(op=op, left=left, right=right):
                a = self._operand(left, _PRECEDENCE[op], right=False)
                b = self._operand(right, _PRECEDENCE[op], right=True)
                if op == "*":
                    together = self._juxtaposes(left, right)
                    return s.juxtapose(a, b) if together else s.times(a, b)
                if op == "/":
                    return s.divide(a, b)
                return s.add(a, op, b)
        raise TypeError(f"not an expression: {expr!r}")

    def _operand(self, expr: Expr, parent: int, right: bool) -> str:
        text = self.show(expr)
        own = _precedence(expr)
        substituted = isinstance(expr, Name) and expr.id in self.values
        if substituted and "/" in text:
            own = _PRECEDENCE["/"]  # an exact value such as 1/2 is a division
        # Keep the user's grouping: a + (b + c) is not (a + b) + c, and (a^b)^c is not a^(b^c).
        needs = own < parent or (own == parent and (right != (parent == _PRECEDENCE["**"])))
        if substituted and "\\frac" in text and parent == _PRECEDENCE["**"]:
            needs = True  # (1/2)², as \left(\frac{1}{2}\right)^{2}
        if isinstance(expr, Unary) and right:
            needs = True  # a - (-w), 2·(-w)
        negative = substituted and text.lstrip("{").startswith("-")
        if negative and (right or parent >= _PRECEDENCE["*"]):
            needs = True  # 4 - (-1), (-2)·3, (-3)²
        return self.style.group(text) if needs else text

    def _juxtaposes(self, left: Expr, right: Expr) -> bool:
        """`3w`, `2(x + 1)`, `3 sin(x)`: a literal times a name, call or group, as a lecture writes it."""
        if not isinstance(left, Number):
            return False
        if isinstance(right, Binary) and right.op in "+-":
            return True  # printed in parentheses: 2(x + 1)
        if isinstance(right, Binary) and right.op in "*/":
            return False  # 3·(a·b) keeps the grouping as typed
        # What would stand right after the number: 3w and 3w² read well; 33, 32² or 23^w do not.
        first = right
        while isinstance(first, Binary) and first.op == "**":
            first = first.left
        if isinstance(first, Name):
            return first.id not in self.values
        return isinstance(first, Call) or (isinstance(first, Binary) and first is not right)


def _precedence(expr: Expr) -> int:
    if isinstance(expr, Binary):
        return _PRECEDENCE[expr.op]
    if isinstance(expr, Unary):
        return _PRECEDENCE["unary"]
    if isinstance(expr, Number) and expr.text.startswith("-"):
        return _PRECEDENCE["unary"]
    return _PRECEDENCE["atom"]
