"""A weak cache of nodes: lookups by id, and data about nodes, that let the tree go.

Run it with ``python examples/weak_cache.py``. It builds a small document
(sections, paragraphs, figures with ids) and keeps three things about it:

* ``by_id``, a `boughs.WeakIndex`: id -> node, kept current as the tree
  changes, holding nothing strongly;
* ``layout``, a `boughs.NodeData` side table of computed boxes (per node
  data that must not keep nodes alive);
* ``renders``, a plain `weakref.WeakValueDictionary` cache of nodes by a
  computed key, the standard library's own weak cache.

Then it drops a subtree and the whole tree, and shows every one of them
empty itself, with no garbage collector run and no reference cycle.
"""

from __future__ import annotations

import gc
import weakref

from boughs import Node, NodeData, WeakIndex, find_cycles, render_text


def build_document() -> Node:
    """A document with ids on the nodes a reader would link to."""
    doc = Node("doc", id="doc")
    for s in range(1, 4):
        section = doc.append(Node(f"section {s}", id=f"s{s}"))
        for p in range(1, 4):
            section.append(Node(f"paragraph {s}.{p}", id=f"s{s}p{p}"))
        section.append(Node(f"figure {s}", id=f"fig{s}", caption=f"Figure {s}"))
    return doc


def box_of(node: Node) -> tuple[int, int]:
    """A made-up layout computation: (depth, position) stands in for real geometry."""
    return (node.depth, node.index or 0)


def main() -> None:
    gc.collect()  # start clean: leave nothing of anyone's (imports included) for later
    gc.disable()  # everything below is freed by reference counting alone
    doc = build_document()
    by_id = WeakIndex(doc, key=lambda n: getattr(n, "id", None))
    layout = NodeData(factory=box_of)
    renders: weakref.WeakValueDictionary[str, Node] = weakref.WeakValueDictionary()

    print(render_text(doc, max_children=3))
    print(f"\n{len(by_id)} ids indexed; fig2 is {by_id['fig2']!r}")

    # The index follows the tree: new nodes appear, moved ones stay findable.
    appendix = doc.append(Node("appendix", id="app"))
    by_id["fig1"].move_to(appendix)
    assert by_id["fig1"].parent is appendix and "app" in by_id

    # Side data and a weak cache, computed on demand.
    for node in doc.walk():
        _ = layout[node]  # computed once, stored beside the node
        renders[f"render:{node.name}"] = node
    print(f"layout holds {len(layout)} boxes, the render cache {len(renders)} nodes")

    # Drop a subtree: every structure forgets it, at once.
    section = by_id["s3"]
    probe = weakref.ref(section)
    section.detach()
    del section
    assert probe() is None, "nothing of ours kept the detached section alive"
    print(
        f"after dropping section 3: {len(by_id)} ids, {len(layout)} boxes, "
        f"{len(renders)} cached renders"
    )
    assert "s3p1" not in by_id and "fig3" not in by_id

    # No structure made a reference cycle, so refcounting did all of that.
    for name, obj in [("tree", doc), ("index", by_id), ("layout", layout)]:
        report = find_cycles(obj)
        assert not report, report
        print(f"find_cycles({name}): {report.summary()}")

    # Drop the tree (and our last local references into it): all three are empty.
    del doc, appendix, node, obj
    print(f"after dropping the tree: {len(by_id)} ids, {len(layout)} boxes, {len(renders)} renders")
    assert len(by_id) == len(layout) == len(renders) == 0
    assert by_id.root is None and not by_id.active
    gc.enable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to look at it
    try:
        gc.collect()
        ours = [o for o in gc.garbage if isinstance(o, (Node, WeakIndex, NodeData))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not ours, f"the collector had to free {ours!r}"
    print("gc.collect() found nothing of ours to free: reference counting did it all")


if __name__ == "__main__":
    main()
