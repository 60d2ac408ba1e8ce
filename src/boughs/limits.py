"""Size limits for reading untrusted input: `Limits`.

Every reader that builds a tree from outside data (`boughs.formats.from_json`,
`boughs.formats.from_dict`, `boughs.dom.parse_html`, `boughs.dom.parse_xml`)
takes ``limits=``. Exceeding one raises `LimitError` (a `FormatError`, so a
``ValueError``) that names the limit, the position and how to raise it; never
a ``RecursionError`` and never a memory exhaustion that the limits could have
prevented. Nothing half-built is returned.

The defaults suit untrusted input of ordinary size; pass
``Limits(max_depth=...)`` to change one bound, or `Limits.unlimited` for data
you trust (boughs itself is iterative, so a million-level tree is no problem
for it: the depth limit protects *your* recursive code and your memory).

=====================  ===========  =============================================
limit                  default      what it bounds
=====================  ===========  =============================================
``max_bytes``          32 MiB       the input's size (characters for ``str``)
``max_nodes``          1,000,000    nodes in the resulting tree
``max_depth``          1,000        depth of the deepest node (the root is 0)
``max_attributes``     1,000        attributes of one node or element
=====================  ===========  =============================================

JSON nests two containers per tree level (the node object and its children
array), so a JSON reader also refuses containers nested more than
``2 * max_depth + 64`` deep (the margin is for attribute values).

Memory grows with the input, never faster: decoding JSON costs up to about
20 times the input size at worst (many tiny values), parsing markup about
300 bytes per node (so ``max_nodes`` bounds it) plus about 5 times the input
for attribute-dense pages (tag and attribute names are shared). Nothing a
document declares is copied into each use: XML entity declarations and DTD
attribute defaults are refused. So the defaults bound a single read to well
under a gigabyte.

Examples:
    >>> from boughs.limits import Limits
    >>> from boughs.formats import from_json
    >>> from_json('{"name": "a", "children": [{"name": "b"}]}', limits=Limits(max_nodes=1))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    boughs.errors.LimitError: at children[0]: more nodes than max_nodes=1; pass limits=Limits(...
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

from boughs.errors import LimitError

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds on what a reader accepts; ``None`` means no bound.

    Attributes:
        max_bytes: the input's size: bytes for ``bytes`` input, characters
            for ``str`` (checked before parsing starts).
        max_nodes: nodes in the resulting tree (the root included).
        max_depth: depth of the deepest node; the root is at depth 0.
        max_attributes: attributes of any one node or element.

    Examples:
        >>> from boughs.limits import Limits
        >>> Limits().max_depth, Limits(max_depth=None).max_depth
        (1000, None)
        >>> Limits.unlimited()
        Limits(max_bytes=None, max_nodes=None, max_depth=None, max_attributes=None)
    """

    max_bytes: int | None = 32 * 1024 * 1024
    max_nodes: int | None = 1_000_000
    max_depth: int | None = 1_000
    max_attributes: int | None = 1_000

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"Limits({field.name}={value!r}): expected a whole number >= 0, or None "
                    "for no limit"
                )

    @classmethod
    def unlimited(cls) -> Limits:
        """Limits that accept anything: for input you trust.

        Examples:
            >>> from boughs.formats import from_json
            >>> from boughs.limits import Limits
            >>> deep = '{"name": 0, "children": [' * 2000 + "]}" * 2000
            >>> from_json(deep, limits=Limits.unlimited()).height  # the default max_depth is 1000
            1999

        Complexity: O(1).
        """
        return cls(max_bytes=None, max_nodes=None, max_depth=None, max_attributes=None)

    def json_nesting(self) -> int | None:
        """How deep JSON containers may nest: ``2 * max_depth + 64``, or ``None``.

        Examples:
            >>> from boughs.limits import Limits
            >>> Limits().json_nesting(), Limits(max_depth=None).json_nesting()
            (2064, None)

        Complexity: O(1).
        """
        return None if self.max_depth is None else 2 * self.max_depth + 64

    def check_size(self, size: int, what: str = "input") -> None:
        """Raise `LimitError` if ``size`` exceeds ``max_bytes``; ``what`` names the input.

        Readers call it before they parse; call it for input you read yourself.

        Examples:
            >>> from boughs.limits import Limits
            >>> Limits(max_bytes=10).check_size(4)
            >>> Limits(max_bytes=10).check_size(11, "the page")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            boughs.errors.LimitError: the page is 11 long, over max_bytes=10; pass limits=...

        Complexity: O(1).
        """
        if self.max_bytes is not None and size > self.max_bytes:
            raise exceeded("max_bytes", self.max_bytes, f"{what} is {size:,} long, over")


def exceeded(
    name: str,
    value: int,
    what: str,
    *,
    where: str = "",
    line: int | None = None,
    column: int | None = None,
    path: str | None = None,
) -> LimitError:
    """The `LimitError` for limit ``name`` (set to ``value``), with the way out in its message."""
    return LimitError(
        f"{where}{what} {name}={value:,}; pass limits=Limits({name}=...) to allow more, "
        "or Limits.unlimited() for trusted input",
        line=line,
        column=column,
        path=path,
    )


DEFAULT_LIMITS: Final = Limits()
"""The limits readers use unless told otherwise."""
