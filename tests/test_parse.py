import pytest

from vizgraph.errors import ParseError
from vizgraph.parse import parse
from vizgraph.types import Binary, Call, Name, Number, Unary


def test_statements_split_by_newlines_and_semicolons_with_comments() -> None:
    program = parse("w = 3  # weight\na = 2 + 3*w; J = a**2\n")
    assert [s.target for s in program.statements] == ["w", "a", "J"]
    assert [s.position.line for s in program.statements] == [1, 2, 2]
    assert program.statements[2].position.column == 14


def test_caret_is_power_and_a_number_before_a_name_multiplies() -> None:
    (statement,) = parse("J = (2+3w)^2").statements
    expr = statement.expr
    assert isinstance(expr, Binary) and expr.op == "**"
    inner = expr.left
    assert isinstance(inner, Binary) and inner.op == "+"
    assert inner.right == Binary(
        "*",
        Number(3.0, "3", inner.right.position),
        Name("w", inner.right.right.position),
        inner.right.position,
    )


def test_columns_point_at_the_text_as_typed_after_rewriting() -> None:
    (statement,) = parse("J = 2(x+1)^2 + 3w").statements
    expr = statement.expr
    assert isinstance(expr, Binary)
    w = expr.right.right
    assert isinstance(w, Name) and (w.position.line, w.position.column) == (1, 17)


def test_number_before_parenthesis_multiplies() -> None:
    (statement,) = parse("y = 2(x + 1)").statements
    assert isinstance(statement.expr, Binary) and statement.expr.op == "*"


def test_bare_expression_is_the_target() -> None:
    (statement,) = parse("(2+3*w)**2").statements
    assert statement.target is None


def test_augmented_assignment_reads_the_old_value() -> None:
    _, statement = parse("c = 1\nc += 2").statements
    assert statement.target == "c"
    assert isinstance(statement.expr, Binary)
    assert statement.expr.left == Name("c", statement.expr.left.position)


def test_functions_and_unary_minus() -> None:
    (statement,) = parse("J = -sigmoid(max(a, b))").statements
    assert isinstance(statement.expr, Unary)
    assert isinstance(statement.expr.operand, Call)
    assert statement.expr.operand.function == "sigmoid"


def test_number_literals_keep_their_text() -> None:
    (statement,) = parse("J = 1e-3 * .5 * w").statements
    numbers = [statement.expr.left.left, statement.expr.left.right]  # type: ignore[union-attr]
    assert [n.text for n in numbers] == ["1e-3", ".5"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("source", "line", "column", "words"),
    [
        ("J = __import__('os').system('true')", 1, 5, "function"),
        ("J = w.__class__", 1, 5, "attribute"),
        ("J = (lambda: 1)()", 1, 5, "function"),
        ("w = 3\nJ = w[0]", 2, 5, "indexing"),
        ("J = [x for x in y]", 1, 5, "comprehension"),
        ("J = 'text'", 1, 5, "not a number"),
        ("J = 0x1f", 1, 5, "not a number"),
        ("J = 2j", 1, 5, "not a number"),
        ("J = True", 1, 5, "not a number"),
        ("J = foo(1)", 1, 5, "unknown function `foo`"),
        ("J = exp(1, 2)", 1, 5, "one argument"),
        ("J = max(1)", 1, 5, "2 arguments"),
        ("J = exp(x=1)", 1, 5, "plain arguments"),
        ("import os", 1, 1, "import"),
        ("a, b = 1, 2", 1, 1, "one plain name"),
        ("a = b = 1", 1, 1, "one plain name"),
        ("w = 3\nJ = w +", 2, 8, "invalid syntax"),
        ("lambda = 3", 1, 8, "reserved word"),
        ("sin = 3", 1, 1, "is a function"),
        ("__x = 3", 1, 1, "may not start with `_`"),
        ("J = a < b", 1, 5, "comparison"),
        ("J = a if b else c", 1, 5, "`if`/`else`"),
        ("w\nJ = w", 1, 1, "must be the last line"),
        ("", 1, 1, "empty"),
        ("# only a comment", 1, 1, "empty"),
        ("J = x % 2", 1, 5, "operator"),
        ("J = a @ b", 1, 5, "operator"),
        ("J = (a + b)(b + 1)", 1, 5, "write * to multiply"),
    ],
)
def test_input_outside_the_language_names_line_column_and_fix(
    source: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(source)
    error = caught.value
    assert (error.where.line, error.where.column) == (line, column)
    assert words in str(error)
    assert error.hint, "every refusal says how to fix it"


def test_errors_name_the_file_when_there_is_one() -> None:
    with pytest.raises(ParseError) as caught:
        parse("w = 3\nJ = w.x", file="lab.vg")
    assert str(caught.value).startswith("lab.vg:2:5: ")


def test_limits_stop_huge_input_before_any_work() -> None:
    with pytest.raises(ParseError, match="characters long"):
        parse("J = " + "1 + " * 10_000 + "1")
    with pytest.raises(ParseError):
        parse("J = " + "(" * 300 + "w" + ")" * 300)
    with pytest.raises(ParseError, match="more than 100 operations deep"):
        parse("J = " + "-" * 200 + "w")
    assert parse("J = " + " + ".join(["w"] * 90)).statements  # a long flat sum is fine
    with pytest.raises(ParseError, match="too large"):
        parse("J = 1e200 * w")
