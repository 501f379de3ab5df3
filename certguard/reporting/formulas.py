"""A measure's formula: arithmetic over indicators named ``<app>.<figure>`` (no Django).

Only numbers, indicator names, ``+ - * /``, unary minus and brackets are accepted; anything
else (calls, other names, attributes of attributes) is refused with a Chinese message."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class FormulaError(ValueError):
    """A formula that cannot be read; the message is Chinese and says why."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    refs: tuple[str, ...]

    def evaluate(self, values: dict[str, Decimal | int | None]) -> Decimal | None:
        """The value for the indicators' values; None when any of them is unknown."""
        if any(values.get(ref) is None for ref in self.refs):
            return None
        return _eval(self.tree, values)


_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _ref(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _check(node: ast.expr, refs: list[str]) -> None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, _OPS):
        _check(node.left, refs)
        _check(node.right, refs)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check(node.operand, refs)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    elif (name := _ref(node)) is not None:
        refs.append(name)
    elif isinstance(node, ast.Name):
        raise FormulaError(f"“{node.id}”不是指标名"
                           "（指标写作 业务模块.统计项，如 enforcement.fines）")
    else:
        raise FormulaError("公式只能包含指标、数字、加减乘除和括号")


def parse(text: str) -> Formula:
    text = (text or "").strip()
    if not text:
        raise FormulaError("公式为空")
    if len(text) > 500:
        raise FormulaError("公式过长（不超过500个字符）")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise FormulaError(f"公式无法解析：{text[:60]}") from None
    refs: list[str] = []
    _check(tree, refs)
    return Formula(text=text, tree=tree, refs=tuple(dict.fromkeys(refs)))


def _eval(node: ast.expr, values: dict) -> Decimal:
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        try:
            return left / right
        except (ZeroDivisionError, InvalidOperation):
            return Decimal(0)
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, values)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    return Decimal(str(values[_ref(node) or ""]))
