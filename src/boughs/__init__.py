"""boughs: trees and scene graphs whose children are owned and whose parents are borrowed.

A parent owns its children through a strong list; a child refers to its parent
only through a weak reference. Trees built with boughs hold no reference
cycles, so dropping a root frees the whole tree at once.
"""

from boughs.copying import same_shape
from boughs.diagnostics import CycleReport, OrphanReport, find_cycles, find_orphans
from boughs.errors import (
    FormatError,
    LimitError,
    LoopError,
    NotAChildError,
    ResolveError,
    TreeError,
)
from boughs.events import Mutation, Subscription
from boughs.groups import (
    add_to_group,
    group_members,
    is_in_group,
    node_groups,
    remove_from_group,
)
from boughs.index import WeakIndex
from boughs.limits import Limits
from boughs.node import BaseNode, ChildrenView, Node
from boughs.quaternion import Quaternion
from boughs.render import render, render_forest, render_text
from boughs.scene import SceneNode
from boughs.sidetable import NodeData
from boughs.transform import Transform
from boughs.traversal import common_ancestor
from boughs.weak import WeakRef

__all__ = [
    "BaseNode",
    "ChildrenView",
    "CycleReport",
    "FormatError",
    "LimitError",
    "Limits",
    "LoopError",
    "Mutation",
    "Node",
    "NodeData",
    "NotAChildError",
    "OrphanReport",
    "Quaternion",
    "ResolveError",
    "SceneNode",
    "Subscription",
    "Transform",
    "TreeError",
    "WeakIndex",
    "WeakRef",
    "add_to_group",
    "common_ancestor",
    "find_cycles",
    "find_orphans",
    "group_members",
    "is_in_group",
    "node_groups",
    "remove_from_group",
    "render",
    "render_forest",
    "render_text",
    "same_shape",
]

__version__ = "0.1.0"
