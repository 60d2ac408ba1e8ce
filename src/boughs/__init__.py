"""boughs: trees and scene graphs whose children are owned and whose parents are borrowed.

A parent owns its children through a strong list; a child refers to its parent
only through a weak reference. Trees built with boughs hold no reference
cycles, so dropping a root frees the whole tree at once.
"""

from boughs.copying import same_shape
from boughs.errors import (
    FormatError,
    LimitError,
    LoopError,
    NotAChildError,
    ResolveError,
    TreeError,
)
from boughs.limits import Limits
from boughs.node import BaseNode, ChildrenView, Node
from boughs.quaternion import Quaternion
from boughs.render import render, render_forest, render_text
from boughs.scene import SceneNode
from boughs.transform import Transform
from boughs.traversal import common_ancestor
from boughs.weak import WeakRef

__all__ = [
    "BaseNode",
    "ChildrenView",
    "FormatError",
    "LimitError",
    "Limits",
    "LoopError",
    "Node",
    "NotAChildError",
    "Quaternion",
    "ResolveError",
    "SceneNode",
    "Transform",
    "TreeError",
    "WeakRef",
    "common_ancestor",
    "render",
    "render_forest",
    "render_text",
    "same_shape",
]

__version__ = "0.1.0"
