"""Mutants of the reference functions, generated from their AST.

Operators (one change per mutant): ``arith`` (``+``/``-``, ``*``/``/``, ``**`` -> ``*``, ``@`` -> ``*``,
``//`` -> ``/``), ``compare`` (``<``/``<=``, ``>``/``>=``, ``==``/``!=``), ``negation`` (a unary minus
dropped), ``constant`` (an integer ``n`` -> ``n + 1``, a float ``x`` -> ``2x`` (0 -> 1; an epsilon or
tolerance below 1e-3 -> 0), ``True``/``False`` swapped), ``axis`` (an ``axis=``/``dim=`` argument changed,
``.T`` dropped) and ``drop_term`` (``a + b`` / ``a - b`` -> ``a`` or ``b``). Docstrings are never mutated.
Loop bounds are mutated too: the mutation runner limits every mutant's wall-clock time, so a hanging
mutant is killed.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

from autograder import paths

_ARITH = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.FloorDiv: ast.Div,
}
_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_AXIS_KEYWORDS = {"axis", "dim", "axes", "dims", "start_dim"}


@dataclass(frozen=True)
class Mutant:
    lecture: int
    function: str
    operator: str
    line: int
    description: str
    source: str  # the whole reference module with this one change


def _secret_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _docstring_ids(function: ast.FunctionDef) -> set[int]:
    ids = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _axis_constants(function: ast.FunctionDef) -> set[int]:
    ids = set()
    for node in ast.walk(function):
        if isinstance(node, ast.keyword) and node.arg in _AXIS_KEYWORDS:
            for inner in ast.walk(node.value):
                ids.add(id(inner))
    return ids


def _changes(function: ast.FunctionDef) -> Iterator[tuple[ast.AST, str, str, tuple]]:
    """(node, operator, description, replacement spec) for every single change in ``function``."""
    skip = _docstring_ids(function)
    axis_ids = _axis_constants(function)
    # The operand of a unary minus is left to ``negation``: -1 -> -2 (e.g. in reshape(n, -1)) is equivalent.
    negated = {id(n.operand) for n in ast.walk(function) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
    for node in ast.walk(function):
        if id(node) in skip:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            new = _ARITH[type(node.op)]
            yield node, "arith", f"{_symbol(node.op)} -> {_symbol(new())}", ("op", new)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                yield node, "drop_term", f"{ast.unparse(node)} -> {ast.unparse(node.left)}", ("replace", node.left)
                yield node, "drop_term", f"{ast.unparse(node)} -> {ast.unparse(node.right)}", ("replace", node.right)
        elif isinstance(node, ast.AugAssign) and type(node.op) in _ARITH:
            new_op = _ARITH[type(node.op)]
            yield node, "arith", f"{_symbol(node.op)}= -> {_symbol(new_op())}=", ("op", new_op)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            new_cmp = _COMPARE[type(node.ops[0])]
            yield node, "compare", f"{_symbol(node.ops[0])} -> {_symbol(new_cmp())}", ("cmp", new_cmp)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and id(node) not in axis_ids:
            yield node, "negation", f"{ast.unparse(node)} -> {ast.unparse(node.operand)}", ("replace", node.operand)
        elif isinstance(node, ast.keyword) and node.arg in _AXIS_KEYWORDS:
            value = _axis_value(node.value)
            if value is not None:
                yield node, "axis", f"{node.arg}={ast.unparse(node.value)} -> {node.arg}={value}", ("keyword", value)
        elif isinstance(node, ast.Attribute) and node.attr in ("T", "mT"):
            yield node, "axis", f"{ast.unparse(node)} -> {ast.unparse(node.value)}", ("replace", node.value)
        elif isinstance(node, ast.Constant) and id(node) not in axis_ids and id(node) not in negated:
            constant = node.value
            if isinstance(constant, bool):
                yield node, "constant", f"{constant} -> {not constant}", ("const", not constant)
            elif isinstance(constant, int):
                yield node, "constant", f"{constant} -> {constant + 1}", ("const", constant + 1)
            elif isinstance(constant, float):
                # A tolerance or epsilon (|x| < 1e-3) is dropped (doubling it is nearly always equivalent).
                new_value = 0.0 if 0 < abs(constant) < 1e-3 else constant * 2 if constant else 1.0
                yield node, "constant", f"{constant!r} -> {new_value!r}", ("const", new_value)


def _axis_value(node: ast.expr) -> str | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return "0" if value == -1 else str(value - 1) if value > 0 else "-1"


def _symbol(op: ast.AST) -> str:
    return {
        ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
        ast.FloorDiv: "//", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    }[type(op)]  # fmt: skip


class _Apply(ast.NodeTransformer):
    def __init__(self, target_index: int, spec: tuple) -> None:
        self.target_index = target_index
        self.spec = spec
        self.index = -1

    def visit(self, node: ast.AST) -> ast.AST:  # type: ignore[override]
        self.index += 1
        if self.index == self.target_index:
            kind, value = self.spec
            if kind == "replace":
                return copy.deepcopy(value)
            if kind in ("op",):
                node.op = value()  # type: ignore[attr-defined]
            elif kind == "cmp":
                node.ops = [value()]  # type: ignore[attr-defined]
            elif kind == "keyword":
                node.value = ast.parse(value, mode="eval").body  # type: ignore[attr-defined]
            elif kind == "const":
                node.value = value  # type: ignore[attr-defined]
            return node
        return self.generic_visit(node)


def for_lecture(number: int, functions: list[str] | None = None, limit: int | None = None) -> list[Mutant]:
    """Every mutant of lecture ``number``'s reference functions (``limit``: at most that many per function,
    spread evenly over the function's changes)."""
    text = paths.reference_path(number).read_text(encoding="utf-8")
    mutants: list[Mutant] = []
    for position, function in enumerate(_secret_functions(ast.parse(text))):
        if functions and function.name not in functions:
            continue
        changes = list(_changes(function))
        if limit is not None and len(changes) > limit:
            step = len(changes) / limit
            changes = [changes[int(i * step)] for i in range(limit)]
        for node, operator, description, spec in changes:
            tree = ast.parse(text)
            target = _secret_functions(tree)[position]
            index = _preorder_index(function, node)
            mutated = _Apply(index, spec).visit(copy.deepcopy(target))
            tree.body[tree.body.index(target)] = ast.fix_missing_locations(mutated)  # type: ignore
            line = getattr(node, "lineno", function.lineno)
            mutants.append(Mutant(number, function.name, operator, line, description, ast.unparse(tree)))
    return mutants


def _preorder_index(root: ast.AST, wanted: ast.AST) -> int:
    """The position of ``wanted`` in the order :class:`_Apply` visits ``root`` (a pre-order walk)."""
    index = -1
    stack = [root]
    while stack:
        node = stack.pop()
        index += 1
        if node is wanted:
            return index
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    raise ValueError("node not in function")
