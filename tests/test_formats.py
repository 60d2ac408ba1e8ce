"""Tests for `boughs.formats`: dicts, JSON, DOT, Mermaid, networkx, and limits on input."""

from __future__ import annotations

import gc
import io
import json
import math
import sys
import weakref
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boughs import BaseNode, FormatError, LimitError, Node, same_shape
from boughs import _jsoncodec as codec
from boughs._build import short
from boughs.formats import (
    from_dict,
    from_json,
    from_networkx,
    load_json_tree,
    to_dict,
    to_dot,
    to_json,
    to_mermaid,
    to_networkx,
)
from boughs.limits import DEFAULT_LIMITS, Limits
from boughs.render import render_text
from tests.strategies import build, chain, check_invariants, parent_tables, trees

UNLIMITED = Limits.unlimited()

# ------------------------------------------------------------- strategies --

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
attribute_names = st.sampled_from(["size", "colour", "tags", "é", "x-y", "data", "weight"])


@st.composite
def attributed_trees(draw: st.DrawFn) -> Node:
    """A random tree whose nodes have random names and JSON-valued attributes."""
    nodes = build(draw(parent_tables(max_size=30)))
    for node in nodes:
        node.name = draw(json_scalars)
        for key, value in draw(st.dictionaries(attribute_names, json_values, max_size=3)).items():
            setattr(node, key, value)
    return nodes[0]


def fields(node: BaseNode) -> tuple[Any, dict[str, Any]]:
    """A node's name and public attributes, for comparing trees."""
    own = {k: v for k, v in vars(node).items() if not k.startswith("_")}
    return getattr(node, "name", None), own


def same_tree(a: BaseNode, b: BaseNode) -> bool:
    return same_shape(a, b, key=fields)


# ---------------------------------------------------------------- to_dict --


def test_to_dict_shape_and_order() -> None:
    root = Node("root", kind="dir", children=[Node("a", size=3), Node("b", children=[Node("c")])])
    assert to_dict(root) == {
        "name": "root",
        "kind": "dir",
        "children": [
            {"name": "a", "size": 3},
            {"name": "b", "children": [{"name": "c"}]},
        ],
    }
    assert list(to_dict(root)) == ["name", "kind", "children"]  # name first, children last
    assert to_dict(root, attrs=False) == {
        "name": "root",
        "children": [{"name": "a"}, {"name": "b", "children": [{"name": "c"}]}],
    }
    assert to_dict(root.children[0], attrs=["size", "missing"]) == {"name": "a", "size": 3}


def test_to_dict_custom_keys_and_clashes() -> None:
    root = Node("r", children=[Node("a", label="x")])
    assert to_dict(root, name_key="id", children_key="kids") == {
        "id": "r",
        "kids": [{"id": "a", "label": "x"}],
    }
    with pytest.raises(FormatError, match=r"Node\('a'.*has an attribute 'label'.*name_key"):
        to_dict(root, name_key="label")
    with pytest.raises(ValueError, match="must differ"):
        to_dict(root, name_key="x", children_key="x")
    with pytest.raises(TypeError, match="collection of names"):
        to_dict(root, attrs="size")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs a node"):
        to_dict({"name": "r"})  # type: ignore[arg-type]


class Named(BaseNode):
    """A slotted node with a name slot and a private slot."""

    __slots__ = ("_secret", "name", "weight")

    def __init__(self, name: Any = None, weight: float = 1.0, **kw: Any) -> None:
        super().__init__(**kw)
        self.name = name
        self.weight = weight
        self._secret = "hidden"


def test_slotted_classes_round_trip() -> None:
    root = Named("r", 2.5, children=[Named("a"), Named("b", 0.5)])
    data = to_dict(root)
    assert data == {
        "name": "r",
        "weight": 2.5,
        "children": [{"name": "a", "weight": 1.0}, {"name": "b", "weight": 0.5}],
    }
    back = from_dict(data, node_class=Named)
    assert isinstance(back, Named)
    assert same_shape(root, back, key=lambda n: (n.name, n.weight))


def test_nameless_nodes() -> None:
    assert to_dict(BaseNode(children=[BaseNode()])) == {"children": [{}]}
    back = from_dict({"children": [{}]}, node_class=BaseNode)
    assert type(back) is BaseNode and len(back.children) == 1


# --------------------------------------------------------------- round trips --


@given(attributed_trees())
def test_dict_round_trip(root: Node) -> None:
    back = from_dict(to_dict(root))
    check_invariants(back)
    assert same_tree(root, back)


@given(attributed_trees(), st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_json_is_what_json_dumps_writes(root: Node, indent: Any, ascii_only: bool) -> None:
    text = to_json(root, indent=indent, ensure_ascii=ascii_only)
    assert text == json.dumps(to_dict(root), indent=indent, ensure_ascii=ascii_only)
    streamed = io.StringIO()  # a file always gets the iterative encoder's chunks
    to_json(root, streamed, indent=indent, ensure_ascii=ascii_only)
    assert streamed.getvalue() == text
    back = from_json(text)
    check_invariants(back)
    assert same_tree(root, back)


@given(trees(), st.sampled_from([("name", "children"), ("id", "kids"), ("children", "name")]))
def test_round_trip_with_custom_keys(root: Node, keys: tuple[str, str]) -> None:
    name_key, children_key = keys
    text = to_json(root, name_key=name_key, children_key=children_key, separators=(",", ":"))
    assert " " not in text
    back = from_json(text, name_key=name_key, children_key=children_key)
    assert same_shape(root, back, key=lambda n: n.name)


def test_special_floats_and_keys() -> None:
    root = Node(1.5, values=[math.inf, -math.inf], table={1: "a", None: "b", 2.5: "c"})
    text = to_json(root)
    assert text == json.dumps(to_dict(root))
    streamed = io.StringIO()
    to_json(root, streamed)
    assert streamed.getvalue() == text
    assert '"values": [Infinity, -Infinity]' in text
    nan = from_json(to_json(Node("n", x=math.nan))).x
    assert math.isnan(nan)


def test_json_to_a_file_and_from_files_and_bytes(tmp_path: Any) -> None:
    root = Node("r", children=[Node(f"n{i}", i=i) for i in range(20_000)])
    buffer = io.StringIO()
    assert to_json(root, buffer) is None
    assert buffer.getvalue() == to_json(root)
    path = tmp_path / "tree.json"
    with path.open("w", encoding="utf-8") as file:
        to_json(root, file)
    with path.open("rb") as binary:
        assert same_tree(from_json(binary), root)
    with path.open(encoding="utf-8") as text:
        assert same_tree(from_json(text), root)
    assert from_json('{"name": "é"}'.encode("utf-16")).name == "é"
    assert from_json(bytearray(b'{"name": "x"}')).name == "x"
    with pytest.raises(FormatError, match=r"not utf-8 text \(byte 10 is invalid\)"):
        from_json(b'{"name": "\xff"}')
    with pytest.raises(TypeError, match="reads a str, bytes or a file"):
        from_json(42)  # type: ignore[call-overload]


def test_values_json_cannot_write() -> None:
    root = Node("r", children=[Node("a", when={1, 2})])
    with pytest.raises(TypeError, match=r"type set is not JSON serializable.*Node\('a'"):
        to_json(root)
    assert '"when": [1, 2]' in to_json(root, default=sorted)  # type: ignore[arg-type]
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="circular reference"):
        to_json(Node("r", loop=loop))
    shared = [1]
    assert to_json(Node("r", a=shared, b=shared)) == '{"name": "r", "a": [1], "b": [1]}'
    with pytest.raises(TypeError, match="keys must be str"):
        to_json(Node("r", table={(1, 2): 3}))
    other = Node("other")
    with pytest.raises(TypeError, match="type Node is not JSON serializable"):
        to_json(Node("r", link=other))  # a node-valued attribute is not a child


def test_deeply_nested_attribute_values() -> None:
    value: Any = 0
    for _ in range(5_000):
        value = [value]
    root = Node("r", deep=value)
    text = to_json(root)
    assert text.startswith('{"name": "r", "deep": [[[[') and text.endswith("]]]]}")
    back = from_json(text, limits=UNLIMITED)
    assert to_json(back) == text


# ----------------------------------------------------------------- depth --

DEPTH = 1_000_000


def test_a_million_deep_chain_round_trips() -> None:
    root, _ = chain(DEPTH)
    for i, node in enumerate(root.walk()):
        node.name = i
    data = to_dict(root)
    back = from_dict(data, limits=UNLIMITED)
    del data
    assert back.height == DEPTH - 1
    assert same_shape(root, back, key=lambda n: n.name)
    del back
    text = to_json(root)
    assert text.count("{") == DEPTH
    again = from_json(text, limits=UNLIMITED)
    del text
    assert same_shape(root, again, key=lambda n: n.name)
    (deepest,) = again.leaves()
    assert deepest.name == DEPTH - 1 and deepest.depth == DEPTH - 1


def test_default_limits_refuse_deep_input_quickly() -> None:
    root, _ = chain(5_000)
    with pytest.raises(LimitError, match="deeper than max_depth=1,000") as info:
        from_dict(to_dict(root))
    assert info.value.path == ".".join(["children[0]"] * 1_001)  # all of it, on the exception
    steps = ".".join(["children[0]"] * 4)
    assert str(info.value).startswith(f"at {steps}.….{steps} (depth 1,001): nodes deeper than")
    assert len(str(info.value)) < 300  # the message names the first and last steps only
    text = "[" * 3_000_000  # far deeper than json.loads recurses, and not even JSON
    with pytest.raises(LimitError, match="line 1, column 2065") as deep:
        from_json(text)
    assert (deep.value.line, deep.value.column) == (1, 2065)


# ------------------------------------------------------------- malformed --


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"name": "a", "children": [}', "Expecting value", 1, 28),
        ('{\n  "name": "a",\n  "children": [\n    {"name": 1},\n  ]\n}', "Expecting value", 5, 3),
        ('{"name": "a"} x', "Extra data", 1, 15),
        ("", "Expecting value", 1, 1),
        ('{"name": "a", "children": [' * 3_000, "Expecting value", 1, 81_001),
        ('{"a" 1}', "Expecting ':' delimiter", 1, 6),
    ],
)
def test_malformed_json_says_where(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(FormatError) as info:
        from_json(text, limits=UNLIMITED)
    error = info.value
    assert str(error) == f"invalid JSON at line {line}, column {column}: {message}"
    assert (error.line, error.column) == (line, column)
    assert isinstance(error, ValueError) and not isinstance(error, LimitError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "at the top level: a node must be a mapping (a JSON object), not list []"),
        (
            {"name": "r", "children": [{"name": "a"}, {"name": "b", "children": [{}, "x"]}]},
            "at children[1].children[1]: a node must be a mapping (a JSON object), not str 'x'",
        ),
        (
            {"name": "r", "children": {"name": "a"}},
            "at the top level: 'children' must be a list of nodes, not dict {'name': 'a'}",
        ),
        (
            {"name": "r", "children": [{"name": "a", 3: "x"}]},
            "at children[0]: attribute names must be strings, not 3",
        ),
        (
            {"children": [{"children": [{"name": "a", "walk": 1}]}]},
            "at children[0].children[0]: cannot make a Node: Node('a', walk=...): 'walk' "
            "would shadow the node API (Node.walk); choose another attribute name",
        ),
    ],
)
def test_malformed_data_says_where(data: Any, message: str) -> None:
    with pytest.raises(FormatError) as info:
        from_dict(data)
    assert str(info.value) == message
    place = message[3 : message.index(":")]
    assert info.value.path == ("" if place == "the top level" else place)


def test_paths_are_paths_and_the_top_is_empty() -> None:
    for data, path in [
        ({"name": "r", "children": 3}, ""),
        ({"name": "r", "children": [{"name": "a"}, 3]}, "children[1]"),
        ({"name": "r", "kids": [{"name": "a", "kids": [3]}]}, "kids[0].kids[0]"),
    ]:
        with pytest.raises(FormatError) as info:
            from_dict(data, children_key="kids" if "kids" in data else "children")
        assert info.value.path == path
    with pytest.raises(LimitError, match="at the top level: more nodes than max_nodes=0") as top:
        from_dict({"name": "r"}, limits=Limits(max_nodes=0))
    assert top.value.path == ""


def _nested(kind: type, depth: int) -> Any:
    top: Any = kind()
    inner = top
    for _ in range(depth):
        deeper = kind()
        if kind is list:
            inner.append(deeper)
        else:
            inner["k"] = deeper
        inner = deeper
    return top


def test_deeply_nested_bad_values_are_described_without_recursion() -> None:
    deep_list, deep_dict = _nested(list, 100_000), _nested(dict, 100_000)
    cases = [
        (deep_list, "at the top level: a node must be a mapping (a JSON object), not list [[[["),
        ({"name": "r", "children": [deep_list]}, "at children[0]: a node must be a mapping"),
        ({"name": "r", "children": deep_dict}, "'children' must be a list of nodes, not dict {'k'"),
        ({"name": "r", "children": [{"name": "a", 3.5: deep_dict}]}, "must be strings, not 3.5"),
        ({"name": "r", "children": 10**5_000}, "not int <int of 16,610 bits>"),
    ]
    for data, message in cases:
        with pytest.raises(FormatError) as info:
            from_dict(data)
        assert message in str(info.value)
        assert len(str(info.value)) < 200
    text = '{"name": "a", "children": [' + "[" * 1_500 + "]" * 1_500 + "]}"
    with pytest.raises(FormatError, match=r"at children\[0\]: .* not list \[\[\[\[\.\.\.\]\]\]\]$"):
        from_json(text)  # default limits: deep enough for repr() to recurse too far
    text = '{"name": "a", "children": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    with pytest.raises(FormatError, match=r"at children\[0\]: a node must be a mapping"):
        from_json(text, limits=UNLIMITED)
    text = '{"name": "a", "children": {' + '"k": {' * 100_000 + "}" * 100_001 + "}"
    with pytest.raises(FormatError, match="'children' must be a list of nodes, not dict"):
        from_json(text, limits=UNLIMITED)


def test_short_descriptions_of_odd_values() -> None:
    from collections import OrderedDict, namedtuple

    class Loud:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    class MyList(list):  # type: ignore[type-arg]
        pass

    pair = namedtuple("pair", "a b")  # any tuple subclass will do
    assert short(Loud()).startswith("<Loud instance at")
    assert short(MyList(_nested(list, 50_000))) == "[[[[...]]]]"
    assert short(OrderedDict(b=1, a=2)) == "{'b': 1, 'a': 2}"  # its own order, not sorted
    assert short(pair(1, 2)) == "(1, 2)"
    assert len(short("x" * 10**6)) <= 40 and "..." in short("x" * 10**6)


def test_private_attribute_names_are_refused_as_they_would_not_round_trip() -> None:
    data = {"name": "r", "children": [{"name": "a", "_secret": 1}]}
    with pytest.raises(
        FormatError, match=r"at children\[0\]: attribute '_secret' starts with '_'"
    ) as info:
        from_dict(data)
    assert info.value.path == "children[0]"
    with pytest.raises(FormatError, match="attribute '_x' starts with '_'"):
        from_json('{"name": "r", "_x": 1}')
    assert to_dict(
        from_dict({"_n": "r", "_c": [{"_n": "a"}]}, name_key="_n", children_key="_c"),
        name_key="_n",
        children_key="_c",
    ) == {"_n": "r", "_c": [{"_n": "a"}]}


def test_json_structure_errors_carry_the_path() -> None:
    with pytest.raises(FormatError, match=r"at children\[0\]: a node must be a mapping"):
        from_json('{"name": "r", "children": [1]}')
    with pytest.raises(FormatError, match="invalid JSON: Exceeds the limit"):
        if sys.version_info < (3, 11):  # pragma: no cover
            pytest.skip("no integer string limit before Python 3.11")
        from_json("1" * 5_000)


class Counted(Node):
    """Nodes that count themselves, to prove nothing half-built survives."""

    alive: weakref.WeakSet[Counted] = weakref.WeakSet()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Counted.alive.add(self)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "r", "children": [{"name": f"n{i}"} for i in range(50)] + [7]},
        {"name": "r", "children": [{"name": "a", "children": [{"name": "b", "depth": 3}]}]},
    ],
)
def test_nothing_half_built_escapes(data: Any) -> None:
    gc.collect()
    gc.disable()
    try:
        with pytest.raises(FormatError):
            from_dict(data, node_class=Counted)
        assert len(Counted.alive) == 0  # freed by reference counting alone
    finally:
        gc.enable()


class Guarded(Node):
    """A class with a veto and a hook: it is built through the public mutation path."""

    added: list[str] = []

    def validate_child(self, child: BaseNode) -> None:
        if getattr(child, "name", None) == "forbidden":
            raise ValueError("no forbidden children")

    def on_child_added(self, child: BaseNode) -> None:
        Guarded.added.append(str(getattr(child, "name", None)))


def test_hooked_classes_run_their_hooks_and_vetoes() -> None:
    Guarded.added.clear()
    root = from_dict(
        {"name": "r", "children": [{"name": "a", "children": [{"name": "b"}]}, {"name": "c"}]},
        node_class=Guarded,
    )
    check_invariants(root)
    assert sorted(Guarded.added) == ["a", "b", "c"]
    with pytest.raises(FormatError, match=r"at children\[0\]: ValueError: no forbidden children"):
        from_dict(
            {"name": "r", "children": [{"name": "a", "children": [{"name": "forbidden"}]}]},
            node_class=Guarded,
        )


# ---------------------------------------------------------------- limits --


def test_limits_validate_and_describe_themselves() -> None:
    assert (
        Limits(
            max_bytes=32 * 1024 * 1024, max_nodes=1_000_000, max_depth=1_000, max_attributes=1_000
        )
        == DEFAULT_LIMITS
    )
    assert Limits().json_nesting() == 2_064 and UNLIMITED.json_nesting() is None
    for bad in (-1, 1.5, "10", True):
        with pytest.raises(ValueError, match="expected a whole number"):
            Limits(max_nodes=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="limits must be a Limits"):
        from_dict({}, limits=None)  # type: ignore[call-overload]


def test_each_limit() -> None:
    tree = {"name": "r", "children": [{"name": "a", "children": [{"name": "b"}]}, {"name": "c"}]}
    from_dict(tree, limits=Limits(max_nodes=4, max_depth=2))
    with pytest.raises(LimitError, match=r"at children\[1\]: more nodes than max_nodes=3;"):
        from_dict(tree, limits=Limits(max_nodes=3))
    with pytest.raises(LimitError, match="at the top level: more nodes than max_nodes=0"):
        from_dict(tree, limits=Limits(max_nodes=0))
    with pytest.raises(LimitError, match=r"children\[0\]\.children\[0\]: nodes deeper than"):
        from_dict(tree, limits=Limits(max_depth=1))
    wide = {"name": "r", **{f"a{i}": i for i in range(10)}}
    from_dict(wide, limits=Limits(max_attributes=10))
    with pytest.raises(LimitError, match="10 attributes, more than max_attributes=9") as info:
        from_dict(wide, limits=Limits(max_attributes=9))
    assert info.value.path == ""
    deep_wide = {"name": "r", "children": [{"name": "a", "x": 1, "y": 2}]}
    with pytest.raises(LimitError, match=r"at children\[0\]: 2 attributes, more than") as info:
        from_dict(deep_wide, limits=Limits(max_attributes=1))
    assert info.value.path == "children[0]"
    with pytest.raises(LimitError, match="2 attributes, more than max_attributes=1"):
        from_json(to_json(from_dict(deep_wide)), limits=Limits(max_attributes=1))
    text = to_json(from_dict(tree))
    from_json(text, limits=Limits(max_bytes=len(text)))
    with pytest.raises(LimitError, match=f"the JSON text is {len(text)} long, over max_bytes=10"):
        from_json(text, limits=Limits(max_bytes=10))
    with pytest.raises(LimitError, match="over max_bytes=10"):
        from_json(io.StringIO(text), limits=Limits(max_bytes=10))


def test_limit_errors_are_format_errors_and_value_errors() -> None:
    assert issubclass(LimitError, FormatError) and issubclass(FormatError, ValueError)
    with pytest.raises(ValueError, match=r"pass limits=Limits\(max_nodes=\.\.\.\)"):
        from_json('{"name": "r", "children": [{"name": "a"}]}', limits=Limits(max_nodes=1))


# ------------------------------------------------------------ DOT, Mermaid --

NASTY = Node(
    'say "hi"',
    children=[
        Node("back\\slash \\N \\l"),
        Node("two\nlines\r\nand\rthree"),
        Node("<b>html</b> & #quot; `code`"),
        Node("bell\x07 esc\x1b del\x7f tab\t"),
    ],
)


def test_dot_escapes_labels() -> None:
    assert to_dot(NASTY, name='my "tree"') == (
        'digraph "my \\"tree\\"" {\n'
        '    n0 [label="say \\"hi\\""];\n'
        '    n1 [label="back\\\\slash \\\\N \\\\l"];\n'
        "    n0 -> n1;\n"
        '    n2 [label="two\\nlines\\nand\\nthree"];\n'
        "    n0 -> n2;\n"
        '    n3 [label="<b>html</b> & #quot; `code`"];\n'
        "    n0 -> n3;\n"
        '    n4 [label="bell\u2407 esc\u241b del\u2421 tab\t"];\n'
        "    n0 -> n4;\n"
        "}\n"
    )


def test_mermaid_escapes_labels() -> None:
    assert to_mermaid(NASTY, direction="LR") == (
        "flowchart LR\n"
        '    n0["say #34;hi#34;"]\n'
        '    n1["back\\slash \\N \\l"]\n'
        "    n0 --> n1\n"
        '    n2["two<br>lines<br>and<br>three"]\n'
        "    n0 --> n2\n"
        '    n3["#60;b#62;html#60;/b#62; #38; #35;quot; #96;code#96;"]\n'
        "    n0 --> n3\n"
        '    n4["bell\u2407 esc\u241b del\u2421 tab\t"]\n'
        "    n0 --> n4\n"
    )
    with pytest.raises(ValueError, match="direction must be one of"):
        to_mermaid(NASTY, direction="up")


def test_dot_and_mermaid_labels_and_depth() -> None:
    root = Node("r", children=[Node("a", size=1)])
    assert 'label="a=1"' in to_dot(root, label=lambda n: f"{n.name}={getattr(n, 'size', 0)}")
    assert '["1"]' in to_mermaid(root, label=lambda n: len(str(n.name)))
    with pytest.raises(TypeError, match="label must be a callable"):
        to_dot(root, label="name")  # type: ignore[arg-type]
    deep, _ = chain(200_000)
    assert to_dot(deep).count("->") == 199_999
    assert to_mermaid(deep).count("-->") == 199_999


# -------------------------------------------------------------- networkx --


def test_networkx_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match=r"pip install boughs\[networkx\]"):
        to_networkx(Node("r"))
    with pytest.raises(ImportError, match=r"from_networkx\(\) needs networkx"):
        from_networkx(object())


def test_networkx_round_trip() -> None:
    nx = pytest.importorskip("networkx")
    root = Node("r", children=[Node("a", size=3, children=[Node("b")]), Node("c")])
    graph = to_networkx(root)
    assert isinstance(graph, nx.DiGraph)
    assert list(graph.edges) == [(0, 1), (0, 3), (1, 2)]
    assert graph.nodes[1] == {"name": "a", "size": 3} and graph.graph["root"] == 0
    back = from_networkx(graph)
    assert same_tree(root, back)
    check_invariants(back)
    named = from_networkx(nx.DiGraph([("r", "x"), ("r", "y"), ("y", "z")]))
    assert render_text(named) == "r\n├── x\n└── y\n    └── z"
    undirected = from_networkx(nx.Graph([("a", "b"), ("b", "c"), ("b", "d")]), "b")
    assert render_text(undirected) == "b\n├── a\n├── c\n└── d"
    sub = from_networkx(nx.DiGraph([("r", "x"), ("x", "y"), ("r", "z")]), "x")
    assert render_text(sub) == "x\n└── y"
    deep = nx.DiGraph()
    nx.add_path(deep, range(50_000))
    assert from_networkx(deep, limits=UNLIMITED).height == 49_999


@pytest.mark.parametrize(
    ("edges", "root", "message"),
    [
        ([(1, 2), (2, 3), (3, 1)], None, "the graph has no root: every node has a parent"),
        (
            [(0, 1), (1, 2), (2, 3), (3, 1)],
            None,
            r"node 0: its child 1 has 2 incoming edges \(from 0, 3",
        ),
        ([(0, 1), (1, 2), (2, 1)], None, "graph node 0: its child 1 has 2 incoming edges"),
        ([(0, 1), (0, 2), (1, 3), (2, 3)], None, "its child 3 has 2 incoming edges"),
        ([(0, 1), (2, 3)], None, r"the graph has 2 roots \(0, 2\), so it is a forest"),
        ([(0, 1), (1, 1)], None, "graph node 0: its child 1 has 2 incoming edges"),
        ([(0, 1), (1, 2), (2, 0)], 0, "graph node 2: it leads to 0, which is already in the tree"),
        ([(0, 1)], 7, "root 7 is not a node of the graph"),
        ([(0, 1), (2, 3), (3, 4), (4, 2)], None, "nodes 2, 3, 4 cannot be reached from the root 0"),
    ],
)
def test_networkx_refuses_what_is_not_a_tree(edges: Any, root: Any, message: str) -> None:
    nx = pytest.importorskip("networkx")
    with pytest.raises(FormatError, match=message):
        from_networkx(nx.DiGraph(edges), root)


def test_networkx_undirected_and_multigraphs() -> None:
    nx = pytest.importorskip("networkx")
    with pytest.raises(FormatError, match="an undirected graph has no root of its own"):
        from_networkx(nx.Graph([(0, 1)]))
    with pytest.raises(FormatError, match="it leads to 2, which is already in the tree"):
        from_networkx(nx.Graph([(0, 1), (1, 2), (2, 0)]), 0)
    with pytest.raises(FormatError, match="parallel edges to 1"):
        from_networkx(nx.MultiGraph([(0, 1), (0, 1)]), 0)
    with pytest.raises(FormatError, match="its child 1 has 2 incoming edges"):
        from_networkx(nx.MultiDiGraph([(0, 1), (0, 1)]))
    with pytest.raises(FormatError, match="the graph is empty"):
        from_networkx(nx.DiGraph())
    graph = nx.DiGraph([(0, 1)])
    graph.nodes[1]["depth"] = 3
    with pytest.raises(FormatError, match="graph node 1: cannot make a Node"):
        from_networkx(graph)
    with pytest.raises(LimitError, match="more nodes than max_nodes=1"):
        from_networkx(nx.DiGraph([(0, 1)]), limits=Limits(max_nodes=1))
    with pytest.raises(TypeError, match="needs a networkx graph"):
        from_networkx([(0, 1)])


# ------------------------------------------------- any JSON, deep parser --


def test_load_json_tree_views_any_json() -> None:
    text = '{"a": [1, {"name": "n", "children": [true], "k": 2}], "b": null}'
    assert render_text(load_json_tree(text, "doc")) == (
        "doc\n├── a\n│   ├── [0]: 1\n│   └── n  k=2\n│       └── [0]: true\n└── b: null"
    )
    with pytest.raises(FormatError, match="line 1, column 2"):
        load_json_tree("[}", "t")
    with pytest.raises(LimitError, match="max_nodes=2"):
        load_json_tree("[1, 2, 3]", "t", limits=Limits(max_nodes=2))
    with pytest.raises(LimitError, match="max_depth=2"):
        load_json_tree("[[[1]]]", "t", limits=Limits(max_depth=2))
    deep = load_json_tree("[" * 100_000 + "]" * 100_000, "t", limits=UNLIMITED)
    assert deep.height == 99_999


@given(json_values, st.booleans())
def test_the_deep_parser_agrees_with_json_loads(value: object, indent: bool) -> None:
    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
    assert codec.loads_deep(text) == json.loads(text)


@given(st.text(alphabet='[]{}",:0123456789.eE-+ \ntruefalsnl\\u', max_size=30))
def test_the_deep_parser_rejects_what_json_loads_rejects(text: str) -> None:
    try:
        expected = json.loads(text)
    except json.JSONDecodeError as e:
        with pytest.raises(json.JSONDecodeError) as mine:
            codec.loads_deep(text)
        assert mine.value.pos >= 0 and e.pos >= 0
    except ValueError:
        pass
    else:
        assert codec.loads_deep(text) == expected


def test_the_deep_parser_is_iterative_and_limited() -> None:
    depth = 200_000
    data = codec.loads_deep('{"a": ' * depth + "1" + "}" * depth)
    for _ in range(depth):
        assert isinstance(data, dict)
        data = data["a"]
    assert data == 1
    with pytest.raises(
        LimitError, match="line 2, column 3: JSON containers nested more than 2 deep"
    ):
        codec.loads_deep("[\n [[]]]", max_nesting=2)
    assert codec.loads_deep("[[[]]]", max_nesting=3) == [[[]]]
