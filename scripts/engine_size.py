"""The engine's size, as the engine issue measures it: the file that defines ``class Node``, and
``Node.backward`` with every function of that file it reaches, in lines of code (no docstrings,
comments or blank lines). Run: python scripts/engine_size.py"""

from __future__ import annotations

import ast
import io
import pathlib
import re
import sys
import tokenize

ROOT = pathlib.Path(__file__).resolve().parent.parent


def code_lines(source: str, node: ast.AST) -> int:
    """Lines of ``node`` that hold code: not blank, not a comment, not a docstring."""
    doc_lines: set[int] = set()
    for sub in ast.walk(node):
        body = getattr(sub, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
            getattr(body[0], "value", None), ast.Constant
        ) and isinstance(body[0].value.value, str):
            doc_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = source.splitlines()[node.lineno - 1 : node.end_lineno]
    comment_only: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
        if token.type != tokenize.COMMENT:
            continue
        if not lines[token.start[0] - 1][: token.start[1]].strip():
            comment_only.add(token.start[0] + node.lineno - 1)
    count = 0
    for number, line in enumerate(lines, start=node.lineno):
        if line.strip() and number not in doc_lines and number not in comment_only:
            count += 1
    return count


def main() -> int:
    files = (ROOT / "autograd_lite").rglob("*.py")
    path = next(p for p in files if re.search(r"^class Node\b", p.read_text(), re.M))
    source = path.read_text()
    tree = ast.parse(source)
    functions: dict[str, ast.AST] = {}
    for top in tree.body:
        if isinstance(top, ast.FunctionDef):
            functions[top.name] = top
        elif isinstance(top, ast.ClassDef):
            for item in top.body:
                if isinstance(item, ast.FunctionDef):  # a property's getter counts, not its setter
                    functions.setdefault(f"{top.name}.{item.name}", item)
    reached, todo = set(), ["Node.backward"]
    while todo:
        name = todo.pop()
        if name in reached or name not in functions:
            continue
        reached.add(name)
        for sub in ast.walk(functions[name]):
            if isinstance(sub, ast.Name):
                todo.append(sub.id)
            elif isinstance(sub, ast.Attribute):
                todo.append(f"Node.{sub.attr}")
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                todo.append(f"{sub.func.id}.__init__")
    counted = {id(functions[name]): name for name in sorted(reached)}
    total = sum(code_lines(source, functions[name]) for name in counted.values())
    file_lines = len(source.splitlines())
    print(f"{path.relative_to(ROOT)}: {file_lines} lines")
    print(f"Node.backward and what it reaches in that file: {total} lines of code")
    for name in sorted(counted.values()):
        print(f"  {name}: {code_lines(source, functions[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
