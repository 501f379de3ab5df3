"""The layers of DESIGN.md, held by the imports themselves.

An app imports only from layers below it; from another app of its own layer only where listed
below; and from another app only its public face — ``services``, ``selectors``, ``reference``,
``figures``, ``filters`` (the foundations ``core``, ``ids`` and ``rules`` are libraries: any
public module). A model of another app may be named for type checking only (inside
``if TYPE_CHECKING:``). A name starting with "_" is private to its app.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "certguard"
LAYERS = {
    "core": 1, "orgs": 1, "ids": 1, "rules": 1,
    "catalog": 2,
    "registry": 3, "workforce": 3, "clues": 3,
    "ecert": 4, "selfcheck": 4, "screening": 4, "netwatch": 4, "tips": 4, "enforcement": 4,
    "synth": 4,
    "institutions": 4,  # --- institutions ---
    "cases": 5,
    "reporting": 6, "campaigns": 6,
    # Above everything: the commands and modules that assemble the whole platform.
    "console": 8, "bench": 7, "urls": 7, "api_urls": 7, "settings": 7, "wsgi": 7,
    "__main__": 7, "asgi": 7,
}
LIBRARIES = {"core", "ids", "rules"}
PUBLIC = {"services", "selectors", "reference", "figures", "filters", "errors"}
# Same-layer imports that are part of the design.
SAME_LAYER = {("orgs", "core"), ("core", "orgs"),
              # --- campaigns: a campaign requires reporting's forms and reads its reports ---
              ("campaigns", "reporting"),
              # --- enforcement: the on-site QR check uses the e-certificate verifier ---
              ("enforcement", "ecert")}

# Known debt: imports that break the rule today, each to be replaced by a service or selector.
# The test fails if one of these disappears without being removed here, so the list only
# shrinks.
DEBT = {
    ("clues", "orgs.models"), ("ecert", "orgs.models"), ("ecert", "registry.models"),
    ("ecert", "registry.lifecycle"), ("registry", "orgs.models"), ("registry", "catalog.models"),
    ("screening", "clues.placement"), ("selfcheck", "orgs.models"),
    ("selfcheck", "registry.models"), ("selfcheck", "registry.lifecycle"),
    ("selfcheck", "registry.verification"), ("selfcheck", "clues.placement"),
    ("selfcheck", "workforce.scoping"),
}


def _app_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("certguard."):
            names = [a.name for a in node.names]
            yield node.lineno, node.module.split(".")[1:], names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("certguard."):
                    yield node.lineno, alias.name.split(".")[1:], []


def _problems() -> tuple[list[str], set[tuple[str, str]]]:
    problems, debt_seen = [], set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        app = _app_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking_lines(tree)
        for line, parts, names in _imports(tree):
            other, module = parts[0], ".".join(parts[1:2])
            if not module and len(names) == 1:  # from certguard.clues import selectors
                module = names[0]
            if other == app or line in typing_only:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{line} {app} → certguard.{'.'.join(parts)}"
            key = (app, f"{other}.{module}" if module else other)
            if key in DEBT:
                debt_seen.add(key)
                continue
            mine, theirs = LAYERS.get(app), LAYERS.get(other)
            if mine is None or theirs is None:
                problems.append(f"{where}：未登记层级的模块")
            elif theirs > mine or (theirs == mine and (app, other) not in SAME_LAYER):
                problems.append(f"{where}：引用了同层或上层应用")
            elif mine < 7 and other not in LIBRARIES and module not in PUBLIC:
                problems.append(f"{where}：绕过了对方的 services/selectors")
            if any(n.startswith("_") for n in names):
                problems.append(f"{where}：引用了对方的私有名称")
    return problems, debt_seen


def test_apps_import_only_downwards_and_through_public_faces():
    problems, _ = _problems()
    assert not problems, "\n".join(problems)


def test_the_debt_list_only_shrinks():
    _, seen = _problems()
    assert seen == DEBT, f"已还清、请从 DEBT 中删除：{sorted(DEBT - seen)}"
