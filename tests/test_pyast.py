"""Tests for `boughs.pyast`: stdlib files against `ast.walk`, golden cases, edits, GC, limits."""

from __future__ import annotations

import ast
import copy
import gc
import importlib.util
import os
import pickle
import subprocess
import sys
import sysconfig
import types
import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from boughs import pyast, render_text
from boughs.errors import FormatError
from boughs.pyast import PyNode, TooDeepError

ROOT = Path(__file__).resolve().parent.parent
SCOPE_KINDS = ("FunctionDef", "AsyncFunctionDef", "ClassDef", "Lambda", "GeneratorExp")
if sys.version_info < (3, 12):
    SCOPE_KINDS += ("ListComp", "SetComp", "DictComp")


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def stdlib_sample(count: int = 30) -> list[str]:
    """``count`` stdlib ``.py`` files, spread evenly over the sorted list (deterministic)."""
    root = sysconfig.get_paths().get("stdlib")
    if not root or not os.path.isdir(root):
        return []
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")]
    files = [f for f in files if os.path.getsize(f) < 150_000]  # keep the suite quick
    step = max(1, len(files) // count)
    return files[::step][:count]


def read_source(path: str) -> str | None:
    try:
        with open(path, "rb") as file:
            return importlib.util.decode_source(file.read())
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None


def check_tree(tree: PyNode) -> int:
    """Assert that ``tree`` mirrors its `ast` exactly; return its size."""
    expected = list(ast.walk(tree.ast_node))
    level = list(tree.walk("level"))
    assert len(level) == len(expected)
    for node, original in zip(level, expected):
        assert node.ast_node is original
        assert node.kind == type(original).__name__
        kids = node.children
        assert [k.ast_node for k in kids] == list(ast.iter_child_nodes(original))
        for k in kids:
            assert k.parent is node
            held = getattr(original, k.field)  # type: ignore[arg-type]
            if k.field_index is None:
                assert held is k.ast_node
            else:
                assert held[k.field_index] is k.ast_node
    return len(level)


def code_qualnames(code: types.CodeType) -> Counter[str]:
    found: Counter[str] = Counter()
    stack = [code]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                found[const.co_qualname] += 1  # type: ignore[attr-defined]
                stack.append(const)
    return found


def tree_qualnames(tree: PyNode) -> Counter[str]:
    return Counter(pyast.qualname(n) for n in tree.walk() if n.kind in SCOPE_KINDS)


# ------------------------------------------------------------ stdlib --

SAMPLE = stdlib_sample()


@pytest.mark.skipif(not SAMPLE, reason="the standard library's sources are not installed")
def test_stdlib_sample_mirrors_ast_walk_exactly() -> None:
    total = files = 0
    for path in SAMPLE:
        text = read_source(path)
        if text is None:
            continue
        try:
            ast.parse(text, path)
        except (SyntaxError, ValueError):  # test data that is invalid on purpose
            continue
        tree = pyast.parse(text, path)
        total += check_tree(tree)
        files += 1
        assert pyast.to_ast(tree) is tree.ast_node
        assert tree.filename == path
    assert files >= len(SAMPLE) // 2
    assert total > 10_000


@pytest.mark.skipif(sys.version_info < (3, 11), reason="co_qualname is new in Python 3.11")
@pytest.mark.skipif(not SAMPLE, reason="the standard library's sources are not installed")
def test_stdlib_sample_qualnames_match_the_compiler() -> None:
    checked = 0
    for path in SAMPLE:
        text = read_source(path)
        if text is None:
            continue
        try:
            code = compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        expected = code_qualnames(code)
        got = tree_qualnames(pyast.parse(text, path))
        # Extra names are allowed only for dead code the compiler drops (after a return ...).
        assert not expected - got, path
        checked += sum(expected.values())
    assert checked > 500


@pytest.mark.skipif(not SAMPLE, reason="the standard library's sources are not installed")
def test_stdlib_sample_source_segments_match_ast() -> None:
    for path in SAMPLE[::3]:
        text = read_source(path)
        if text is None:
            continue
        try:
            tree = pyast.parse(text, path)
        except (SyntaxError, ValueError):
            continue
        nodes = [n for n in tree.walk() if n.line is not None]
        for node in nodes[:: max(1, len(nodes) // 6)]:
            for padded in (False, True):
                assert node.source_segment(padded=padded) == ast.get_source_segment(
                    text, node.ast_node, padded=padded
                )


@pytest.mark.skipif(not SAMPLE, reason="the standard library's sources are not installed")
def test_stdlib_sample_rebuilds_identically_from_children() -> None:
    for path in SAMPLE[:8]:
        text = read_source(path)
        if text is None:
            continue
        try:
            tree = pyast.parse(text, path)
        except (SyntaxError, ValueError):
            continue
        original = tree.ast_node
        for node in tree.walk():  # every node now "changed": to_ast must rebuild them all
            node.ast_node = copy.copy(node.ast_node)
        rebuilt = pyast.to_ast(tree)
        assert rebuilt is not original
        assert ast.dump(rebuilt, include_attributes=True) == ast.dump(
            original, include_attributes=True
        )


# ------------------------------------------------------- golden cases --


def test_shared_singletons_become_distinct_nodes() -> None:
    tree = pyast.parse("a = b\nc = d + e + f")
    loads = tree.find_all(kind="Load")
    assert len(loads) == 4
    assert len({id(n) for n in loads}) == 4  # four boughs nodes ...
    assert len({id(n.ast_node) for n in loads}) == 1  # ... for Python's one Load()
    assert [n.parent.ast_node.id for n in loads] == ["b", "d", "e", "f"]  # type: ignore[union-attr]
    adds = tree.find_all(kind="Add")
    assert len(adds) == 2 and adds[0] is not adds[1]
    assert adds[0].ast_node is adds[1].ast_node
    assert adds[0].parent is not adds[1].parent
    assert len(list(tree.walk())) == sum(1 for _ in ast.walk(tree.ast_node)) == 19
    check_tree(tree)


def test_fields_and_field_indexes() -> None:
    tree = pyast.parse("x = y = f(a, *b, k=c)\nif t:\n    pass\nelse:\n    u\n")
    assign, if_ = tree.children
    assert (assign.field, assign.field_index, if_.field_index) == ("body", 0, 1)
    assert [(n.field, n.field_index) for n in assign.children] == [
        ("targets", 0),
        ("targets", 1),
        ("value", None),
    ]
    call = assign.children[-1]
    assert [(n.kind, n.field, n.field_index) for n in call.children] == [
        ("Name", "func", None),
        ("Name", "args", 0),
        ("Starred", "args", 1),
        ("keyword", "keywords", 0),
    ]
    assert [n.field for n in if_.children] == ["test", "body", "orelse"]
    assert [n.kind for n in if_.children_in("orelse")] == ["Expr"]
    assert tree.field is None and tree.field_index is None


def test_list_fields_with_none_keep_the_ast_index() -> None:
    tree = pyast.parse("{**a, b: c}\ndef f(*, p, q=1): pass")
    dict_ = tree.find(kind="Dict")
    assert dict_ is not None
    assert [(n.field, n.field_index) for n in dict_.children] == [
        ("keys", 1),
        ("values", 0),
        ("values", 1),
    ]
    arguments = tree.find(kind="arguments")
    assert arguments is not None
    assert [(n.field, n.field_index) for n in arguments.children] == [
        ("kwonlyargs", 0),
        ("kwonlyargs", 1),
        ("kw_defaults", 1),
    ]


def test_positions() -> None:
    tree = pyast.parse("x = 1\nif x:\n    y = 'é' + z\n")
    z = tree.find(kind="Name", field="right")
    assert z is not None
    assert (z.line, z.col, z.end_line, z.end_col) == (3, 15, 3, 16)  # UTF-8 byte offsets
    assert z.source_segment() == "z"
    load = z.first_child
    assert load is not None and load.line is None and load.source_segment() is None


LABELS_SOURCE = '''\
import os.path as osp
from .. import sibling
from .pkg import name


class Box(Base, metaclass=Meta):
    """Doc."""

    def get(self, key, *args, **kw):
        global counter
        try:
            return self.items[key]
        except KeyError as missing:
            raise
'''


def test_tree_labels() -> None:
    tree = pyast.parse(LABELS_SOURCE)
    labels = [n.tree_label() for n in tree.walk()]
    for expected in [
        "Module",
        "Import (line 1)",
        "alias 'os.path' as 'osp'",
        "ImportFrom '..' (line 2)",
        "ImportFrom '.pkg' (line 3)",
        "ClassDef 'Box' (line 6)",
        "Name 'Base' Load",
        "keyword 'metaclass'",
        "Constant 'Doc.'",
        "FunctionDef 'get' (line 9)",
        "arg 'self'",
        "Global 'counter' (line 10)",
        "Return (line 12)",
        "Attribute 'items' Load",
        "ExceptHandler 'missing' (line 13)",
        "Load",
    ]:
        assert expected in labels
    fn = tree.find(kind="FunctionDef")
    assert repr(fn) == "<PyNode body[1]: FunctionDef 'get' (line 9)>"
    assert repr(tree) == "<PyNode Module>"


def test_render_golden() -> None:
    tree = pyast.parse("def foo(x):\n    return x + 1\n")
    assert render_text(tree, width=60) == (
        "Module\n"
        "└── body[0]: FunctionDef 'foo' (line 1)\n"
        "    ├── args: arguments\n"
        "    │   └── args[0]: arg 'x'\n"
        "    └── body[0]: Return (line 2)\n"
        "        └── value: BinOp\n"
        "            ├── left: Name 'x' Load\n"
        "            │   └── ctx: Load\n"
        "            ├── op: Add\n"
        "            └── right: Constant 1"
    )


def test_hand_made_ast_objects_get_labels_too() -> None:
    name = ast.Name(id="x")  # no ctx: the fast label fails, the general rule answers
    node = pyast.from_ast(name)
    assert node.tree_label() == "Name 'x'"
    assert pyast.from_ast(ast.Pass()).tree_label() == "Pass"


NESTED = """\
import functools

def outer():
    def inner():
        class Local:
            def method(self):
                return lambda: 0
        return Local
    square = lambda v: v * v
    values = [lambda: i for i in range(3)]
    gen = (lambda: j for j in range(3))
    return inner, square, values, gen

class Outer:
    class Inner:
        async def run(self, hook=lambda: 1):
            def step():
                pass
            return step

    @functools.lru_cache(maxsize=(lambda: 8)())
    def cached(self):
        return {k: (lambda: k) for k in ()}

def declares():
    global late
    def late():
        pass
    class Shown:
        global Hidden
        class Hidden:
            pass
    return late
"""


def test_qualnames_of_nested_definitions() -> None:
    tree = pyast.parse(NESTED)
    named = {
        n.ast_node.name: pyast.qualname(n)  # type: ignore[attr-defined]
        for n in pyast.find_all(tree, "FunctionDef", "AsyncFunctionDef", "ClassDef")
    }
    assert named == {
        "outer": "outer",
        "inner": "outer.<locals>.inner",
        "Local": "outer.<locals>.inner.<locals>.Local",
        "method": "outer.<locals>.inner.<locals>.Local.method",
        "Outer": "Outer",
        "Inner": "Outer.Inner",
        "run": "Outer.Inner.run",
        "step": "Outer.Inner.run.<locals>.step",
        "cached": "Outer.cached",
        "declares": "declares",
        "late": "late",
        "Shown": "declares.<locals>.Shown",
        "Hidden": "Hidden",
    }
    lambdas = [pyast.qualname(n) for n in tree.find_all(kind="Lambda")]
    inlined = sys.version_info >= (3, 12)
    assert lambdas == [
        "outer.<locals>.inner.<locals>.Local.method.<locals>.<lambda>",
        "outer.<locals>.<lambda>",
        "outer.<locals>.<lambda>" if inlined else "outer.<locals>.<listcomp>.<lambda>",
        "outer.<locals>.<genexpr>.<lambda>",
        "Outer.Inner.<lambda>",  # a default value is evaluated in the class body
        "Outer.cached.<locals>.<lambda>"
        if inlined
        else "Outer.cached.<locals>.<dictcomp>.<lambda>",
        "Outer.<lambda>",  # so is a decorator (fields come in ast order: body, then decorators)
    ]
    if sys.version_info >= (3, 11):
        assert tree_qualnames(tree) == code_qualnames(compile(NESTED, "<nested>", "exec"))


def test_qualname_refuses_what_has_none() -> None:
    tree = pyast.parse("x = [i for i in y]")
    with pytest.raises(TypeError, match="needs a def, class, lambda"):
        pyast.qualname(tree.find(kind="Name"))  # type: ignore[arg-type]
    listcomp = tree.find(kind="ListComp")
    assert listcomp is not None
    if sys.version_info >= (3, 12):
        with pytest.raises(TypeError, match="inlined"):
            pyast.qualname(listcomp)
    else:
        assert pyast.qualname(listcomp) == "<listcomp>"
    with pytest.raises(TypeError, match="needs a PyNode"):
        pyast.qualname(ast.parse("def f(): pass"))  # type: ignore[arg-type]


def test_qualname_of_a_fragment() -> None:
    module = ast.parse("class A:\n    def f(self):\n        def g(): pass\n")
    fragment = pyast.from_ast(module.body[0].body[0])  # type: ignore[attr-defined]
    assert pyast.qualname(fragment) == "f"
    assert pyast.qualname(fragment.find(kind="FunctionDef", field="body")) == "f.<locals>.g"  # type: ignore[arg-type]


def test_enclosing() -> None:
    tree = pyast.parse(NESTED)
    returns = tree.find_all(kind="Return")
    found = [pyast.enclosing(r, ast.FunctionDef, ast.AsyncFunctionDef) for r in returns]
    assert [f.ast_node.name for f in found if f is not None] == [  # type: ignore[attr-defined]
        "method",
        "inner",
        "outer",
        "run",
        "cached",
        "declares",
    ]
    first = returns[0]
    assert pyast.enclosing(first, "ClassDef").ast_node.name == "Local"  # type: ignore[union-attr]
    assert pyast.enclosing(first, ast.stmt).kind == "FunctionDef"  # type: ignore[union-attr]
    assert pyast.enclosing(first, "mod") is tree
    assert pyast.enclosing(tree, "Module") is None  # strict ancestors only
    assert pyast.enclosing(first, "While") is None
    with pytest.raises(TypeError, match="at least one ast type"):
        pyast.enclosing(first)
    with pytest.raises(ValueError, match="'Functiondef' is not the name"):
        pyast.enclosing(first, "Functiondef")
    with pytest.raises(TypeError, match="ast node classes or their names"):
        pyast.enclosing(first, int)  # type: ignore[arg-type]


def test_find_all() -> None:
    tree = pyast.parse("def f():\n    return 1\nasync def g():\n    return\n")
    assert [n.kind for n in pyast.find_all(tree, ast.Return)] == ["Return", "Return"]
    assert [n.kind for n in pyast.find_all(tree, "FunctionDef", "AsyncFunctionDef")] == [
        "FunctionDef",
        "AsyncFunctionDef",
    ]
    assert pyast.find_all(tree, ast.mod) == [tree]
    assert tree.find_all(kind="Return") == pyast.find_all(tree, "Return")


def test_scope_of() -> None:
    source = (
        "@deco\n"
        "def f(a: ann = default, *, b=kwdefault) -> result:\n"
        "    return [x + y for x in first for y in second if cond]\n"
        "class C(base):\n"
        "    attr = value\n"
        "g = lambda p=pdefault: p\n"
    )
    tree = pyast.parse(source)

    def scope(name: str) -> str:
        node = tree.find(lambda n: getattr(n.ast_node, "id", None) == name)
        assert node is not None, name
        found = pyast.scope_of(node)
        assert found is not None
        return found.kind

    assert scope("deco") == scope("ann") == scope("default") == scope("kwdefault") == "Module"
    assert scope("result") == scope("base") == scope("pdefault") == "Module"
    assert scope("first") == "FunctionDef"  # the first iterable: outside the comprehension
    assert scope("second") == scope("cond") == scope("x") == "ListComp"
    assert scope("value") == "ClassDef"
    arg = tree.find(kind="arg")
    assert arg is not None and pyast.scope_of(arg).kind == "FunctionDef"  # type: ignore[union-attr]
    assert pyast.scope_of(arg.parent).kind == "FunctionDef"  # type: ignore[arg-type,union-attr]
    assert pyast.scope_of(tree) is None
    assert pyast.scope_of(tree.find(kind="ClassDef")) is tree  # type: ignore[arg-type]


# ------------------------------------------------------ source, modes --


def test_source_segments() -> None:
    source = "def f():\n    return (1 +\n            2)\nname = 'ü'  # é\n"
    tree = pyast.parse(source)
    binop = tree.find(kind="BinOp")
    assert binop is not None
    assert binop.source_segment() == "1 +\n            2"
    ret = tree.find(kind="Return")
    assert ret is not None
    assert ret.source_segment(padded=True) == "    return (1 +\n            2)"
    assert tree.find(kind="Constant", field="value", line=4).source_segment() == "'ü'"  # type: ignore[union-attr]
    assert tree.source == source
    crlf = pyast.parse("a = 1\r\nb = (2,\r\n  3)\r\n")
    assert crlf.find(kind="Tuple").source_segment() == "(2,\r\n  3)"  # type: ignore[union-attr]
    assert pyast.parse("x", keep_source=False).first_child.source_segment() is None  # type: ignore[union-attr]
    assert pyast.from_ast(ast.parse("x")).find(kind="Expr").source_segment() is None  # type: ignore[union-attr]
    given = pyast.from_ast(ast.parse("x + y"), source="x + y", filename="given.py")
    assert given.find(kind="BinOp").source_segment() == "x + y"  # type: ignore[union-attr]
    assert given.filename == "given.py"


def test_modes_and_options() -> None:
    assert pyast.parse("1 + 2", mode="eval").kind == "Expression"
    assert pyast.parse("x = 1", mode="single").kind == "Interactive"
    func_type = pyast.parse("(int, str) -> bool", mode="func_type")
    assert func_type.kind == "FunctionType"
    commented = pyast.parse("x = []  # type: list[int]\n", type_comments=True)
    assert commented.first_child.ast_node.type_comment == "list[int]"  # type: ignore[union-attr]
    with pytest.raises(SyntaxError):
        pyast.parse("match = 1\nmatch x:\n    case 1: pass\n", feature_version=(3, 8))
    for tree in (func_type, commented):
        check_tree(tree)


def test_parse_file_honours_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"))
    tree = pyast.parse_file(path)
    assert tree.find(kind="Constant").ast_node.value == "café"  # type: ignore[union-attr]
    assert tree.filename == str(path)
    with pytest.raises(FileNotFoundError):
        pyast.parse_file(tmp_path / "missing.py")


# ----------------------------------------------------------- editing --


def dump(node: ast.AST) -> str:
    return ast.dump(node)


def test_to_ast_returns_the_original_when_nothing_changed() -> None:
    tree = pyast.parse("def f(x):\n    return x\n")
    assert pyast.to_ast(tree) is tree.ast_node
    ret = tree.find(kind="Return")
    assert ret is not None and pyast.to_ast(ret) is ret.ast_node


def test_to_ast_reflects_edits_and_leaves_the_original_alone() -> None:
    source = "a = 1\nb = 2\nif t:\n    pass\nelse:\n    c = 3\n"
    tree = pyast.parse(source)
    before = dump(tree.ast_node)
    _, second, if_ = tree.children
    tree.insert(0, second)  # swap the two assignments
    pass_ = if_.children_in("body")[0]
    for node in if_.children_in("orelse"):
        node.field = "body"
    pass_.detach()
    extra = pyast.parse("print('done')").first_child
    assert extra is not None
    tree.append(extra)
    rebuilt = pyast.to_ast(tree)
    assert dump(rebuilt) == dump(ast.parse("b = 2\na = 1\nif t:\n    c = 3\nprint('done')"))
    assert dump(tree.ast_node) == before  # the original tree is untouched
    assert rebuilt.body[0] is second.ast_node  # type: ignore[attr-defined]  # unchanged: shared
    assert pyast.unparse(tree) == "b = 2\na = 1\nif t:\n    c = 3\nprint('done')"
    compile(ast.fix_missing_locations(rebuilt), "<edited>", "exec")  # type: ignore[arg-type]


def test_to_ast_keeps_none_placeholders() -> None:
    tree = pyast.parse("d = {**a, b: c, e: f}")
    dict_ = tree.find(kind="Dict")
    assert dict_ is not None
    keys, values = dict_.children_in("keys"), dict_.children_in("values")
    dict_.remove(keys[0])  # drop `b: c`
    dict_.remove(values[1])
    assert pyast.unparse(dict_) == "{**a, e: f}"
    dict_.remove(values[0])  # drop `**a`: its None key stays, so the code is now malformed
    assert pyast.to_ast(dict_).keys == [None, keys[1].ast_node]  # type: ignore[attr-defined]
    arguments = pyast.parse("def f(*, p, q=1): pass").find(kind="arguments")
    assert arguments is not None
    arguments.insert(0, arguments.children_in("kwonlyargs")[1])  # q before p ...
    assert pyast.unparse(arguments) == "*, q, p=1"  # ... kw_defaults is a field of its own


def test_to_ast_rejects_impossible_layouts() -> None:
    tree = pyast.parse("if a:\n    b\n")
    if_ = tree.first_child
    assert if_ is not None
    stray = pyast.parse("c").first_child
    assert stray is not None
    if_.append(stray)
    stray.field = "nonsense"
    with pytest.raises(ValueError, match=r"has field 'nonsense'.*ast\.If has the fields"):
        pyast.to_ast(tree)
    stray.field = "test"
    with pytest.raises(ValueError, match="holds one node, but 2 children"):
        pyast.to_ast(tree)
    stray.field = None
    with pytest.raises(ValueError, match="has field None"):
        pyast.to_ast(tree)
    stray.detach()
    test = if_.children_in("test")[0]
    test.detach()
    assert pyast.to_ast(if_).test is None  # type: ignore[attr-defined]  # removed
    with pytest.raises(TypeError, match="needs a PyNode"):
        pyast.to_ast(ast.parse("x"))  # type: ignore[arg-type]


def test_copy_and_pickle() -> None:
    tree = pyast.parse("def f(x):\n    return x * 2\n", "m.py")
    twin = tree.copy()
    check_tree(twin)
    assert dump(pyast.to_ast(twin)) == dump(tree.ast_node)
    assert twin.find(kind="BinOp").source_segment() == "x * 2"  # type: ignore[union-attr]
    back = pickle.loads(pickle.dumps(tree))
    check_tree(back)
    assert back.filename == "m.py"
    assert pyast.unparse(back) == pyast.unparse(tree)


# ------------------------------------------------------------ memory --


def test_dropping_the_tree_frees_it_with_gc_off(gc_off: None) -> None:
    tree = pyast.parse(NESTED * 5)
    other = pyast.parse("a = b")  # shares Load() with the first tree
    probes = [weakref.ref(n) for n in tree.walk()]
    ast_probes = [weakref.ref(n.ast_node) for n in tree.walk() if n.ast_node._fields]
    del tree
    assert all(p() is None for p in probes)
    assert all(p() is None for p in ast_probes)
    check_tree(other)


def test_a_kept_subtree_survives_and_knows_its_parent_was_collected(gc_off: None) -> None:
    tree = pyast.parse("class A:\n    def f(self):\n        return 42\n")
    ret = tree.find(kind="Return")
    assert ret is not None
    del tree
    assert ret.parent is None and ret.parent_collected
    assert ret.collected_parent_label == "FunctionDef 'f' (line 2)"
    assert ret.source_segment() == "return 42"  # the source is held by each node
    assert pyast.enclosing(ret, "FunctionDef") is None


def test_the_collector_finds_nothing_of_ours(gc_off: None) -> None:
    tree = pyast.parse(NESTED)
    pyast.unparse(tree)
    tree.first_child.detach()  # type: ignore[union-attr]
    del tree
    gc.enable()
    assert gc.collect() == 0


# --------------------------------------------------------- bad input --


def test_syntax_errors_pass_through() -> None:
    with pytest.raises(SyntaxError) as info:
        pyast.parse("x = 1\ndef f(:\n", "broken.py")
    assert info.value.filename == "broken.py"
    assert info.value.lineno == 2


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        (b"x = 1", "decode it first"),
        (None, "pass the code as a string"),
        (ast.parse("x"), "from_ast"),
    ],
)
def test_non_str_source_is_a_type_error(source: object, hint: str) -> None:
    with pytest.raises(TypeError, match=hint):
        pyast.parse(source)  # type: ignore[arg-type]


def test_other_bad_arguments() -> None:
    with pytest.raises(TypeError, match="filename must be a str"):
        pyast.parse("x", 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"needs an ast\.AST"):
        pyast.from_ast("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"PyNode wraps an ast\.AST"):
        PyNode("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        pyast.parse("x", mode="bogus")


def test_cyclic_ast_objects_are_refused() -> None:
    loop = ast.BinOp(left=ast.Constant(1), op=ast.Add(), right=ast.Constant(2))
    loop.right = ast.UnaryOp(op=ast.USub(), operand=loop)
    with pytest.raises(ValueError, match="form a cycle"):
        pyast.from_ast(loop)
    shared = ast.Name(id="x", ctx=ast.Load())  # shared, but no cycle: a DAG is expanded
    dag = ast.BinOp(left=shared, op=ast.Add(), right=shared)
    assert len(list(pyast.from_ast(dag).walk())) == sum(1 for _ in ast.walk(dag)) == 6


# -------------------------------------------------------- deep trees --


def test_source_nested_beyond_the_parser_is_a_clear_error() -> None:
    assert issubclass(TooDeepError, FormatError) and issubclass(TooDeepError, ValueError)
    with pytest.raises(TooDeepError, match="nested too deeply for Python's parser"):
        pyast.parse("1+" * 100_000 + "1", "deep.py")
    with pytest.raises(TooDeepError, match=r"deep\.py"):
        pyast.parse("-" * 100_000 + "1", "deep.py")  # the parser's own stack: MemoryError


def test_deep_but_valid_source() -> None:
    tree = pyast.parse("x = " + "1+" * 1500 + "1")
    assert check_tree(tree) == sum(1 for _ in ast.walk(tree.ast_node))
    deepest = tree.find_all(kind="Constant")[0]
    assert deepest.depth > 1500
    assert pyast.enclosing(deepest, "Assign") is tree.first_child
    assert pyast.to_ast(tree) is tree.ast_node
    with pytest.raises(TooDeepError, match=r"levels deep, more than ast\.unparse"):
        pyast.unparse(tree)


def test_a_tree_deeper_than_ast_can_recurse(gc_off: None) -> None:
    depth = 20_000
    expr: ast.expr = ast.Name(id="x", ctx=ast.Load())
    for _ in range(depth):
        expr = ast.UnaryOp(op=ast.Not(), operand=expr)
    tree = pyast.from_ast(ast.Expression(body=expr))
    assert sum(1 for _ in tree.walk()) == sum(1 for _ in ast.walk(tree.ast_node)) == 2 * depth + 3
    name = tree.find(kind="Name")
    assert name is not None and name.depth == depth + 1
    assert pyast.scope_of(name) is tree
    assert pyast.enclosing(name, "Expression") is tree
    assert pyast.to_ast(tree) is tree.ast_node
    name.parent.append(pyast.from_ast(ast.Constant(1)))  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="has field None"):
        pyast.to_ast(tree)
    name.parent.last_child.field = "operand"  # type: ignore[union-attr]
    name.detach()
    rebuilt = pyast.to_ast(tree)  # rebuilds the whole spine, iteratively
    assert rebuilt is not tree.ast_node
    with pytest.raises(TooDeepError):
        pyast.unparse(tree)
    probe = weakref.ref(name.ast_node)
    del tree, rebuilt, expr, name
    assert probe() is None


# ---------------------------------------------------------- examples --


def test_example_ast_parents_runs() -> None:
    script = ROOT / "examples" / "ast_parents.py"
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "freed" in result.stdout


# --------------------------------------------------------------- CLI --


def test_boughs_show_reads_python_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from boughs.cli import main

    path = tmp_path / "mod.py"
    path.write_text("def f(x):\n    return x\n", encoding="utf-8")
    assert main(["show", str(path), "--ascii"]) == 0
    out = capsys.readouterr().out
    assert "body[0]: FunctionDef 'f' (line 1)" in out
    assert "value: Name 'x' Load" in out

    path.write_text("x = 1\ndef f(:\n", encoding="utf-8")
    assert main(["show", str(path)]) == 2
    assert "mod.py: invalid Python at line 2, column 7" in capsys.readouterr().err

    path.write_text("x = " + "-" * 100_000 + "1", encoding="utf-8")
    assert main(["show", str(path)]) == 2
    assert "nested too deeply" in capsys.readouterr().err

    path.write_bytes(b"x = '\xff'\n")
    assert main(["show", str(path)]) == 2
    assert "invalid or missing encoding declaration" in capsys.readouterr().err

    path.write_bytes(b"x = 1\x00\n")  # a ValueError before Python 3.12, then a SyntaxError
    assert main(["show", str(path)]) == 2
    assert "null bytes" in capsys.readouterr().err
