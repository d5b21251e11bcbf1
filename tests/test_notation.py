import pytest

from vizgraph.notation import (
    format_latex_number,
    format_number,
    formula_latex,
    formula_text,
    name_latex,
)
from vizgraph.parse import parse


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (121.0, 4, "121"),
        (-4.0, 4, "-4"),
        (4.5, 4, "4.5"),
        (66.009, 4, "66.01"),
        (66.009, 6, "66.009"),
        (1 / 3, 4, "0.3333"),
        (1 / 3, 2, "0.33"),
        (12345.678, 4, "12346"),
        (1e20, 4, "1e20"),
        (1.23456e-7, 4, "1.235e-7"),
        (0.0, 4, "0"),
        (-0.0, 4, "0"),
        (0.1 + 0.2, 4, "0.3"),
    ],
)
def test_numbers_people_read(value: float, digits: int, shown: str) -> None:
    assert format_number(value, digits) == shown


def test_latex_numbers_use_powers_of_ten() -> None:
    assert format_latex_number(1.5e-7) == r"1.5 \times 10^{-7}"


def _formula(source: str) -> str:
    return formula_text(parse(source).statements[-1].expr)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("a = 2 + 3*w", "2 + 3w"),
        ("J = a**2", "a²"),
        ("J = d**2 / 2", "d²/2"),
        ("d = a - y", "a - y"),
        ("a = c + b", "c + b"),  # operand order kept, never sorted
        ("J = (2+3w)^2", "(2 + 3w)²"),
        ("J = a - (b - c)", "a - (b - c)"),
        ("J = (a - b) - c", "a - b - c"),
        ("J = -w**2", "-w²"),
        ("J = (-w)**2", "(-w)²"),
        ("J = 2**-x", "2^(-x)"),
        ("J = (a**b)**c", "(a^b)^c"),
        ("J = a**b**c", "a^b^c"),
        ("J = x * x", "x·x"),
        ("J = 3*(a*b)", "3·(a·b)"),
        ("J = 2*(x + 1)", "2(x + 1)"),
        ("J = sigmoid(w*x + b)", "sigmoid(w·x + b)"),
        ("J = max(a, 0)", "max(a, 0)"),
        ("J = 0.5*w**2", "0.5w²"),
        ("J = 2*3**w", "2·3^w"),
        ("J = 2*10**-1*w", "2·10^(-1)·w"),
        ("J = 2*(-w)", "2·(-w)"),
        ("J = 2*(w+1)**2", "2(w + 1)²"),
    ],
)
def test_formulas_print_as_the_user_wrote_them(source: str, shown: str) -> None:
    assert _formula(source) == shown


def test_substituted_values_are_parenthesized_where_needed() -> None:
    expr = parse("J = w * x - y").statements[0].expr
    assert formula_text(expr, {"w": "-2", "x": "2", "y": "-1"}) == "(-2)·2 - (-1)"
    assert formula_text(parse("a = 2 + 3*w").statements[0].expr, {"w": "3"}) == "2 + 3·3"
    assert formula_text(parse("J = 0.5*w**2").statements[0].expr, {"w": "2"}) == "0.5·2²"
    assert formula_text(parse("J = 2*(w+1)**2").statements[0].expr, {"w": "2"}) == "2(2 + 1)²"


def test_latex_formulas() -> None:
    assert formula_latex(parse("J = d**2 / 2").statements[0].expr) == r"\frac{d^{2}}{2}"
    assert formula_latex(parse("J = sqrt(beta) * abs(x)").statements[0].expr) == (
        r"\sqrt{\beta} \cdot \left|x\right|"
    )


@pytest.mark.parametrize(
    ("name", "latex"),
    [("w", "w"), ("beta", r"\beta"), ("w_1", "w_{1}"), ("cost", r"\mathrm{cost}"), ("c''", "c''")],
)
def test_names_in_latex(name: str, latex: str) -> None:
    assert name_latex(name) == latex
