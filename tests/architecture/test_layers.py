"""The house's rooms and which way their dependencies run (docs/architecture.md): the platform
(ebank/) imports no area, no report and no tool; an area never imports reports or tools; cards and
netbanking do not import each other; and no two modules of one app import each other."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
AREAS = ("cards", "terminals", "netbanking", "infotech")
ROOMS = ("ebank", *AREAS, "reports", "tools")


def _modules(room: str):
    for path in sorted((ROOT / room).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function (absolute names)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _room(module: str) -> str:
    return module.split(".")[0]


FORBIDDEN = {
    "ebank": {*AREAS, "reports", "tools"},
    **{area: {"reports", "tools"} for area in AREAS},
    "reports": {"tools"},
}


@pytest.mark.parametrize("room", ["ebank", *AREAS, "reports"])
def test_dependencies_run_one_way(room):
    wrong = [
        f"{_module_name(path)} imports {module}"
        for path in _modules(room)
        for module in sorted(_imports(path))
        if _room(module) in FORBIDDEN[room]
    ]
    assert wrong == []


def test_cards_and_netbanking_do_not_import_each_other():
    wrong = [
        f"{_module_name(path)} imports {module}"
        for room, other in (("cards", "netbanking"), ("netbanking", "cards"))
        for path in _modules(room)
        for module in _imports(path)
        if _room(module) == other
    ]
    assert wrong == []


def _app_of(module: str) -> str:
    """The app a module belongs to: an area, or a sub-app of the platform or the tools."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in ("ebank", "tools") and len(parts) > 1 else parts[0]


@pytest.mark.parametrize("room", ROOMS)
def test_no_import_circle_between_the_modules_of_one_app(room):
    modules = {_module_name(path): path for path in _modules(room)}
    graph = {
        name: {
            target
            for imported in _imports(path)
            # `from .x import name`: the module x, or, when name is a module of its own, that one.
            for target in [imported if imported in modules else imported.rpartition(".")[0]]
            if target in modules
            and target != name
            and _app_of(target) == _app_of(name)
        }
        for name, path in modules.items()
    }
    circles = []

    def visit(node, trail):
        for target in graph[node]:
            if target in trail:
                circles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif len(trail) < 12:
                visit(target, [*trail, target])

    for start in graph:
        visit(start, [start])
    assert sorted(set(circles)) == []
