import math

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vizgraph.errors import EvaluationError, VizgraphError

from .helpers import LAB, NEURON, grads, traced, values


def test_the_lab_example() -> None:
    t = traced(LAB)
    assert values(t) == {"w": 3, "a": 11, "J": 121}
    assert grads(t) == {"w": 66}
    assert t.grads[1] == 22
    (check,) = t.checks
    assert check.forward == pytest.approx(66.009, abs=1e-6)
    assert check.central == pytest.approx(66, abs=1e-6)
    assert check.agrees


@pytest.mark.parametrize("source", ["J = (2+3w)^2", "(2+3*w)**2", "a = 2 + 3w; J = a^2"])
def test_lecture_notation_gives_the_same_numbers(source: str) -> None:
    t = traced(source, at={"w": 3})
    assert t.values[t.graph.target] == 121
    assert grads(t) == {"w": 66}
    assert t.checks[0].forward == pytest.approx(66.009, abs=1e-6)


def test_the_neuron_example_with_data_inputs() -> None:
    t = traced(NEURON, wrt=["w", "b"])
    assert t.values[t.graph.target] == 4.5
    assert grads(t) == {"w": 6, "b": 3}
    by_name = {n.name: t.grads[n.index] for n in t.graph.nodes}
    assert by_name == {"x": None, "y": None, "w": 6, "b": 3, "c": 3, "a": 3, "d": 3, "J": 1}
    assert [t.graph.nodes[c.input].name for c in t.checks] == ["w", "b"]


def test_inputs_are_float64_whatever_their_literal() -> None:
    t = traced("w = 10; J = w**20")
    assert t.values[-1] == 1e20


def test_fan_out_sums_the_contributions() -> None:
    t = traced("a = 2; b = 1; c = a + b; d = b + 1; e = c * d")
    assert values(t)["e"] == 6
    assert grads(t) == {"a": 2, "b": 5}
    steps_b = [s for s in t.steps if s.phase == "backward" and t.graph.nodes[s.node].name == "b"]
    assert [s.kind for s in steps_b] == ["contribution", "contribution", "sum"]
    assert steps_b[0].text == (
        "contribution 1 of 2 to ∂e/∂b, along b → c: ∂e/∂c · ∂c/∂b = 2 · 1 = 2, where ∂c/∂b = 1"
    )
    assert steps_b[1].text.endswith("∂e/∂d · ∂d/∂b = 3 · 1 = 3, where ∂d/∂b = 1")
    assert steps_b[2].text == "∂e/∂b = 2 + 3 = 5, the sum over its 2 edges"
    assert steps_b[2].latex == r"\frac{\partial e}{\partial b} = 2 + 3 = 5"
    assert len(steps_b[2].edges) == 2


@pytest.mark.parametrize("granularity", ["statement", "op"])
def test_the_fan_out_example_of_the_issue(granularity: str) -> None:
    t = traced("a = 2; b = 1; e = (a + b) * (b + 1)", granularity=granularity)
    assert values(t)["e"] == 6
    assert grads(t) == {"a": 2, "b": 5}
    (total,) = [s for s in t.steps if s.kind == "sum"]
    assert "2 + 3 = 5" in total.text


@pytest.mark.parametrize("granularity", ["statement", "op"])
@pytest.mark.parametrize(
    ("source", "grad", "shares"),
    [("a = 3; b = a + a", 2, "1 + 1 = 2"), ("x = 3; y = x * x", 6, "3 + 3 = 6")],
)
def test_a_parent_used_twice_draws_two_edges(
    source: str, grad: float, shares: str, granularity: str
) -> None:
    t = traced(source, granularity=granularity)
    assert list(grads(t).values()) == [grad]
    assert len(t.graph.edges) == 2
    assert t.graph.edges[0].parent == t.graph.edges[1].parent
    (total,) = [s for s in t.steps if s.kind == "sum"]
    assert shares in total.text


def test_steps_go_forward_then_backward_with_words_and_latex() -> None:
    t = traced(LAB)
    assert [(s.phase, t.graph.nodes[s.node].name) for s in t.steps] == [
        ("forward", "w"),
        ("forward", "a"),
        ("forward", "J"),
        ("backward", "J"),
        ("backward", "a"),
        ("backward", "w"),
    ]
    assert t.steps[1].text == "a = 2 + 3w = 2 + 3·3 = 11"
    assert t.steps[1].latex == r"a = 2 + 3 w = 2 + 3 \cdot 3 = 11"
    assert t.steps[4].text == "∂J/∂a = 2·a = 22"
    assert t.steps[5].text == "∂J/∂w = ∂J/∂a · ∂a/∂w = 22 · 3 = 66, where ∂a/∂w = 3"
    assert t.steps[5].edges == (0,)
    assert [s.kind for s in t.steps] == ["input", "value", "value", "seed", "gradient", "gradient"]
    assert t.value_labels == ("w = 3", "a = 11", "J = 121")
    assert t.grad_labels == ("∂J/∂w = 66", "∂J/∂a = 22", "∂J/∂J = 1")


def test_kinks_follow_the_fixed_conventions() -> None:
    assert list(grads(traced("x = 0; J = relu(x)")).values()) == [0]
    assert list(grads(traced("x = 0; J = abs(x)")).values()) == [0]
    assert grads(traced("a = 1; b = 1; J = max(a, b)")) == {"a": 1, "b": 0}
    assert grads(traced("a = 1; b = 1; J = min(a, b)")) == {"a": 1, "b": 0}


def test_the_check_disagrees_at_a_kink() -> None:
    (check,) = traced("x = 0; J = relu(x)").checks
    assert check.central == pytest.approx(0.5)
    assert not check.agrees


@pytest.mark.parametrize(
    ("source", "node", "reason"),
    [
        ("x = -1; J = log(x)", "J", "not a real number"),
        ("x = -4; J = sqrt(x)", "J", "not a real number"),
        ("x = 0; J = 1 / x", "J", "division by zero"),
        ("x = 1000; J = exp(x)", "J", "too large"),
        ("x = -8; J = x**(1/3)", "J", "not a real number"),
        ("x = 1e90; y = x**4; J = y + 1", "y", "too large"),
        ("x = 0; J = sqrt(x)", "∂J/∂x", "division by zero"),
    ],
)
def test_values_that_are_not_finite_reals_are_errors_naming_the_node(
    source: str, node: str, reason: str
) -> None:
    with pytest.raises(EvaluationError) as caught:
        traced(source)
    assert f"{node} has no value" in str(caught.value)
    assert reason in str(caught.value)
    assert caught.value.where.line == 1


def test_a_missing_input_value_says_how_to_give_it() -> None:
    with pytest.raises(
        EvaluationError, match=r"`w` has no value \(write `w = 3` before it, or pass --at w=3\)"
    ):
        traced("J = (2+3w)^2")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"at": {"q": 1}}, "no input named `q`"),
        ({"at": {"a": 1}}, "`a` is computed"),
        ({"wrt": ["a"]}, "not an input"),
    ],
)
def test_bad_overrides(options: dict, words: str) -> None:
    with pytest.raises(VizgraphError, match=words):
        traced(LAB, **options)


# -- gradients against independent oracles -------------------------------------

_INPUTS = ["a", "b", "c"]


@st.composite
def expressions(draw: st.DrawFn, names: list[str], full: dict[str, sympy.Expr], depth: int = 0):
    """(text, the same expression in sympy over the inputs) pairs, from the grammar."""
    if depth >= 2 or draw(st.booleans()):
        if draw(st.integers(0, 4)) == 0:
            k = draw(st.integers(1, 3))
            return str(k), sympy.Integer(k)
        name = draw(st.sampled_from(names))
        return name, full[name]
    kind = draw(
        st.sampled_from(["+", "-", "*", "/", "^2", "sin", "tanh", "sigmoid", "exp", "log", "sqrt"])
    )
    a_text, a = draw(expressions(names, full, depth + 1))
    if kind in "+-*":
        b_text, b = draw(expressions(names, full, depth + 1))
        return f"({a_text}) {kind} ({b_text})", {"+": a + b, "-": a - b, "*": a * b}[kind]
    if kind == "/":
        b_text, b = draw(expressions(names, full, depth + 1))
        return f"({a_text}) / (1 + ({b_text})^2)", a / (1 + b**2)
    if kind == "^2":
        return f"({a_text})^2", a**2
    wrapped = {
        "sin": ("sin({})", sympy.sin(a)),
        "tanh": ("tanh({})", sympy.tanh(a)),
        "sigmoid": ("sigmoid({})", 1 / (1 + sympy.exp(-a))),
        "exp": ("exp(tanh({}))", sympy.exp(sympy.tanh(a))),
        "log": ("log(1 + ({})**2)", sympy.log(1 + a**2)),
        "sqrt": ("sqrt(1 + ({})**2)", sympy.sqrt(1 + a**2)),
    }
    template, value = wrapped[kind]
    return template.format(a_text), value


@st.composite
def programs(draw: st.DrawFn):
    count = draw(st.integers(1, 3))
    inputs = _INPUTS[:count]
    values = {n: draw(st.floats(0.25, 2.0) | st.floats(-2.0, -0.25)) for n in inputs}
    full: dict[str, sympy.Expr] = {n: sympy.Symbol(n) for n in inputs}
    lines = [f"{n} = {v!r}" for n, v in values.items()]
    names = list(inputs)
    for k in range(draw(st.integers(1, 4))):
        text, expr = draw(expressions(names, full))
        if not expr.free_symbols:  # `n0 = 1` would declare an input, not compute a node
            text, expr = f"({text}) * {inputs[0]}", expr * full[inputs[0]]
        reuse = [n for n in names if n not in inputs]
        name = draw(st.sampled_from(reuse)) if reuse and draw(st.booleans()) else f"n{k}"
        lines.append(f"{name} = {text}")
        full[name] = expr
        if name not in names:
            names.append(name)
    return "\n".join(lines), values, full[name]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_gradients_equal_sympys_derivative_of_the_whole_expression(program) -> None:
    source, inputs, whole = program
    try:
        t = traced(source)
    except EvaluationError:
        assume(False)
    at = {sympy.Symbol(n): v for n, v in inputs.items()}
    assert t.values[t.graph.target] == pytest.approx(
        float(whole.subs(at).evalf(30)), rel=1e-9, abs=1e-12
    )
    for name, grad in grads(t).items():
        oracle = float(sympy.diff(whole, sympy.Symbol(name)).subs(at).evalf(30))
        assert grad == pytest.approx(oracle, rel=1e-9, abs=1e-12), (source, name)
    for check in t.checks:
        grad = t.grads[check.input]
        assert check.central is not None and grad is not None
        assert math.isclose(check.central, grad, rel_tol=1e-5, abs_tol=1e-6), (source, check)
        assert check.agrees


def test_exact_mode_shows_rationals() -> None:
    t = traced(NEURON, wrt=["w", "b"], exact=True)
    assert "J = 9/2" in t.value_labels
    assert t.steps[7].text == "J = d²/2 = 3²/2 = 9/2"
    assert t.steps[7].latex.endswith(r"= \frac{9}{2}")
    t = traced("x = 0.5; y = -1; J = x**2 * y", exact=True)
    assert t.value_labels == ("x = 1/2", "y = -1", "J = -1/4")
    assert t.grad_labels[0] == "∂J/∂x = -1"
    assert "(1/2)²·(-1)" in t.steps[2].text and r"\left(\frac{1}{2}\right)^{2}" in t.steps[2].latex


def test_exact_mode_falls_back_to_decimals_where_irrational() -> None:
    t = traced("x = 2; J = sqrt(x) + x/3", exact=True)
    assert t.value_labels == ("x = 2", "J = 2.081")
    assert t.grad_labels[0] == "∂J/∂x = 0.6869"


@pytest.mark.parametrize("tiny", [5e-324, 1e-320, 0.0])
def test_tiny_inputs_still_get_a_check(tiny: float) -> None:
    (check,) = traced("J = exp(a)", at={"a": tiny}).checks
    assert check.central == pytest.approx(1.0) and check.agrees


def test_exact_mode_keeps_typed_fractions() -> None:
    t = traced("w = 1/3; J = w*3", exact=True)
    assert t.value_labels == ("w = 1/3", "J = 1")
    assert t.steps[1].text == "J = w·3 = 1/3·3 = 1"
