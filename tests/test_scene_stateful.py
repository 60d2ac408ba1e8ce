"""Model-based test of scene nodes: every mutation, every local change, then the caches checked.

`tests.test_stateful.TreeMachine` runs here on a pool of `SceneNode`s: each
step applies one random call, valid or not (every mutation of the core, and
here also ``move_to(..., keep_world=True)`` and changes of position,
rotation, scale, whole transform and visibility), to the nodes and to a
plain reference model. A call the model says must fail has to raise and
change nothing, links and local values included. After every step the links
must agree with the model, with no cycle, and every node's
``world_transform`` and ``visible_in_tree`` (read in an order that changes
from step to step, so that the cache answers from every state) must equal a
brute-force product of the local transforms up the chain.
"""

from __future__ import annotations

import math
import os
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from boughs import LoopError, SceneNode, Transform
from boughs.quaternion import Quaternion
from tests.test_stateful import POOL, TreeMachine

EXAMPLES = int(os.environ.get("BOUGHS_SCENE_STATEFUL_EXAMPLES", "500"))

node_ids = st.integers(0, POOL - 1)
positions = st.tuples(*[st.sampled_from([-2.0, -0.5, 0.0, 1.0, 3.0])] * 3)
rotations = st.builds(
    Quaternion.from_axis_angle,
    st.sampled_from([(0.0, 0.0, 1.0), (1.0, 0.0, 0.0), (0.0, 1.0, 1.0)]),
    st.sampled_from([0.0, 0.5, math.pi / 2, 2.0]),
)
scales = st.sampled_from([1.0, 2.0, 0.5]) | st.tuples(
    st.sampled_from([1.0, 2.0]), st.sampled_from([0.5, 1.0]), st.just(3.0)
)


def brute_force(node: SceneNode) -> tuple[Transform, bool]:
    """The world transform and visibility from the local values up the scene chain."""
    chain = []
    n: Any = node
    while isinstance(n, SceneNode):
        chain.append(n)
        n = n.parent
    world, visible = Transform.identity(), True
    for n in reversed(chain):
        world = world @ n.transform
        visible = visible and n.visible
    return world, visible


class Ranked(SceneNode):
    """Scene nodes with the ``rank`` that the sorting rule of `TreeMachine` keys on."""

    __slots__ = ("rank",)


class SceneMachine(TreeMachine):
    """`TreeMachine`'s rules and checks, on scene nodes, plus local changes and world checks.

    The pool is made of scene nodes; the inherited "hooked" mode swaps a third
    of them for plain hooked `Node`s, which the scene treats as the identity,
    and the "observed" mode watches every node.
    """

    def __init__(self) -> None:
        super().__init__()
        self.nodes = []
        for i in range(POOL):
            node = Ranked(f"s{i}", position=(float(i), 0.0, 0.0))
            node.rank = (i * 7) % POOL
            self.nodes.append(node)
        self.pos = {id(n): i for i, n in enumerate(self.nodes)}
        self.steps = 0

    def snapshot(self) -> list[Any]:
        """Links, as `TreeMachine` compares them, and the local values of scene nodes."""
        locals_ = [
            (n.transform, n.visible) if isinstance(n, SceneNode) else None for n in self.nodes
        ]
        return list(zip(super().snapshot(), locals_))

    def scene(self, i: int) -> SceneNode | None:
        node = self.nodes[i]
        return node if isinstance(node, SceneNode) else None

    @rule(c=node_ids, p=node_ids, index=st.none() | st.integers(-6, 6))
    def move_keeping_world(self, c: int, p: int, index: int | None) -> None:
        node = self.scene(c)
        if node is None:
            return
        call = lambda: node.move_to(self.nodes[p], index, keep_world=True)  # noqa: E731
        if self.loop_error(p, [c]):
            self.expect(LoopError, call)
            return
        before = node.world_transform
        call()
        self.model.take_out(c)
        self.model.put(p, c, index)
        assert node.world_transform.isclose(before, rel_tol=1e-7, abs_tol=1e-7)

    # -------------------------------------------------------- local values --

    @rule(n=node_ids, position=positions)
    def set_position(self, n: int, position: tuple[float, float, float]) -> None:
        node = self.scene(n)
        if node is not None:
            node.position = position
            assert node.position == position

    @rule(n=node_ids, rotation=rotations, scale=scales, whole=st.booleans())
    def set_rotation_and_scale(self, n: int, rotation: Quaternion, scale: Any, whole: bool) -> None:
        node = self.scene(n)
        if node is None:
            return
        if whole:  # a whole new transform: always possible
            node.transform = Transform(node.position, rotation, scale)
            return
        if not node.transform.is_trs:  # sheared by a keep_world move under non-uniform scale
            self.expect(ValueError, lambda: setattr(node, "rotation", rotation))
            self.expect(ValueError, lambda: setattr(node, "scale", scale))
            return
        node.rotation = rotation
        node.scale = scale

    @rule(n=node_ids, visible=st.booleans())
    def set_visible(self, n: int, visible: bool) -> None:
        node = self.scene(n)
        if node is not None:
            node.visible = visible

    @rule(n=node_ids, bad=st.sampled_from([None, "x", (1, 2), 1]))
    def bad_values(self, n: int, bad: Any) -> None:
        node = self.scene(n)
        if node is not None:
            self.expect(TypeError, lambda: setattr(node, "transform", bad))
            self.expect(TypeError, lambda: setattr(node, "visible", bad))

    @rule(reads=st.lists(node_ids, max_size=4), n=node_ids, position=positions)
    def read_between_changes(self, reads: list[int], n: int, position: Any) -> None:
        """Reads of some nodes, a change, more reads: the caches answer from stale states."""
        for i in reads:
            self.check_node(i)
        self.set_position(n, position)
        for i in reversed(reads):
            self.check_node(i)

    # --------------------------------------------------------- invariants --

    def check_node(self, i: int) -> None:
        node = self.scene(i)
        if node is None:
            return
        world, visible = brute_force(node)
        assert node.world_transform.isclose(world, rel_tol=1e-7, abs_tol=1e-7), (i, world)
        assert node.visible_in_tree is visible

    @invariant()
    def world_values_equal_brute_force(self) -> None:
        self.steps += 1
        start = self.steps % POOL
        order = list(range(start, POOL)) + list(range(start))
        if self.steps % 2:
            order.reverse()  # leaves first on odd steps, so climbs meet stale ancestors
        for i in order:
            self.check_node(i)


SceneMachine.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=25, deadline=None
)
TestScene = SceneMachine.TestCase
