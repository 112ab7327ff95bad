"""Read an answer's code: does a task's function use backproplib's own implementation?

The grader reads the submission's code cells (text it never executes in its own process); a
notebook check reads the cells the kernel ran (IPython's ``In``). Both follow names the way
Python would after Run All: imports (``import backproplib as bp``, ``from backproplib.activations
import sigmoid as s``), imports inside the function, and other top-level functions and
assignments the function refers to (``def helper(z): return bp.sigmoid(z)``). Tricks that hide
a name (``getattr(bp, "sig" + "moid")``) are left to the runtime guard (``guard.py``).
"""

import ast
import re

_IPYTHON_LINE = re.compile(r"^(\s*)(%|!|\?)")


def python_source(cell_source):
    """A cell's code with IPython-only lines (%magic, !shell, ?help) replaced by ``pass``."""
    return "\n".join(_IPYTHON_LINE.sub(r"\1pass  # ", line) for line in cell_source.splitlines())


def parse_cell(cell_source):
    """The cell's ast.Module, or None when it is not valid Python."""
    try:
        return ast.parse(python_source(cell_source))
    except (SyntaxError, ValueError):
        return None


def top_level_bindings(cells):
    """{name: (kind, node or dotted path, cell index)} after running ``cells`` in order.

    kind is "import" (payload: the dotted path it names), "def", "class" or "value" (payload:
    the assigned expression). Also returns the modules imported with ``*``.
    """
    bindings, stars = {}, []
    for index, source in enumerate(cells):
        tree = parse_cell(source)
        if tree is not None:
            _bind_statements(tree.body, index, bindings, stars)
    return bindings, stars


def defining_cell(cells, name):
    """Index of the last cell that defines ``name`` at top level, or of one that looks like it
    does (``def name(``) but cannot be parsed; None if there is none."""
    bindings, _ = top_level_bindings(cells)
    if name in bindings:
        return bindings[name][2]
    pattern = re.compile(rf"^\s*def\s+{re.escape(name)}\s*\(", re.MULTILINE)
    found = [i for i, source in enumerate(cells) if pattern.search(source)]
    return found[-1] if found else None


def library_uses(cells, function, forbidden, extra=()):
    """Sorted dotted names of forbidden objects that ``function`` uses, directly or through the
    notebook's other top-level functions.

    forbidden: backproplib names ("sigmoid", "Dense", "losses.softmax"); anything from
        ``backproplib.checks`` (where the reference answers live) always counts.
    extra: other dotted names that count too, e.g. "scipy.special.expit".
    """
    bindings, stars = top_level_bindings(cells)
    if function not in bindings:
        return []
    scanner = _Scanner(bindings, stars, set(forbidden), tuple(extra))
    scanner.follow(function)
    return sorted(scanner.found)


class _Scanner:
    def __init__(self, bindings, stars, forbidden, extra):
        self.bindings, self.stars = bindings, stars
        self.forbidden = {f.split(".")[-1] for f in forbidden}
        self.extra = extra
        self.seen, self.found = set(), set()

    def follow(self, name):
        if name in self.seen or name not in self.bindings:
            return
        self.seen.add(name)
        kind, payload, _ = self.bindings[name]
        if kind == "import":
            self.check(payload)
        elif kind in ("def", "class", "value"):
            self.scan(payload)

    def scan(self, node):
        local_imports, local_names = {}, set()
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Import, ast.ImportFrom)):
                _bind_statements([sub], -1, local_imports, [])
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                local_names.add(sub.id)
            elif isinstance(sub, ast.arg):
                local_names.add(sub.arg)
        for _, dotted, _ in local_imports.values():
            self.check(dotted)
        for sub in ast.walk(node):
            chain = _name_chain(sub)
            if not chain:
                continue
            base, rest = chain[0], chain[1:]
            if base in local_imports:
                self.check(".".join([local_imports[base][1], *rest]))
            elif base in local_names:
                continue
            elif base in self.bindings:
                kind, payload, _ = self.bindings[base]
                if kind == "import":
                    self.check(".".join([payload, *rest]))
                else:
                    self.follow(base)
            else:
                for module in self.stars:
                    self.check(".".join([module, *chain]))

    def check(self, dotted):
        parts = dotted.split(".")
        if parts[0] == "backproplib":
            if parts[1:2] == ["checks"] or self.forbidden & set(parts[1:]):
                self.found.add(dotted)
        elif any(dotted == e or dotted.startswith(e + ".") for e in self.extra):
            self.found.add(dotted)


def _name_chain(node):
    """['bp', 'activations', 'sigmoid'] for the expression bp.activations.sigmoid, ['z'] for a
    name that is read, else None. (Inner parts of a chain are reported too; that is harmless.)"""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and (parts or isinstance(node.ctx, ast.Load)):
        return [node.id, *reversed(parts)]
    return None


def _bind_statements(statements, index, bindings, stars):
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings[alias.asname] = ("import", alias.name, index)
                else:
                    top = alias.name.split(".")[0]
                    bindings[top] = ("import", top, index)
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                if alias.name == "*":
                    stars.append(node.module)
                else:
                    bindings[alias.asname or alias.name] = (
                        "import", f"{node.module}.{alias.name}", index)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            bindings[node.name] = (kind, node, index)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        bindings[sub.id] = ("value", node.value, index)
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for block in ("body", "orelse", "finalbody"):
                _bind_statements(getattr(node, block, []), index, bindings, stars)
            for handler in getattr(node, "handlers", []):
                _bind_statements(handler.body, index, bindings, stars)


def calls_function(cells, function, name):
    """Does ``function`` refer to the top-level ``name`` (directly or through the notebook's
    other top-level functions)? Used to say that an earlier task's function was replaced by a
    correct one only when the answer calls it."""
    bindings, _ = top_level_bindings(cells)
    todo, seen = [function], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in bindings or bindings[current][0] != "def":
            continue
        seen.add(current)
        for sub in ast.walk(bindings[current][1]):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                if sub.id == name:
                    return True
                todo.append(sub.id)
    return False
