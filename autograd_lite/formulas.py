"""One statement per formula, three uses: run by the interpreter, pasted by the compiler, shown.

An op states its forward and each of its backward steps once, as a line of Python in the
lecture's names (``ops.py``)::

    forward_code = "a = sigmoid(z)"
    backward_code = ("dz = da * a * (1 - a)",)

``Statement`` parses such a line once. ``Statement.function`` is what the interpreter calls
(the expression as a Python function of the names it uses, with numpy's versions of the
functions in ``numerics``); ``Statement.expression`` is the syntax tree the compiler renames
and pastes into a program; ``shown`` writes it in the lecture's symbols, ``da · a(1 − a)``,
for drawings and explanations. A test evaluates every op's shown formula with numbers and
holds it to what the interpreter and the compiled program compute.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd_lite import numerics

_NAMESPACE = {name: fn.array for name, fn in numerics.FUNCTIONS.items()}


@dataclass(frozen=True)
class Statement:
    """One line ``target = expression`` of an op's formulas, parsed once."""

    target: str
    expression: ast.expr
    code: str
    names: tuple[str, ...]
    """The names the function takes, in the order given to ``parse``."""
    function: Callable[..., Any]


def parse(code: str, names: tuple[str, ...], where: str) -> Statement:
    """Parse ``"target = expression"`` over ``names`` (and the functions of ``numerics``)."""
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError as error:
        raise ValueError(f"{where}: {code!r} is not a line of Python: {error.msg}") from None
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1:
        raise ValueError(f"{where}: {code!r} must be one assignment, `name = expression`")
    target = body[0].targets[0]
    if not isinstance(target, ast.Name):
        raise ValueError(f"{where}: {code!r} must assign to a plain name")
    expression = body[0].value
    for node in ast.walk(expression):
        if isinstance(node, ast.Name) and node.id not in names and node.id not in _NAMESPACE:
            raise ValueError(
                f"{where}: {code!r} uses {node.id!r}, which is none of its names {names} "
                f"and no function of autograd_lite.numerics"
            )
    source = f"lambda {', '.join(names)}: {ast.unparse(expression)}"
    function = eval(compile(source, where, "eval"), dict(_NAMESPACE))
    return Statement(target.id, expression, code, names, function)


# --- shown in the lecture's symbols ------------------------------------------------------------

_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 100, 40, 30, 20, 10
_SUPERSCRIPTS = {2: "²", 3: "³"}


def shown(
    expression: ast.expr, names: Mapping[str, str], gradients: frozenset[str] = frozenset()
) -> str:
    """``expression`` in the lecture's symbols, each name written as ``names`` says.

    ``gradients`` are the names that stand for gradients (``da``): a product writes
    ``a(1 − a)`` for a name times a bracket, but ``da · (…)`` for a gradient.
    """
    return _Shown(names, gradients).text(expression)[0]


def definition(expression: ast.expr, names: Mapping[str, str]) -> str:
    """For a call of a function with a definition (``σ(z)``), that definition, filled in."""
    if not (isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name)):
        return ""
    fn = numerics.FUNCTIONS.get(expression.func.id)
    if fn is None or not fn.definition or len(expression.args) != 1:
        return ""
    argument = expression.args[0]
    if not isinstance(argument, ast.Name):
        return ""
    return fn.definition.replace("{0}", names.get(argument.id, argument.id))


def number(value: float) -> str:
    """A number as a formula shows it: ``1`` for 1.0, ``−1`` with the lecture's minus sign."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace("-", "−")


class _Shown:
    def __init__(self, names: Mapping[str, str], gradients: frozenset[str]) -> None:
        self.names = names
        self.gradients = gradients

    def text(self, node: ast.expr) -> tuple[str, int]:
        """(the text, how tightly it binds)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id, node.id), _ATOM
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or node.value is None:
                return str(node.value), _ATOM
            return number(node.value), _ATOM if node.value >= 0 else _UNARY
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "−" + self.wrapped(node.operand, _PRODUCT), _UNARY  # −y/a is −(y/a)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            sign = {ast.Gt: ">", ast.GtE: "≥", ast.Lt: "<", ast.LtE: "≤"}[type(node.ops[0])]
            left, right = self.text(node.left)[0], self.text(node.comparators[0])[0]
            return f"[{left} {sign} {right}]", _ATOM
        if isinstance(node, ast.Attribute) and node.attr == "T":
            if is_number(node.value, 1.0):
                return "(·)ᵀ", _ATOM  # the local derivative of a transpose: transpose the gradient
            return self.wrapped(node.value, _ATOM) + "ᵀ", _ATOM
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node)
        raise ValueError(f"no lecture notation for {ast.unparse(node)!r}")

    def wrapped(self, node: ast.expr, at_least: int) -> str:
        text, precedence = self.text(node)
        return text if precedence >= at_least else f"({text})"

    def binary(self, node: ast.BinOp) -> tuple[str, int]:
        op = type(node.op)
        if op is ast.Pow:
            base = self.wrapped(node.left, _ATOM)
            k = node.right
            if isinstance(k, ast.Constant) and k.value in _SUPERSCRIPTS:
                return base + _SUPERSCRIPTS[k.value], _POWER
            return f"{base}^{self.wrapped(k, _ATOM)}", _POWER
        if op in (ast.Add, ast.Sub):
            sign = " + " if op is ast.Add else " − "
            left = self.wrapped(node.left, _SUM)
            right = self.wrapped(node.right, _SUM + (op is ast.Sub))
            return left + sign + right, _SUM
        if op in (ast.Mult, ast.MatMult, ast.Div):
            left = self.wrapped(node.left, _PRODUCT)
            right_text, right_precedence = self.text(node.right)
            if right_precedence >= _PRODUCT + (op is ast.Div):
                sign = " / " if op is ast.Div else " · "
                return left + sign + right_text, _PRODUCT
            if op is not ast.Div and self.ends_in_a_quantity(node.left):
                return f"{left}({right_text})", _PRODUCT  # a(1 − a), as the lecture writes it
            sign = " / " if op is ast.Div else " · "
            return f"{left}{sign}({right_text})", _PRODUCT
        raise ValueError(f"no lecture notation for {ast.unparse(node)!r}")

    def ends_in_a_quantity(self, node: ast.expr) -> bool:
        """Whether ``node``'s last factor is a name that is not a gradient (``a`` in ``da · a``)."""
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            node = node.right
        return isinstance(node, ast.Name) and node.id not in self.gradients

    def call(self, node: ast.Call) -> tuple[str, int]:
        fn = numerics.FUNCTIONS[node.func.id]
        template = fn.shown
        arguments = [self.text(argument) for argument in node.args]

        def filled(match: re.Match[str]) -> str:
            space, k = match.group(1), int(match.group(2))
            text, precedence = arguments[k]
            wrapped = f"({text})"
            previous = template[match.start() - 1 : match.start()] if match.start() else ""
            after = template[match.end() : match.end() + 1]
            if space and previous in ("−", "+", "·"):  # a binary operator's right operand
                return " " + (text if precedence > _SUM else wrapped)
            if space and previous == ",":
                return " " + text
            if space:  # after a function's word: log a, but log(1 − a)
                return " " + text if precedence >= _ATOM else wrapped
            if previous in ("(", "|") or (not previous and after in (",", ")", "")):
                return text
            if previous in ("^", "/") or after == "ᵀ":
                return text if precedence >= _ATOM else wrapped
            return text if precedence >= _PRODUCT else wrapped

        return re.sub(r"( ?)\{(\d)\}", filled, template), fn.precedence


def local_derivative(expression: ast.expr, upstream: str) -> ast.expr:
    """``∂out/∂input`` from a backward expression: its upstream gradient set to 1, simplified."""
    one = _Substitute({upstream: ast.Constant(1.0)}).visit(_copy(expression))
    return _simplified(one)


def _copy(node: Any) -> Any:
    """A copy of a syntax tree (each substitution gets trees of its own to change)."""
    if isinstance(node, list):
        return [_copy(item) for item in node]
    if not isinstance(node, ast.AST):
        return node
    return type(node)(**{name: _copy(getattr(node, name, None)) for name in node._fields})


class _Substitute(ast.NodeTransformer):
    def __init__(self, replacements: Mapping[str, ast.expr]) -> None:
        self.replacements = replacements

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return _copy(self.replacements[node.id]) if node.id in self.replacements else node


def substitute(expression: ast.expr, replacements: Mapping[str, ast.expr]) -> ast.expr:
    """A copy of ``expression`` with names replaced by expressions."""
    return _Substitute(replacements).visit(_copy(expression))


def is_number(node: ast.expr, value: float) -> bool:
    """Whether ``node`` is the number ``value`` written in (a constant, not a bool)."""
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return False
    return node.value == value


def _simplified(node: ast.expr) -> ast.expr:
    """Multiplications by 1 dropped, ``−1 · x`` written ``−x``: what a local derivative reads."""
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.expr):
            setattr(node, field, _simplified(value))
        elif isinstance(value, list):
            setattr(node, field, [_simplified(v) if isinstance(v, ast.expr) else v for v in value])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, float):
            return ast.Constant(-node.operand.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if is_number(node.left, 1.0):
            return node.right
        if is_number(node.right, 1.0):
            return node.left
        if is_number(node.left, -1.0):
            return ast.UnaryOp(ast.USub(), node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and is_number(node.right, 1.0):
        return node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = node.args
        if node.func.id == "times_transpose" and is_number(args[0], 1.0):
            return ast.Attribute(args[1], "T", ast.Load())
        if node.func.id == "transpose_times" and is_number(args[1], 1.0):
            return ast.Attribute(args[0], "T", ast.Load())
        if node.func.id == "spread":
            return args[0]
        if node.func.id == "transpose" and is_number(args[0], 1.0):
            return ast.Attribute(args[0], "T", ast.Load())
    return node
