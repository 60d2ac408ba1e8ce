"""A tiny solar system as a scene graph: orbits, world positions, and reparenting.

Run it with ``python examples/scene_graph.py``; it takes well under a second.

What it shows:

* each body's position is *local* (relative to its parent), and its world
  position is ``parent_world @ local``, computed when read and cached;
* an orbit is a pivot node that turns: turning the earth's pivot carries the
  earth and its moon around the sun, without touching their own transforms;
* ``boughs.scene.stats`` counts how many world transforms a change costs;
* ``move_to(new_parent)`` keeps the local transform, so the moon jumps to the
  same offset from its new parent; ``move_to(new_parent, keep_world=True)``
  recomputes the local transform so the moon stays exactly where it was
  (three.js ``attach``, Godot ``reparent``);
* hiding a node hides its subtree (``visible_in_tree``), and the printer shows
  every node's name, world position and hidden state.
"""

from __future__ import annotations

import math

from boughs import Quaternion, SceneNode, render_text
from boughs.scene import stats, visible_nodes


def orbit(pivot: SceneNode, degrees: float) -> None:
    """Turn ``pivot`` by ``degrees`` about the z axis (counter-clockwise)."""
    turn = Quaternion.from_axis_angle((0.0, 0.0, 1.0), math.radians(degrees))
    pivot.rotation = turn * pivot.rotation


def triple(xyz: tuple[float, float, float]) -> str:
    """Coordinates for display: two decimals, and no "-0.00" from rounding noise."""
    return "(" + ", ".join(f"{round(c, 2) + 0.0:6.2f}" for c in xyz) + ")"


def position(node: SceneNode) -> str:
    return triple(node.world_position)


def build() -> dict[str, SceneNode]:
    sun = SceneNode("sun", scale=2.0)
    earth_orbit = SceneNode("earth orbit", parent=sun)
    earth = SceneNode("earth", position=(5.0, 0.0, 0.0), scale=0.5, parent=earth_orbit)
    moon_orbit = SceneNode("moon orbit", parent=earth)
    moon = SceneNode("moon", position=(3.0, 0.0, 0.0), parent=moon_orbit)
    mars_orbit = SceneNode("mars orbit", parent=sun)
    mars = SceneNode("mars", position=(8.0, 0.0, 0.0), scale=0.4, parent=mars_orbit)
    names = ("sun", "earth orbit", "earth", "moon orbit", "moon", "mars orbit", "mars")
    return dict(zip(names, (sun, earth_orbit, earth, moon_orbit, moon, mars_orbit, mars)))


def main() -> None:
    bodies = build()
    sun, moon, mars = bodies["sun"], bodies["moon"], bodies["mars"]
    print(render_text(sun))

    print("\nAnimating: earth orbit +30°, moon orbit +90°, mars orbit +15° per step")
    for step in range(1, 4):
        orbit(bodies["earth orbit"], 30.0)
        orbit(bodies["moon orbit"], 90.0)
        orbit(bodies["mars orbit"], 15.0)
        stats.reset()
        line = "  ".join(f"{name} {position(bodies[name])}" for name in ("earth", "moon", "mars"))
        print(f"step {step}: {line}   ({stats.recomputed} world transforms recomputed)")

    print("\nReparenting the moon to mars")
    before = position(moon)
    moon.move_to(mars)
    print(f"  move_to(mars):                 moon {before} -> {position(moon)} (local kept)")
    moon.move_to(bodies["moon orbit"])
    moon.move_to(mars, keep_world=True)
    print(f"  move_to(mars, keep_world=True): moon stays at {position(moon)}")
    print(f"  its new local position: {triple(moon.position)}")

    print("\nHiding mars hides the moon it now carries")
    mars.visible = False
    print(f"  moon.visible={moon.visible}, moon.visible_in_tree={moon.visible_in_tree}")
    print("  drawn:", ", ".join(str(n.name) for n in visible_nodes(sun)))
    print()
    print(render_text(sun))


if __name__ == "__main__":
    main()
