"""The house's rule: imports point down.

Each of Dateline's apps sits on a layer (docs/architecture.md draws them).
A module may import its own app and the layers below it, never an app
beside it or above it: the page cache knows no app, the articles know
nothing of comments or search, and a new page type is added by registering
with the layers below, not by editing them. An import inside a function
would hide a cycle, so outside the project's wiring (the top layer) only an
AppConfig.ready() may import inside a function.

The test reads the source (ast); it imports nothing, so it sees every
import, including those a running site never reaches.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# Bottom to top. Names are modules under dateline; the longest match wins,
# so config.env (read by settings and by backups alike) sits at the bottom
# while the rest of config, which wires the apps together, sits on top.
LAYERS = [
    {"pagecache", "config.env"},
    {"core"},
    {"newsroom", "editions"},
    {"articles"},
    {"comments", "search", "live"},
    {"discovery", "api", "accounts"},
    {"demo", "wordpress"},
    {"config", "cli", "duework", "testing", "conftest"},
]
TOP = len(LAYERS) - 1
SKIPPED_FOLDERS = {"tests", "migrations", "templates", "static", "__pycache__"}


def place(module):
    """(app, layer) of a dotted module name under dateline, or None."""
    parts = module.split(".")[1:]
    for length in range(len(parts), 0, -1):
        name = ".".join(parts[:length])
        for layer, names in enumerate(LAYERS):
            if name in names:
                return name, layer
    return None


def dateline_imports(source, module):
    """(imported module, line, inside a function, inside ready()) for each import of a dateline module."""
    found = []

    def visit(node, function=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function=child.name)
                continue
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                # "from dateline.config import env" imports dateline.config.env.
                names = [f"{child.module}.{alias.name}" for alias in child.names]
            for name in names:
                if name.startswith("dateline."):
                    found.append((name, child.lineno, function is not None, function == "ready"))
            visit(child, function)

    visit(ast.parse(source, filename=module))
    return found


def offences(module, source):
    """What is wrong with one module's imports, in words."""
    here = place(module)
    if here is None:
        return [f"{module} is on no layer: place its app in LAYERS (and in docs/architecture.md)"]
    app, layer = here
    wrong = []
    for imported, line, in_function, in_ready in dateline_imports(source, module):
        there = place(imported)
        if there is None:
            wrong.append(f"{module}:{line} imports {imported}, which is on no layer")
            continue
        other_app, other_layer = there
        if other_app != app and (other_layer > layer or (other_layer == layer != TOP)):
            where = "above" if other_layer > layer else "beside"
            wrong.append(f"{module}:{line} imports {imported}, {where} it")
        if in_function and not in_ready and layer != TOP:
            wrong.append(f"{module}:{line} imports {imported} inside a function: import at the top")
    return wrong


def project_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if SKIPPED_FOLDERS & set(relative.parts[:-1]):
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        if module != "dateline":  # the package itself holds nothing
            yield module, path.read_text()


def test_every_import_points_down():
    wrong = [offence for module, source in project_modules() for offence in offences(module, source)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "module, source, complaint",
    [
        ("dateline.pagecache.purges", "from dateline.articles.models import ArticlePage", "above it"),
        ("dateline.comments.views", "from dateline.search.views import search", "beside it"),
        ("dateline.articles.models", "def f():\n    from dateline.articles import navigation", "inside a function"),
        ("dateline.livestories.models", "import dateline.core.text", "on no layer"),
    ],
)
def test_what_the_rule_catches(module, source, complaint):
    assert any(complaint in offence for offence in offences(module, source))


@pytest.mark.parametrize(
    "module, source",
    [
        ("dateline.comments.views", "from dateline.articles.models import ArticlePage"),
        ("dateline.articles.apps", "class C:\n    def ready(self):\n        from dateline.articles import purges"),
        ("dateline.cli", "def main():\n    from dateline.comments.services import comment_ips_purge"),
        ("dateline.core.backups", "from dateline.config import env"),
    ],
)
def test_what_the_rule_allows(module, source):
    assert offences(module, source) == []
