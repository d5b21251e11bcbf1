"""Source text -> Program: assignments and expressions, walked from Python's ast through a whitelist.

Nothing here evaluates text. Lecture notation is accepted by rewriting tokens before `ast.parse`
(`^` becomes `**`, `3w` and `2(x+1)` get their `*`), keeping a map back to the columns as typed.
"""

from __future__ import annotations

import ast
import io
import itertools
import keyword
import re
import tokenize
from dataclasses import dataclass

from .errors import Location, ParseError
from .operations import FUNCTIONS
from .types import Binary, Call, Expr, Name, Number, Position, Program, Statement, Unary

__all__ = ["HARD_LIMITS", "Limits", "parse"]


@dataclass(frozen=True)
class Limits:
    """Bounds checked before anything is computed, so no input can make us hang.

    The defaults suit any lecture; an API caller or a spec may raise them up to HARD_LIMITS,
    which keep parsing, layout and evaluation within seconds and memory within reason.
    """

    source_chars: int = 20_000
    statements: int = 500
    expression_nodes: int = 5_000
    depth: int = 100  # operators nested in one expression: Python's recursion stays far away
    name_length: int = 40
    number_magnitude: float = 1e100
    exponent: float = 1_000  # a constant power's exponent: 2**2**2**30 stops here
    constant_bits: int = 4_096  # the size of an exact constant such as 3**500

    def within(self, hard: Limits | None = None) -> Limits:
        """These limits, refused if any exceeds the hard caps."""
        hard = hard or HARD_LIMITS
        for name, value in vars(self).items():
            cap = getattr(hard, name)
            if not 0 < value <= cap:
                raise ParseError(
                    f"the limit {name} = {value:g} is outside 1 to {cap:g}",
                    hint="limits may be raised up to their hard caps: see SECURITY.md",
                )
        return self


HARD_LIMITS = Limits(
    source_chars=200_000,
    statements=5_000,
    expression_nodes=50_000,
    depth=200,
    name_length=100,
    number_magnitude=1e300,
    exponent=10_000,
    constant_bits=65_536,
)


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_AUGMENTED = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/=", ast.Pow: "**="}
_LANGUAGE = "numbers, names, + - * / ** ^, parentheses and " + ", ".join(FUNCTIONS)


def parse(source: str, *, file: str | None = None, limits: Limits | None = None) -> Program:
    """Parse a program; raise ParseError naming the line and column of the first problem."""
    source = source.removeprefix("\ufeff")  # a byte-order mark some editors write
    try:
        return _Parser(source, (limits or Limits()).within()).program(file)
    except ParseError as error:
        raise (error.in_file(file) if file else error) from None


class _Parser:
    def __init__(self, source: str, limits: Limits) -> None:
        if len(source) > limits.source_chars:
            raise ParseError(
                f"the program is {len(source)} characters long; the limit is {limits.source_chars}",
                where=Location(line=1, column=1),
                hint="split it into smaller programs",
            )
        self.limits = limits
        self.lines = source.splitlines() or [""]
        self.text, self.columns = _rewrite_notation(source)
        self.text_lines = self.text.split("\n")
        self.byte_lines = [line.encode() for line in self.text_lines]  # ast counts UTF-8 bytes
        self.count = 0

    def program(self, file: str | None) -> Program:
        try:
            module = ast.parse(self.text, mode="exec")
        except SyntaxError as error:
            raise self._syntax_error(error) from None
        except (RecursionError, MemoryError):
            raise ParseError(
                "the program is nested too deeply", where=Location(line=1, column=1)
            ) from None
        if not module.body:
            raise ParseError(
                "the program is empty",
                where=Location(line=1, column=1),
                hint="write assignments such as `w = 3; J = w**2`",
            )
        if len(module.body) > self.limits.statements:
            raise self._error(
                module.body[self.limits.statements],
                f"more than {self.limits.statements} statements",
                "split the program",
            )
        statements = tuple(self._statement(s, last=s is module.body[-1]) for s in module.body)
        return Program(statements, file)

    def _statement(self, node: ast.stmt, *, last: bool) -> Statement:
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                raise self._error(node, "assign to one plain name", "for example `a = 2 + 3*w`")
            return Statement(self._target(node.targets[0]), self._expr(node.value), self._pos(node))
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            op = _OPERATORS.get(type(node.op))
            if op is None:
                raise self._error(
                    node,
                    "this augmented assignment is not supported",
                    "use " + ", ".join(_AUGMENTED.values()),
                )
            name = self._target(node.target)
            operand = Name(name, self._pos(node.target))
            expr = Binary(op, operand, self._expr(node.value), self._pos(node))
            return Statement(name, expr, self._pos(node))
        if isinstance(node, ast.Expr):
            if not last:
                raise self._error(
                    node,
                    "an expression without `NAME =` must be the last line",
                    "give it a name, as in `a = ...`",
                )
            return Statement(None, self._expr(node.value), self._pos(node))
        raise self._error(
            node,
            f"{_describe(node)} is not part of the language",
            "write assignments `name = expression`",
        )

    def _target(self, node: ast.Name) -> str:
        name = self._name(node)
        if name in FUNCTIONS:
            raise self._error(
                node, f"`{name}` is a function", "choose another name for the variable"
            )
        return name

    def _name(self, node: ast.Name) -> str:
        typed = self._segment(node)
        if typed is not None and typed != node.id:
            # Python reads 𝑤 and ｗ as w; a graph must show names as typed, so we refuse them.
            raise self._error(
                node,
                f"`{typed}` is not a plain name",
                f"write it with ordinary letters, such as `{node.id}`",
            )
        if len(node.id) > self.limits.name_length:
            raise self._error(
                node,
                f"the name is longer than {self.limits.name_length} characters",
                "use a shorter name",
            )
        if node.id.startswith("_"):
            raise self._error(
                node,
                f"names may not start with `_`: `{node.id}`",
                "use letters, digits and inner underscores",
            )
        return node.id

    def _expr(self, node: ast.expr, depth: int = 0) -> Expr:
        self.count += 1
        if self.count > self.limits.expression_nodes:
            raise self._error(
                node,
                f"more than {self.limits.expression_nodes} operations and operands",
                "split the program",
            )
        if depth > self.limits.depth:
            raise self._error(
                node,
                f"the expression is more than {self.limits.depth} operations deep",
                "split it with assignments, such as `s1 = a + b`, then `s2 = s1 + c`",
            )
        position = self._pos(node)
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return Name(self._name(node), position)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            op = "-" if isinstance(node.op, ast.USub) else "+"
            return Unary(op, self._expr(node.operand, depth + 1), position)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left = self._expr(node.left, depth + 1)
            right = self._expr(node.right, depth + 1)
            return Binary(_OPERATORS[type(node.op)], left, right, position)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise self._error(
            node, f"{_describe(node)} is not part of the language", f"use {_LANGUAGE}"
        )

    def _call(self, node: ast.Call, depth: int) -> Call:
        if not isinstance(node.func, ast.Name):
            raise self._error(
                node,
                "only a function from the list can be called",
                f"the functions are {', '.join(FUNCTIONS)}; write * to multiply",
            )
        name = node.func.id
        operation = FUNCTIONS.get(name)
        if operation is None:
            raise self._error(
                node, f"unknown function `{name}`", f"the functions are {', '.join(FUNCTIONS)}"
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self._error(node, f"`{name}` takes plain arguments", f"write {name}(x)")
        if len(node.args) != operation.arity:
            wanted = "one argument" if operation.arity == 1 else f"{operation.arity} arguments"
            raise self._error(
                node,
                f"`{name}` takes {wanted}, not {len(node.args)}",
                f"write {name}({', '.join('xyz'[: operation.arity])})",
            )
        args = tuple(self._expr(a, depth + 1) for a in node.args)
        return Call(name, args, self._pos(node))

    def _number(self, node: ast.Constant) -> Number:
        text = self._segment(node) or ""
        if type(node.value) not in (int, float) or not _NUMBER.fullmatch(text):
            raise self._error(
                node,
                f"`{text}` is not a number of the language",
                "write numbers like 3, 0.5 or 1e-3",
            )
        value = float(node.value)  # type: ignore[arg-type]  # int or float, checked above
        if abs(value) > self.limits.number_magnitude:
            raise self._error(
                node,
                f"the number {text} is too large",
                f"numbers may be at most {self.limits.number_magnitude:g}",
            )
        return Number(value, text, self._pos(node))

    def _segment(self, node: ast.expr) -> str | None:
        """The text of a one-line node (ast.get_source_segment splits the whole source each call)."""
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            return None
        line = self.byte_lines[node.lineno - 1]
        return line[node.col_offset : node.end_col_offset].decode(errors="replace")

    def _pos(self, node: ast.AST) -> Position:
        line = getattr(node, "lineno", 1)
        byte_offset = getattr(node, "col_offset", 0)
        rewritten = self.text_lines[line - 1] if line - 1 < len(self.text_lines) else ""
        column = len(rewritten.encode()[:byte_offset].decode(errors="ignore"))
        return Position(line, self._original_column(line, column) + 1)

    def _original_column(self, line: int, column: int) -> int:
        columns = self.columns[line - 1] if line - 1 < len(self.columns) else []
        return columns[column] if column < len(columns) else column

    def _error(self, node: ast.AST, message: str, hint: str = "") -> ParseError:
        position = self._pos(node)
        return ParseError(
            message, where=Location(line=position.line, column=position.column), hint=hint
        )

    def _syntax_error(self, error: SyntaxError) -> ParseError:
        line = error.lineno or 1
        column = self._original_column(line, max((error.offset or 1) - 1, 0)) + 1
        source_line = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        reserved = [w for w in re.findall(r"[A-Za-z_]\w*", source_line) if keyword.iskeyword(w)]
        superscript = re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]", source_line)
        if reserved:
            hint = f"`{reserved[0]}` is a reserved word in Python; use another name"
        elif superscript:
            hint = f"write a power with ^ or **: w^2 rather than w{superscript[0]}"
        else:
            hint = f"the language has {_LANGUAGE}, one statement per line or separated by `;`"
        message = (error.msg or "invalid syntax").removesuffix("?")
        return ParseError(message, where=Location(line=line, column=column), hint=hint)


def _rewrite_notation(source: str) -> tuple[str, list[list[int]]]:
    """Rewrite `^` as `**` and insert `*` after a number written before a name or `(`.

    Returns the new text and, per line, the original column of every new column.
    """
    edits: dict[tuple[int, int], str] = {}  # (line, column) -> what replaces the character there
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []  # ast.parse will report the problem with its position
    for token, following in itertools.pairwise(tokens):
        if token.type == tokenize.OP and token.string == "^":
            edits[token.start] = "**"
        implicit = following.type == tokenize.NAME or following.string == "("
        if token.type == tokenize.NUMBER and following.start == token.end and implicit:
            edits[following.start] = "*" + following.string[0]
    new_lines, columns = [], []
    for row, line in enumerate(source.split("\n"), start=1):
        text, cols = [], []
        for col, char in enumerate(line):
            replacement = edits.get((row, col), char)
            text.append(replacement)
            cols.extend([col] * len(replacement))
        new_lines.append("".join(text))
        columns.append(cols)
    return "\n".join(new_lines), columns


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access (`.`)",
        ast.Subscript: "indexing (`[]`)",
        ast.Lambda: "a lambda",
        ast.Compare: "a comparison",
        ast.BoolOp: "`and`/`or`",
        ast.IfExp: "`if`/`else`",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.Import: "an import",
        ast.ImportFrom: "an import",
        ast.FunctionDef: "a function definition",
        ast.Constant: "this constant",
        ast.BinOp: "this operator",
        ast.UnaryOp: "this operator",
    }
    if type(node) in names:
        return names[type(node)]
    return "this statement" if isinstance(node, ast.stmt) else "this expression"
