"""boughs: trees and scene graphs whose children are owned and whose parents are borrowed."""

from boughs.errors import LoopError, NotAChildError, ResolveError, TreeError

__all__ = ["LoopError", "NotAChildError", "ResolveError", "TreeError"]
