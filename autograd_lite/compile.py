"""``ag.compile``: a graph turned into the Python a person would write for it, and run again.

``ag.compile(L)`` walks the graph once, as the interpreter does, and writes each op's forward
and backward statements (``ops.py``) into one function, in the graph's own names::

    def L_and_gradients(w1, x1, w2, x2, b, y):
        z = w1*x1 + w2*x2 + b
        a = sigmoid(z)
        L = logit_loss(z, y)
        dz = a - y
        dw1 = x1*dz
        dw2 = x2*dz
        db = dz
        return L, dw1, dw2, db

Unnamed nodes used once are written inline; the rest get short names (``t1``, ``c1``). A graph
of scalars becomes plain floats and ``math``; a graph of arrays numpy. The program is a module
of its own (``program.source``): its imports, the small functions of ``numerics`` it calls, and
the one function; it never imports autograd_lite, so it can be printed, saved and read.

While it writes, the compiler runs each line once on the graph's current values: that is how it
knows each gradient's shape, and so where a broadcast input's gradient must be summed back.
"""

from __future__ import annotations

import ast
import builtins
import html
import inspect
import keyword
import math
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from autograd_lite import numerics
from autograd_lite.errors import ShapeError
from autograd_lite.formulas import is_number, substitute
from autograd_lite.node import Constant, Node, Variable, dependencies, require_current
from autograd_lite.ops import LogLoss, Op, Sigmoid

__all__ = ["Program", "compile"]

_RESERVED = {"np", "math", *numerics.FUNCTIONS, "m"}


def _simplified(node: ast.expr) -> ast.expr:
    """A product by 1 written as the other factor: the seed ``dL = 1`` folded away."""
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.expr):
            setattr(node, field, _simplified(value))
        elif isinstance(value, list):
            setattr(node, field, [_simplified(v) if isinstance(v, ast.expr) else v for v in value])
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.right, ast.Constant)
        and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult))
        and all(type(v.value) in (int, float) for v in (node.left, node.right))
    ):  # the op's own numbers: k − 1 written as the number it is
        folded = eval(ast.unparse(node))  # two numbers and an operator
        return ast.Constant(folded)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if is_number(node.left, 1.0):
            return node.right
        if is_number(node.right, 1.0):
            return node.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and is_number(node.right, 1):
        return node.left
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if isinstance(node.operand, ast.UnaryOp) and isinstance(node.operand.op, ast.USub):
            return node.operand.operand
    return node


class _Unparser:
    """Python text for an expression, products of names written tight: ``w1*x1 + w2*x2 + b``."""

    _PRECEDENCE: ClassVar[dict[type, int]] = {
        ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.MatMult: 2, ast.Div: 2, ast.Pow: 4
    }
    _SIGN: ClassVar[dict[type, str]] = {
        ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/", ast.Pow: "**"
    }

    def text(self, node: ast.expr) -> tuple[str, int]:
        if isinstance(node, ast.BinOp) and type(node.op) in self._PRECEDENCE:
            precedence = self._PRECEDENCE[type(node.op)]
            left, lp = self.text(node.left)
            right, rp = self.text(node.right)
            power = isinstance(node.op, ast.Pow)
            if lp < precedence or (power and lp == precedence):
                left = f"({left})"
            if rp < precedence or (rp == precedence and not power and
                                   not isinstance(node.op, (ast.Add, ast.Mult))):
                right = f"({right})"
            sign = self._SIGN[type(node.op)]
            tight = isinstance(node.op, (ast.Mult, ast.Pow)) and self._simple(node.left) and \
                self._simple(node.right)
            return (f"{left}{sign}{right}" if tight else f"{left} {sign} {right}"), precedence
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand, op = self.text(node.operand)
            return ("-" + (operand if op >= 3 else f"({operand})")), 3
        if isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value < 0:
            return repr(node.value), 3
        if isinstance(node, (ast.Compare, ast.IfExp, ast.BoolOp, ast.Lambda)):
            return ast.unparse(node), 0
        return ast.unparse(node), 9

    @staticmethod
    def _simple(node: ast.expr) -> bool:
        return isinstance(node, (ast.Name, ast.Constant)) and not (
            isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value < 0
        )


def _unparse(node: ast.expr) -> str:
    return _Unparser().text(node)[0]


class _Line:
    __slots__ = ("expression", "kind", "target")

    def __init__(self, target: str, expression: ast.expr, kind: str) -> None:
        self.target, self.expression, self.kind = target, expression, kind


class _Writer:
    """Writes the program's lines, running each once on the graph's values as it goes."""

    def __init__(self, scalar: bool) -> None:
        self.scalar = scalar
        self.lines: list[_Line] = []
        self.values: dict[str, Any] = {}
        self.helpers: list[str] = []  # numerics functions the program defines
        self.namespace: dict[str, Any] = {"np": np, "math": math}

    def run(self, expression: ast.expr) -> Any:
        if isinstance(expression, ast.Name) and expression.id in self.values:
            return self.values[expression.id]
        if isinstance(expression, ast.Constant):
            return expression.value
        tree = ast.fix_missing_locations(ast.Expression(expression))
        code = builtins.compile(tree, "<ag.compile>", "eval")
        with np.errstate(all="ignore"):  # the graph's own numbers: computed before, warned then
            return eval(code, self.namespace, self.values)

    def emit(self, target: str, expression: ast.expr, kind: str, value: Any = None) -> Any:
        """Add the line ``target = expression``; ``value``, if given, is what it computes."""
        if value is None:
            expression = self.lowered(_simplified(expression))
            value = self.run(expression)
        self.values[target] = value
        self.lines.append(_Line(target, expression, kind))
        return value

    def helper(self, name: str) -> None:
        if name not in self.helpers:
            fn = numerics.FUNCTIONS[name]
            self.namespace[name] = fn.scalar if self.scalar and fn.scalar else fn.array
            self.helpers.append(name)

    def lowered(self, expression: ast.expr) -> ast.expr:
        """Calls of ``numerics`` functions as the program makes them: ``np.exp``, ``X.T @ dZ`` …"""
        writer = self

        class Lower(ast.NodeTransformer):
            def visit_Call(self, node: ast.Call) -> ast.expr:
                self.generic_visit(node)
                if not isinstance(node.func, ast.Name) or node.func.id not in numerics.FUNCTIONS:
                    return node
                return writer.lowered_call(node)

        return Lower().visit(expression)

    def lowered_call(self, node: ast.Call) -> ast.expr:
        name = node.func.id  # type: ignore[attr-defined]
        fn = numerics.FUNCTIONS[name]
        args = node.args
        ndims = [np.ndim(self.run(a)) for a in args]
        if name == "transpose_times" and ndims[0] == 2:
            return ast.BinOp(ast.Attribute(args[0], "T", ast.Load()), ast.MatMult(), args[1])
        if name == "times_transpose" and ndims[1] == 2:
            return ast.BinOp(args[0], ast.MatMult(), ast.Attribute(args[1], "T", ast.Load()))
        if name == "transpose":
            return args[0] if ndims[0] == 0 else ast.Attribute(args[0], "T", ast.Load())
        if name in ("transpose_times", "times_transpose") and 0 in ndims:
            return ast.BinOp(args[0], ast.Mult(), args[1])
        if name == "total" and _is_none(args[1]) and not _is_true(args[2]):
            return _np_call("sum", [args[0]]) if ndims[0] else args[0]
        if name == "spread" and _is_none(args[2]) and ndims[0] == 0:
            return args[0]  # one number for every entry: spread where it is needed (compile)
        if name in ("average", "total", "spread"):
            node.args = _without_defaults(fn, args)
        elif self.scalar and fn.math_name:
            module = "math" if fn.math_name not in ("max", "abs") else None
            func: ast.expr = ast.Name(fn.math_name, ast.Load())
            if module:
                func = ast.Attribute(ast.Name(module, ast.Load()), fn.math_name, ast.Load())
            return ast.Call(func, args, [])
        elif not self.scalar and fn.numpy_name:
            return _np_call(fn.numpy_name, args)
        self.helper(name)
        return node


def _np_call(name: str, args: list[ast.expr]) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), name, ast.Load()), args, [])


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _without_defaults(fn: numerics.Function, args: list[ast.expr]) -> list[ast.expr]:
    """The arguments without the trailing ones that equal the function's defaults."""
    defaults = [p.default for p in inspect.signature(fn.array).parameters.values()]
    args = list(args)
    while args and defaults[len(args) - 1] is not inspect.Parameter.empty:
        last = args[-1]
        if isinstance(last, ast.Constant) and last.value == defaults[len(args) - 1]:
            args.pop()
        else:
            break
    return args


def _summed(expression: ast.expr, grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> ast.expr:
    """``np.sum`` over the axes broadcasting added: a broadcast input's gradient, back to size."""
    if not shape:
        return _np_call("sum", [expression])
    extra = len(grad_shape) - len(shape)
    lead = list(range(extra))
    kept = [extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1]
    keywords = []
    axes = lead + kept
    axis: ast.expr = ast.Constant(axes[0]) if len(axes) == 1 else ast.Tuple(
        [ast.Constant(a) for a in axes], ast.Load()
    )
    keywords.append(ast.keyword("axis", axis))
    if kept:
        keywords.append(ast.keyword("keepdims", ast.Constant(True)))
    summed = ast.Call(
        ast.Attribute(ast.Name("np", ast.Load()), "sum", ast.Load()), [expression], keywords
    )
    if kept and lead:
        return ast.Call(ast.Attribute(summed, "reshape", ast.Load()),
                        [ast.Constant(tuple(shape))], [])
    return summed


def _names(graph: list[Node]) -> dict[int, str]:
    """A Python name for every node: its own where it is one, else a short generated one."""
    names: dict[int, str] = {}
    used = set(_RESERVED)
    counters = {"t": 0, "c": 0, "v": 0}

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in used:
                return candidate

    for node in graph:  # named nodes first, so a generated name never takes a graph's name
        name = node.name
        if name and name.isidentifier() and not keyword.iskeyword(name) and name not in used:
            names[id(node)] = name
            used.add(name)
    for node in graph:
        if id(node) not in names:
            prefix = "t" if node.inputs else "v" if isinstance(node, Variable) else "c"
            names[id(node)] = fresh(prefix)
            used.add(names[id(node)])
    return names


def _gradient_name(name: str, used: set[str]) -> str:
    candidate = "d" + name
    while candidate in used:
        candidate += "_"
    used.add(candidate)
    return candidate


class Program:
    """A graph compiled to a Python function: ``program(w=..., b=...)`` runs it.

    Attributes
    ----------
    source : str
        A complete Python module: its imports, the helpers it calls, and one function.
    function : callable
        That function, defined by executing ``source`` in an empty namespace.
    inputs : tuple of str
        The leaf names (variables and constants), the function's parameters in order.
    outputs : tuple of str
        What it returns, in order: the node's own name, then ``d<name>`` for every variable.
    """

    def __init__(
        self,
        source: str,
        function_name: str,
        inputs: tuple[str, ...],
        outputs: tuple[str, ...],
        leaves: tuple[Node, ...],
    ) -> None:
        self.source = source
        self.function_name = function_name
        self.inputs = inputs
        self.outputs = outputs
        self._leaves = leaves
        self._shapes = tuple(leaf.shape for leaf in leaves)
        namespace: dict[str, Any] = {}
        exec(builtins.compile(source, f"<ag.compile {function_name}>", "exec"), namespace)
        self.function = namespace[function_name]

    def __call__(self, **leaf_values: Any) -> dict[str, Any]:
        """Run the program: leaves by name; those not given take the graph's current values."""
        args = [leaf_values.pop(name) if name in leaf_values else leaf.value
                for name, leaf in zip(self.inputs, self._leaves, strict=True)]
        if leaf_values:
            raise TypeError(
                f"{self.function_name}() got an unknown leaf {next(iter(leaf_values))!r}; its "
                f"leaves are {', '.join(self.inputs)}"
            )
        for k, (value, shape) in enumerate(zip(args, self._shapes, strict=True)):
            if type(value) is float or (
                isinstance(value, np.ndarray) and value.dtype == np.float64 and value.shape == shape
            ):
                continue  # as compiled: nothing to check
            args[k] = self._checked(k, value)
        try:
            results = self.function(*args)
        except ValueError as error:
            changed = [
                f"{name} {shape} → {np.shape(arg)}"
                for name, shape, arg in zip(self.inputs, self._shapes, args, strict=True)
                if np.shape(arg) != shape
            ]
            raise ShapeError(
                f"{self.function_name}(): the leaves' shapes do not fit the program "
                f"({', '.join(changed) or 'as compiled'}): {error}"
            ) from None
        out: dict[str, Any] = {}
        for name, value in zip(self.outputs, results, strict=True):
            if type(value) is not float:
                value = self._owned(value, args, out)
            out[name] = value
        return out

    def _checked(self, k: int, value: Any) -> Any:
        """A leaf's value as the function takes it, or an error naming the leaf."""
        name, shape = self.inputs[k], self._shapes[k]
        value = _number_or_array(value, name)
        given = np.shape(value)
        variable = isinstance(self._leaves[k], Variable)
        if given != shape and (variable or len(given) != len(shape)):
            raise ShapeError(
                f"{self.function_name}(): leaf {name!r} was compiled with shape {shape} "
                f"and got shape {given}" + (
                    "; a variable keeps its shape" if variable else
                    "; data may change its number of rows, not its number of axes")
            )
        return value

    @staticmethod
    def _owned(value: Any, args: list[Any], out: dict[str, Any]) -> Any:
        """A result as the caller's own: a float, or an array shared with nothing else."""
        if not isinstance(value, np.ndarray):
            return float(value)
        if value.ndim == 0:
            return float(value)
        others = [*args, *out.values()]
        if any(isinstance(o, np.ndarray) and np.may_share_memory(value, o) for o in others):
            return value.copy()
        return value

    def __repr__(self) -> str:
        return f"<ag.compile program {self.function_name}({', '.join(self.inputs)})>"

    def __str__(self) -> str:
        return self.source

    def _repr_html_(self) -> str:
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
        except ImportError:  # no highlighter: the text as it is
            return f"<pre><code>{html.escape(self.source)}</code></pre>"
        formatter = HtmlFormatter(noclasses=True)
        return highlight(self.source, PythonLexer(), formatter)


def _number_or_array(value: Any, name: str) -> Any:
    if isinstance(value, Node):
        raise TypeError(f"leaf {name!r}: give numbers, not the node {value.describe()}")
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        return float(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"leaf {name!r}: expected real numbers, got dtype {array.dtype}")
    if array.ndim == 0:
        return float(array)
    return array if array.dtype == np.float64 else array.astype(np.float64)


def compile(output: Node, *, name: str | None = None) -> Program:  # noqa: A001 (ag.compile)
    """Turn the graph of ``output`` into a standalone Python function: a ``Program``.

    The function takes every leaf (variables and constants) and returns ``output``'s value and
    the gradient of every variable, ``d<name>``, computed as ``backward()`` computes them. The
    graph itself is not changed.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> w, x = ag.Variable(3.0, name="w"), ag.Constant(2.0, name="x")
    >>> y = (w * x).named("y")
    >>> program = ag.compile(y)
    >>> print(program.source.split("def ")[1])
    y_and_gradients(w, x):
        y = w*x
        dw = x
        return y, dw
    <BLANKLINE>
    >>> program(w=5.0)
    {'y': 10.0, 'dw': 2.0}
    """
    if not isinstance(output, Node):
        raise TypeError(f"ag.compile takes a node, got {type(output).__name__}")
    require_current(output, "ag.compile")
    graph = dependencies(output)
    for node in graph:
        if node.inputs and not isinstance(node, Op):
            raise TypeError(
                f"ag.compile: {type(node).__name__} is an op of your own that states no formulas "
                f"as code, so it cannot be compiled; give it forward_code and backward_code "
                f"(see docs/adding-an-op.md), or run the graph with backward()"
            )
    names = _names(graph)
    leaves = _leaves_in_reading_order(output)
    variables = [leaf for leaf in leaves if isinstance(leaf, Variable)]
    scalar = all(type(node.value) is float for node in graph)
    writer = _Writer(scalar)
    for leaf in leaves:
        writer.values[names[id(leaf)]] = leaf.value
    fused_losses = {
        id(node) for node in graph if isinstance(node, LogLoss) and node.logit is not None
    }

    used = set(names.values()) | _RESERVED
    # σ and the log loss on it share one exponential, e^(−|z|): the program computes it once.
    shared = {id(node.inputs[0]) for node in graph if id(node) in fused_losses}
    exponentials: dict[int, str] = {}
    for node in graph:  # forward: every op, each after its inputs
        if not node.inputs:
            continue
        if id(node) in shared or id(node) in fused_losses:
            z = node.inputs[0] if id(node) in shared else node.logit  # type: ignore[attr-defined]
            if id(z) not in exponentials:
                exponentials[id(z)] = _fresh("e", used)
                exponential = _parse(_SHARED[scalar][0], z=names[id(z)])
                writer.emit(exponentials[id(z)], exponential, "forward")
            template = _SHARED[scalar][1 if id(node) in shared else 2]
            y = names[id(node.inputs[1])] if id(node) in fused_losses else ""
            expression = _parse(template, z=names[id(z)], e=exponentials[id(z)], y=y)
        else:
            expression = substitute(node.forward_statement.expression, _operands(node, names))
        writer.emit(names[id(node)], expression, "forward")

    used = set(names.values()) | _RESERVED
    seed_name = _gradient_name(names[id(output)], used)
    if output.size != 1:
        raise ShapeError(
            f"ag.compile needs a scalar output, but {output.describe()} has shape {output.shape}; "
            f"reduce it first (for example ag.mean(...))"
        )
    gradient: dict[int, ast.expr] = {id(output): ast.Constant(1.0)}  # dL = 1, folded in
    own_name: dict[int, str] = {id(output): seed_name}
    lazy: dict[int, ast.expr] = {}  # a sum's gradient kept as one number, spread when needed
    for node in reversed(graph):  # backward: each node after every node that uses it
        if id(node) not in gradient or not node.inputs or not node.requires_grad:
            continue
        upstream = gradient[id(node)]
        sends = [s for s in _sends(node, names, upstream, fused_losses) if s[0].requires_grad]
        if id(node) in lazy and not _broadcasts_back(writer, sends, node, upstream):
            full = lazy.pop(id(node))
            writer.emit(own_name[id(node)], full, "backward")
            upstream = gradient[id(node)] = ast.Name(own_name[id(node)], ast.Load())
            sends = [s for s in _sends(node, names, upstream, fused_losses) if s[0].requires_grad]
        for target, expression in sends:
            expression = writer.lowered(_simplified(expression))
            value = writer.run(expression)
            if id(target) not in own_name:
                own_name[id(target)] = _gradient_name(names[id(target)], used)
            mine = own_name[id(target)]
            if np.ndim(value) == 0 and target.shape and id(target) not in gradient:
                # One number for every entry (a sum's or mean's gradient): spread later, if ever
                shape = ast.Attribute(ast.Name(names[id(target)], ast.Load()), "shape", ast.Load())
                lazy[id(target)] = _np_call("full", [shape, expression])
            elif np.shape(value) != target.shape:
                expression = _summed(expression, np.shape(value), target.shape)
                value = None
            if id(target) in gradient:
                before = _materialised(writer, lazy, gradient, own_name, target)
                writer.emit(mine, ast.BinOp(before, ast.Add(), expression), "backward")
                gradient[id(target)] = ast.Name(mine, ast.Load())
            elif isinstance(expression, ast.Name):
                gradient[id(target)] = expression  # passed on unchanged: dx = dz
            else:
                writer.emit(mine, expression, "backward", value)
                gradient[id(target)] = ast.Name(mine, ast.Load())
    results = [names[id(output)]]
    for variable in variables:
        mine = own_name.get(id(variable)) or _gradient_name(names[id(variable)], used)
        if id(variable) in lazy:
            writer.emit(mine, lazy.pop(id(variable)), "backward")
        elif id(variable) not in gradient:
            zero = ast.Constant(0.0) if variable.shape == () else _np_call(
                "zeros", [ast.Constant(variable.shape)])
            writer.emit(mine, zero, "backward")
        else:
            held = gradient[id(variable)]
            if not (isinstance(held, ast.Name) and held.id == mine):
                writer.emit(mine, held, "backward")
        results.append(mine)
    function_name = name or f"{names[id(output)]}_and_gradients"
    source = _module(writer, [names[id(leaf)] for leaf in leaves], results, function_name, output)
    outputs = (names[id(output)], *("d" + names[id(v)] for v in variables))
    return Program(source, function_name, tuple(names[id(leaf)] for leaf in leaves), outputs,
                   leaves)


def _broadcasts_back(
    writer: _Writer, sends: list[tuple[Node, ast.expr]], node: Node, upstream: ast.expr
) -> bool:
    """Whether every gradient ``node`` sends, from its gradient kept as one number, comes out
    in the shape it would have from the spread array (so the number need never be spread)."""
    for target, expression in sends:
        value = writer.run(writer.lowered(_simplified(expression)))
        if np.shape(value) != node.shape and np.shape(value) != target.shape:
            return False
        if np.shape(value) != np.broadcast_shapes(node.shape, target.shape):
            return False
    return True


def _materialised(
    writer: _Writer, lazy: dict[int, ast.expr], gradient: dict[int, ast.expr],
    own_name: dict[int, str], target: Node,
) -> ast.expr:
    """The gradient ``target`` holds so far, spread to its shape if it was kept as a number."""
    if id(target) in lazy:
        mine = own_name[id(target)]
        writer.emit(mine, lazy.pop(id(target)), "backward")
        gradient[id(target)] = ast.Name(mine, ast.Load())
    return gradient[id(target)]


def _leaves_in_reading_order(output: Node) -> tuple[Node, ...]:
    """The graph's leaves as the expression reads, left to right: w1, x1, w2, x2, b, y."""
    leaves: list[Node] = []
    seen: set[int] = set()
    stack = [output]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not node.inputs:
            leaves.append(node)
        stack.extend(reversed(node.inputs))
    return tuple(leaves)


_SHARED = {
    False: (  # arrays: Sigmoid.forward_code and LogLoss.logit_forward_code, sharing e = e^(−|z|)
        "np.exp(-np.abs({z}))",
        "np.maximum({e}, {z} >= 0) / (1.0 + {e})",
        "np.log1p({e}) + (({z} >= 0) - {y}) * {z}",
    ),
    True: (  # floats: the same, with math
        "math.exp(-abs({z}))",
        "(1.0 if {z} >= 0 else {e}) / (1.0 + {e})",
        "math.log1p({e}) + ((1.0 if {z} >= 0 else 0.0) - {y}) * {z}",
    ),
}
"""σ(z) = max(e, [z ≥ 0]) / (1 + e) and L = log(1 + e) + ([z ≥ 0] − y)·z, from e = e^(−|z|): the
numerics' ``sigmoid`` and ``logit_loss`` written out, so the two share their exponential."""


def _parse(template: str, **names: str) -> ast.expr:
    return ast.parse(template.format(**names), mode="eval").body


def _fresh(prefix: str, used: set[str]) -> str:
    candidate, k = prefix, 1
    while candidate in used:
        k += 1
        candidate = f"{prefix}{k}"
    used.add(candidate)
    return candidate


def _operands(node: Node, names: Mapping[int, str]) -> dict[str, ast.expr]:
    """The op's formula names bound to the program's: inputs, output, and its own numbers."""
    op = type(node)
    mapping: dict[str, ast.expr] = {
        n: ast.Name(names[id(x)], ast.Load())
        for n, x in zip(op.input_names, node.inputs, strict=True)
    }
    mapping[op.output_name] = ast.Name(names[id(node)], ast.Load())
    for parameter in op.parameters:
        if parameter == "m":
            continue  # the number of entries averaged: computed in the program (m = L.size)
        mapping[parameter] = ast.Constant(getattr(node, parameter))
    return mapping


def _sends(
    node: Node, names: Mapping[int, str], upstream: ast.expr, fused: set[int]
) -> list[tuple[Node, ast.expr]]:
    """``(target, gradient expression)`` for every gradient ``node`` sends on."""
    op = type(node)
    if id(node) in fused:
        a, y = node.inputs
        z = node.logit  # type: ignore[attr-defined]
        mapping = {
            "a": ast.Name(names[id(a)], ast.Load()), "y": ast.Name(names[id(y)], ast.Load()),
            "z": ast.Name(names[id(z)], ast.Load()), "L": ast.Name(names[id(node)], ast.Load()),
            "dL": upstream,
        }
        _, _, dy, dz = LogLoss.logit_statements
        return [(y, substitute(dy.expression, mapping)), (z, substitute(dz.expression, mapping))]
    mapping = _operands(node, names)
    mapping["d" + op.output_name] = upstream  # type: ignore[attr-defined]
    if "m" in op.parameters:  # type: ignore[attr-defined]
        mapping["m"] = ast.Constant(node.m) if not node.inputs[0].shape else _m_of(node, names)
    sends = []
    for x, statement in zip(node.inputs, op.backward_statements, strict=False):  # type: ignore[attr-defined]
        sends.append((x, substitute(statement.expression, mapping)))
    return sends


def _m_of(node: Node, names: Mapping[int, str]) -> ast.expr:
    """``m`` as the program computes it from the data: ``L.size``, or ``L.shape[0]``."""
    x = ast.Name(names[id(node.inputs[0])], ast.Load())
    axis = node.axis  # type: ignore[attr-defined]
    if axis is None:
        return ast.Attribute(x, "size", ast.Load())
    axes = axis if isinstance(axis, tuple) else (axis,)
    product: ast.expr | None = None
    for a in axes:
        term = ast.Subscript(ast.Attribute(x, "shape", ast.Load()), ast.Constant(a), ast.Load())
        product = term if product is None else ast.BinOp(product, ast.Mult(), term)
    return product  # type: ignore[return-value]


def _module(
    writer: _Writer, parameters: list[str], results: list[str], function_name: str, output: Node
) -> str:
    lines = _inlined(writer.lines, set(results))
    body = [f"    {line.target} = {_unparse(line.expression)}" for line in lines]
    body.append(f"    return {', '.join(results)}")
    uses = "\n".join(body)
    imports = []
    if "math." in uses or any(
        "math." in numerics.FUNCTIONS[h].code(writer.scalar) for h in writer.helpers
    ):
        imports.append("import math")
    if "np." in uses or any("np." in numerics.FUNCTIONS[h].code(writer.scalar)
                            for h in writer.helpers):
        imports.append("import numpy as np")
    label = output.name or type(output).__name__
    parts = [f'"""{label} and its gradients, written out from its computation graph."""']
    if imports:
        parts.append("\n".join(imports))
    for helper in writer.helpers:
        parts.append(numerics.FUNCTIONS[helper].code(writer.scalar).rstrip())
    signature = f"def {function_name}({', '.join(parameters)}):"
    parts.append(signature + "\n" + uses)
    return "\n\n\n".join(parts) + "\n"


def _references(expression: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(expression) if isinstance(n, ast.Name)]


def _inlined(lines: list[_Line], results: set[str]) -> list[_Line]:
    """Lines without the dead ones, and a generated forward name used once written in its place."""
    live: list[_Line] = []
    needed = set(results)
    for line in reversed(lines):  # dead code: a line nothing later reads
        if line.target in needed:
            live.append(line)
            needed.discard(line.target)
            needed.update(_references(line.expression))
    live.reverse()
    counts: dict[str, int] = {}
    for line in live:
        for ref in _references(line.expression):
            counts[ref] = counts.get(ref, 0) + 1
    generated = {line.target for line in live if line.kind == "forward" and _generated(line.target)}
    replacements: dict[str, ast.expr] = {}
    out = []
    for line in live:
        expression = line.expression
        if replacements and any(ref in replacements for ref in _references(expression)):
            expression = substitute(expression, replacements)
        once = counts.get(line.target, 0) == 1
        if line.target in generated and once and line.target not in results:
            replacements[line.target] = expression
            continue
        out.append(_Line(line.target, expression, line.kind))
    return out


def _generated(name: str) -> bool:
    return name[:1] == "t" and name[1:].isdigit()


_ = (Constant, Sigmoid, time)
