"""Mutation observers: weak listeners, the lambda pitfall, re-entrancy and hooks.

Run it with ``python examples/observers.py``. A small scene (a level with
rooms and things in them) is watched by:

1. a ``Minimap`` object that subscribes with one of its own methods. The
   subscription holds it weakly (through `weakref.WeakMethod`): when the
   minimap is dropped, its subscription ends by itself;
2. an inline lambda, which is the classic pitfall: nothing but the
   subscription would hold it, so with the default ``weak=True`` it dies at
   once and never fires; ``weak=False`` is the fix (then cancel it yourself);
3. a callback that changes the tree itself (re-entrancy): every monster that
   enters a room drops loot. Its records come after the current round, in
   order, and the cascade ends;
4. subclass hooks: a ``Room`` vetoes a second boss (the tree stays as it
   was, nobody is told) and counts what enters and leaves it.
"""

from __future__ import annotations

import gc

from boughs import BaseNode, Mutation, Node


class Room(Node):
    """A room: at most one boss, and a count of what it holds."""

    def validate_child(self, child: BaseNode) -> None:
        if getattr(child, "boss", False) and any(getattr(c, "boss", False) for c in self.children):
            raise ValueError(f"{self.name} already has a boss; {child!r} must go elsewhere")

    def on_child_added(self, child: BaseNode) -> None:
        self.count = getattr(self, "count", 0) + 1

    def on_child_removed(self, child: BaseNode) -> None:
        self.count -= 1


class Minimap:
    """An observer object: it subscribes with a bound method, held weakly."""

    def __init__(self, level: Node) -> None:
        self.lines: list[str] = []
        self.subscription = level.observe(self.on_change)  # weak=True: a WeakMethod

    def on_change(self, m: Mutation) -> None:
        where = f"{m.old_parent.name} -> " if m.old_parent is not None else ""
        to = m.parent.name if m.parent is not None else "(nowhere)"
        self.lines.append(f"{m.kind:>7}: {m.node.name} {where}{to}")


def main() -> None:
    level = Node("level", children=[Room("hall"), Room("crypt")])
    hall, crypt = level.children

    # 1. A weakly held observer object.
    minimap = Minimap(level)
    hall.append(Node("goblin", monster=True))
    hall.children[0].move_to(crypt)
    print("minimap:", *minimap.lines, sep="\n  ")
    subscription = minimap.subscription
    del minimap  # nobody unsubscribed: the subscription ends on its own
    print("after `del minimap`, subscription active:", subscription.active)

    # 2. The lambda pitfall.
    seen: list[str] = []
    pitfall = level.observe(lambda m: seen.append(m.node.name))  # dies at once
    hall.append(Node("bat", monster=True))
    print("inline lambda, weak=True: active", pitfall.active, "- saw", seen)
    with level.observe(lambda m: seen.append(m.node.name), weak=False):
        hall.append(Node("rat", monster=True))
    print("inline lambda, weak=False:", seen)

    # 3. Re-entrancy: a callback that changes the tree.
    log: list[str] = []

    def drop_loot(m: Mutation) -> None:
        log.append(f"{m.kind} {m.node.name}")
        if m.kind == "added" and m.parent is not None and getattr(m.node, "monster", False):
            m.parent.append(Node(f"loot of {m.node.name}"))

    def witness(m: Mutation) -> None:
        log.append(f"  witness saw {m.node.name}")

    with level.observe(drop_loot, weak=False), level.observe(witness, weak=False):
        crypt.extend([Node("skeleton", monster=True), Node("zombie", monster=True)])
    print("re-entrancy (the loot comes after the round that caused it):", *log, sep="\n  ")

    # 4. Hooks: a veto leaves everything as it was.
    crypt.append(Node("lich", boss=True))
    before = [c.name for c in crypt.children]
    try:
        crypt.append(Node("dragon", boss=True))
    except ValueError as error:
        print("veto:", error)
    assert [c.name for c in crypt.children] == before
    print(f"hall holds {hall.count}, crypt holds {crypt.count}")

    assert not subscription.active and not pitfall.active
    gc.collect()


if __name__ == "__main__":
    main()
