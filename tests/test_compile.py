import pytest
import sympy

from vizgraph.compile import compile_graph
from vizgraph.errors import EvaluationError, ParseError
from vizgraph.notation import formula_text
from vizgraph.parse import parse
from vizgraph.types import Graph

from .helpers import LAB, NEURON


def graph(source: str, **options: object) -> Graph:
    return compile_graph(parse(source), **options)  # type: ignore[arg-type]


def test_one_node_per_assignment_with_constants_folded() -> None:
    g = graph(LAB)
    assert [n.name for n in g.nodes] == ["w", "a", "J"]
    assert [n.parents for n in g.nodes] == [(), (0,), (1,)]
    assert g.nodes[1].formula == 2 + 3 * sympy.Symbol("w", real=True)
    assert g.target == 2


def test_parents_keep_the_order_of_the_formula() -> None:
    g = graph(NEURON)
    c = g.node("c")
    assert [g.nodes[p].name for p in c.parents] == ["w", "x"]
    assert [g.nodes[p].name for p in g.node("d").parents] == ["a", "y"]


def test_reassignment_makes_versions_never_cycles() -> None:
    g = graph("c = 1\nc = c + 1\nc += 2\nJ = c * c")
    assert [n.name for n in g.nodes] == ["c", "c'", "c''", "J"]
    assert [n.parents for n in g.nodes] == [(), (0,), (1,), (2, 2)]  # one edge per use


def test_names_used_before_assignment_are_inputs_without_a_value() -> None:
    g = graph("(2 + 3*w)**2")
    assert [(n.name, n.is_input, n.default) for n in g.nodes] == [
        ("w", True, None),
        ("J", False, None),
    ]


def test_sympy_constant_names_are_plain_variables() -> None:
    g = graph("E = 1; I = 2; S = 3; N = 4; Q = 5; beta = 6; gamma = 7; J = E*I*S*N*Q*beta*gamma")
    assert len(g.nodes) == 8
    assert g.nodes[-1].formula.free_symbols == {
        sympy.Symbol(n, real=True) for n in ["E", "I", "S", "N", "Q", "beta", "gamma"]
    }


def test_what_the_target_does_not_use_is_left_out() -> None:
    g = graph("w = 3; unused = w * 2; v = 4; J = w**2")
    assert [n.name for n in g.nodes] == ["w", "J"]


def test_target_may_be_chosen() -> None:
    g = graph(NEURON, target="a")
    assert g.nodes[g.target].name == "a"
    assert {n.name for n in g.nodes} == {"w", "x", "b", "c", "a"}


@pytest.mark.parametrize(
    ("source", "options", "words"),
    [
        ("w = 3; w = 4; J = w", {}, "already declared on line 1"),
        ("J = w*2; w = 3", {}, "used on line 1 before it gets a value"),
        ("w = 3; J = w**2; J = 5", {}, "is computed on line 1"),
        ("J = 0**-1*w", {}, "no finite real value"),
        ("w = 3", {}, "is a constant: it uses no variable"),
        ("w = 3; J = w", {"target": "nope"}, "no variable named `nope`"),
        ("J = w / (2 - 2)", {}, "division by zero"),
        ("J = w * 2**2**2**30", {}, "exponent is too large"),
    ],
)
def test_programs_that_cannot_be_graphs(source: str, options: dict, words: str) -> None:
    with pytest.raises(ParseError, match=words.replace("*", r"\*")):
        graph(source, **options)


def test_a_constant_with_no_real_value_is_named() -> None:
    with pytest.raises(EvaluationError, match=r"log\(...\) has no real value") as caught:
        graph("J = w * log(-1)")
    assert (caught.value.where.line, caught.value.where.column) == (1, 9)


def test_functions_of_constants_never_reach_sympy_simplification() -> None:
    g = graph("J = w * sin(cos(2))")
    assert g.nodes[-1].formula.atoms(sympy.Float)


def test_op_granularity_gives_every_operator_a_node() -> None:
    g = graph("w = 3; J = (2+3w)^2", granularity="op")
    assert [(n.name, n.expr and formula_text(n.expr)) for n in g.nodes] == [
        ("w", None),
        ("t1", "3w"),
        ("t2", "2 + t1"),
        ("J", "t2²"),
    ]


def test_op_granularity_keeps_operand_order_subtraction_and_division() -> None:
    g = graph("J = (a - y) / (b * 2) - sigmoid(-x)", granularity="op")
    shown = {n.name: formula_text(n.expr) for n in g.nodes if n.expr}
    assert shown == {
        "t1": "a - y",
        "t2": "b·2",
        "t3": "t1/t2",
        "t4": "-x",
        "t5": "sigmoid(t4)",
        "J": "t3 - t5",
    }


def test_op_node_names_avoid_the_users_names() -> None:
    g = graph("t1 = 2; J = (t1 + 1) * t1", granularity="op")
    assert [n.name for n in g.nodes] == ["t1", "t2", "J"]


def test_shapes_let_nodes_of_the_same_form_share_a_derivative() -> None:
    g = graph("x = 1; y = 2; a = x * y; b = a * x", granularity="op")
    assert g.node("a").shape == g.node("b").shape
