"""Imports run one way (accounts -> schedule), and no module imports inside a function
to dodge a loop: read from the source, so a later change is caught without anyone
remembering to check."""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = ("schedule", "accounts", "eventsite")


def modules(app):
    return sorted(p for p in (BASE_DIR / app).rglob("*.py") if "migrations" not in p.parts)


def imported_names(node, module_path):
    """The absolute module names an import node brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    package = list(module_path.relative_to(BASE_DIR).with_suffix("").parts)[: -node.level]
    base = ".".join(package)
    return [f"{base}.{node.module}" if node.module else base]


@pytest.mark.parametrize("path", modules("schedule"), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_schedule_never_imports_accounts(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in imported_names(node, path):
                assert not (name == "accounts" or name.startswith("accounts.")), (
                    f"{path.relative_to(BASE_DIR)}:{node.lineno} imports {name}"
                )


@pytest.mark.parametrize(
    "path",
    [path for app in APPS for path in modules(app)],
    ids=lambda p: str(p.relative_to(BASE_DIR)),
)
def test_no_project_import_inside_a_function(path):
    """``AppConfig.ready()`` is the one place made for it (signal receivers)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in imported_names(node, path):
                    assert not name.startswith(APPS), (
                        f"{path.relative_to(BASE_DIR)}:{node.lineno} imports {name} "
                        f"inside {function.name}()"
                    )
