"""Exceptions raised by boughs.

Every exception also subclasses the matching builtin, so callers that only
know the standard library (``ValueError``, ``LookupError``) still catch them.
"""

from __future__ import annotations

__all__ = ["LoopError", "NotAChildError", "ResolveError", "TreeError"]


class TreeError(Exception):
    """Base class of every error about the shape of a tree."""


class LoopError(TreeError, ValueError):
    """Raised when a change would make a node its own ancestor."""


class NotAChildError(TreeError, ValueError):
    """Raised when a node that must be a child of some parent is not."""


class ResolveError(TreeError, LookupError):
    """Raised when a path does not lead to a node."""
