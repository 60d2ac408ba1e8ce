"""Tests for `boughs.errors`: the hierarchy, and messages that name the nodes and the fix."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest

import boughs
from boughs import BaseNode, LoopError, Node, NotAChildError, ResolveError, TreeError, errors


class Tagged(Node):
    """A node with a distinctive repr, to find in messages."""

    def __repr__(self) -> str:
        return f"<Tagged {self.name}>"


def tree() -> tuple[Tagged, Tagged, Tagged, Tagged]:
    root = Tagged("root")
    a = Tagged("a", parent=root)
    b = Tagged("b", parent=a)
    c = Tagged("c", parent=root)
    return root, a, b, c


# ------------------------------------------------------------ hierarchy --


def test_hierarchy() -> None:
    assert issubclass(TreeError, Exception)
    assert not issubclass(TreeError, (ValueError, LookupError, TypeError))
    assert issubclass(LoopError, TreeError)
    assert issubclass(LoopError, ValueError)
    assert issubclass(NotAChildError, TreeError)
    assert issubclass(NotAChildError, ValueError)
    assert issubclass(ResolveError, TreeError)
    assert issubclass(ResolveError, LookupError)
    assert not issubclass(ResolveError, (KeyError, ValueError))
    assert not issubclass(LoopError, NotAChildError)
    assert not issubclass(NotAChildError, LoopError)


def test_errors_are_re_exported_at_top_level() -> None:
    for name in errors.__all__:
        assert getattr(boughs, name) is getattr(errors, name)
        assert name in boughs.__all__
    assert errors.__all__ == sorted(errors.__all__)


@pytest.mark.parametrize("cls", [TreeError, LoopError, NotAChildError, ResolveError])
def test_errors_pickle(cls: type[Exception]) -> None:
    error = cls("message")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert str(back) == "message"


def test_builtin_handlers_catch_them() -> None:
    root, _a, b, _ = tree()
    with pytest.raises(ValueError):
        b.append(root)
    with pytest.raises(ValueError):
        root.remove(b)
    with pytest.raises(LookupError):
        root.resolve("zzz")
    with pytest.raises(TreeError):
        root.insert_after(Node("x"))


# ------------------------------------------------------------- messages --


def _message(call: Callable[[], Any], kind: type[Exception]) -> str:
    with pytest.raises(kind) as info:
        call()
    return str(info.value)


def snapshot(root: BaseNode) -> list[tuple[int, int, tuple[int, ...]]]:
    return [(id(n), id(n.parent), tuple(map(id, n.children))) for n in root.walk()]


def test_loop_error_names_both_nodes_and_the_fix() -> None:
    root, a, b, _ = tree()
    before = snapshot(root)
    text = _message(lambda: b.append(a), LoopError)
    assert "<Tagged a>" in text
    assert "<Tagged b>" in text
    assert "detach" in text
    text = _message(lambda: a.append(a), LoopError)
    assert "<Tagged a>" in text
    assert "itself" in text
    text = _message(lambda: b.replace_with(root), LoopError)
    assert "<Tagged root>" in text
    text = _message(lambda: Tagged("n", parent=b, children=[a]), LoopError)
    assert "<Tagged a>" in text and "<Tagged b>" in text
    assert snapshot(root) == before


def test_not_a_child_error_names_both_nodes_and_the_fix() -> None:
    root, _, b, _ = tree()
    before = snapshot(root)
    text = _message(lambda: root.remove(b), NotAChildError)
    assert "<Tagged b>" in text
    assert "<Tagged root>" in text
    assert "detach()" in text
    text = _message(lambda: root.remove(42), TypeError)  # type: ignore[type-var]
    assert "42" in text
    assert snapshot(root) == before


def test_tree_errors_for_parentless_nodes_say_what_to_do() -> None:
    root, *_ = tree()
    before = snapshot(root)
    text = _message(lambda: root.replace_with(Node("x")), TreeError)
    assert "<Tagged root>" in text
    assert "no parent" in text
    assert "append" in text
    for method in (root.insert_before, root.insert_after):
        text = _message(lambda m=method: m(Node("x")), TreeError)  # type: ignore[misc]
        assert "<Tagged root>" in text
        assert "no parent" in text
    assert snapshot(root) == before


def test_resolve_error_names_the_path_the_segment_and_the_node() -> None:
    root, a, *_ = tree()
    text = _message(lambda: root.resolve("a/nope"), ResolveError)
    assert "'a/nope'" in text
    assert "'nope'" in text
    assert "<Tagged a>" in text
    text = _message(lambda: a.resolve("../.."), ResolveError)
    assert "'..'" in text
    assert "<Tagged root>" in text
    assert "remove a '..'" in text
    text = _message(lambda: a.resolve("/wrong/a"), ResolveError)
    assert "'wrong'" in text
    assert "root's name" in text


def test_duplicate_errors_name_the_node_and_the_fix() -> None:
    root, a, b, c = tree()
    before = snapshot(root)
    for call in (
        lambda: root.extend([c, c]),
        lambda: setattr(root, "children", [c, a, c]),
        lambda: b.insert_after(c, c),
        lambda: Tagged("n", children=[c, c]),
    ):
        text = _message(call, ValueError)
        assert "<Tagged c>" in text
        assert "pass each node once" in text
    assert snapshot(root) == before


def test_type_errors_name_the_value_and_the_fix() -> None:
    root, a, *_ = tree()
    before = snapshot(root)
    text = _message(lambda: root.append("leaf"), TypeError)  # type: ignore[type-var]
    assert "'leaf'" in text
    assert "<Tagged root>" in text
    assert "Node(" in text
    text = _message(lambda: root.extend(a), TypeError)
    assert "<Tagged a>" in text
    assert "wrap it in a list" in text
    text = _message(lambda: a.move_to([root]), TypeError)  # type: ignore[arg-type]
    assert "<Tagged a>" in text
    assert "detach()" in text
    text = _message(lambda: setattr(a, "parent", "root"), TypeError)
    assert "'root'" in text
    assert "None to detach" in text
    text = _message(lambda: root.insert("0", Node("x")), TypeError)  # type: ignore[arg-type]
    assert "'0'" in text
    text = _message(lambda: Node("n", walk=1), TypeError)
    assert "'walk'" in text
    assert "choose another attribute name" in text
    text = _message(lambda: root.walk("sideways"), ValueError)  # type: ignore[arg-type]
    assert "'sideways'" in text
    assert "'pre', 'post', 'level'" in text
    assert snapshot(root) == before


def test_messages_survive_nodes_with_broken_repr() -> None:
    class Broken(Node):
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    p = Node("p")
    # The library may fail to describe the value, but must raise its own error.
    with pytest.raises(TypeError):
        p.append(object())  # type: ignore[type-var]
    with pytest.raises(NotAChildError):
        p.remove(Broken("x"))
    assert p.is_leaf


def test_long_values_are_shortened_in_messages() -> None:
    p = Node("p")
    text = _message(lambda: p.append("x" * 10_000), TypeError)  # type: ignore[type-var]
    assert len(text) < 400
    text = _message(lambda: p.append(list(range(10_000))), TypeError)  # type: ignore[type-var]
    assert len(text) < 400
