"""The DOM node classes; `boughs.dom` is their public home (the id index is `_domids`).

Private module: import these names from `boughs.dom`.
"""

from __future__ import annotations

import itertools
import json
import re
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

from rich.text import Text as RichText

from boughs import _domids, _storage, traversal
from boughs.node import BaseNode

if TYPE_CHECKING:
    import sys

    if sys.version_info >= (3, 11):
        from typing import Self
    else:  # pragma: no cover
        from typing_extensions import Self

__all__ = [
    "Attributes",
    "Comment",
    "Document",
    "DocumentType",
    "DomNode",
    "Element",
    "ProcessingInstruction",
    "Text",
    "VOID_ELEMENTS",
]


VOID_ELEMENTS: Final = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "basefont",
        "bgsound",
        "frame",
        "keygen",
        "param",
    ]
)
"""HTML elements that never have content or an end tag."""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_PLAIN: Final = re.compile(r'[^"\\\x00-\x1f\x7f]*')


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` shortened and quoted, with line breaks and quotes escaped."""
    text = _shorten(text, limit)
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


class DomNode(BaseNode):
    """What all DOM nodes share: the child rule, `text_content` and queries.

    Only DOM nodes may become children of a DOM node, and never a `Document`;
    leaf classes (`Text`, `Comment` ...) accept no children at all.
    """

    __slots__ = ()

    _leaf: ClassVar[bool] = False

    def validate_child(self, child: BaseNode) -> None:
        """Refuse anything but DOM nodes (and a `Document` anywhere below).

        Raises:
            TypeError: ``child`` is not a DOM node, is a `Document`, or this
                node is a leaf.

        Examples:
            >>> from boughs import Node
            >>> Element("p").append(Node("x"))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            TypeError: Element('p') accepts only DOM nodes (Element, Text, ...), not Node('x')...

        Complexity: O(1).
        """
        if self._leaf:
            raise TypeError(f"{self!r} is a {type(self).__name__} and cannot have children")
        if not isinstance(child, DomNode):
            raise TypeError(
                f"{self!r} accepts only DOM nodes (Element, Text, Comment ...), not {child!r}; "
                "wrap text in Text(...)"
            )
        if isinstance(child, Document):
            raise TypeError(f"a Document is always a root; it cannot go under {self!r}")

    @property
    def text_content(self) -> str:
        """The text of this subtree: its `Text` nodes joined in document order.

        Comments and other nodes add nothing. Assigning to an `Element` or a
        `Document` replaces all its children with one `Text` (none for ``""``);
        assigning to a leaf sets its ``data``.

        Examples:
            >>> p = Element("p", children=["Hello, ", Element("b", children=["world"])])
            >>> p.text_content
            'Hello, world'
            >>> p.text_content = "Bye"
            >>> p.children[0]
            Text('Bye')

        Complexity: O(n) for the subtree.
        """
        return "".join([n.data for n in traversal.preorder(self) if isinstance(n, Text)])

    @text_content.setter
    def text_content(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"text_content must be a str, not {type(value).__name__}")
        self.children = [Text(value)] if value else []

    @property
    def document(self) -> Document | None:
        """The `Document` this node is in (itself for a document), or ``None``.

        Complexity: O(depth).
        """
        node: BaseNode | None = self
        while node is not None:
            if isinstance(node, Document):
                return node
            node = node.parent
        return None

    def select(self, selector: str) -> list[Element]:
        """The elements below this node that match a CSS ``selector``, in document order.

        The supported subset: type (``div``), universal (``*``), ``#id``,
        ``.class``, attribute tests (``[href]``, ``[type=text]``, ``~=``,
        ``|=``, ``^=``, ``$=``, ``*=``), the combinators descendant (space),
        child (``>``), next sibling (``+``) and later sibling (``~``), and
        comma-separated groups. As in the DOM's ``querySelectorAll``, only
        descendants are returned, but ancestors of this node may match the
        left-hand parts of the selector.

        Raises:
            FormatError: a malformed or unsupported selector (it says where).

        Examples:
            >>> from boughs.dom import parse_html
            >>> doc = parse_html('<div id=a><p class="x y">1</p><p>2</p></div><p>3</p>')
            >>> [p.text_content for p in doc.select("div > p")]
            ['1', '2']
            >>> [p.text_content for p in doc.select(".y, div + p")]
            ['1', '3']

        Complexity: O(n x the selector's cost per element).
        """
        from boughs._css import compile_selector, select

        return select(self, compile_selector(selector), first=False)

    def select_one(self, selector: str) -> Element | None:
        """The first element that `select` would return, or ``None``.

        Examples:
            >>> from boughs.dom import parse_html
            >>> parse_html("<p>a</p><p>b</p>").select_one("p").text_content
            'a'

        Complexity: O(n) at worst; it stops at the first match.
        """
        from boughs._css import compile_selector, select

        found = select(self, compile_selector(selector), first=True)
        return found[0] if found else None


class Attributes(dict[str, str]):
    """An element's attributes: a dict of strings that tells its element about ``id`` changes.

    It is an ordinary ``dict`` in every other way. Keys and values must be
    strings. It holds its element weakly.
    """

    __slots__ = ("_owner",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(items)
        self._owner: weakref.ref[Element] | None = None
        for key, value in dict.items(self):
            _check_attribute(key, value)

    @classmethod
    def _trusted(cls, items: Any) -> Attributes:
        """Parsers' fast path: ``items`` are known to be string pairs."""
        new = cls.__new__(cls)
        dict.update(new, items)
        new._owner = None
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        return (Attributes, (dict(self),))

    def _changed(self) -> None:
        owner = None if self._owner is None else self._owner()
        if owner is not None:
            _domids.id_changed(owner)

    def __setitem__(self, key: str, value: str) -> None:
        _check_attribute(key, value)
        dict.__setitem__(self, key, value)
        if key == "id":
            self._changed()

    def setdefault(self, key: str, default: str = "") -> str:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kwargs: str) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        self.update(other)
        return self


def _check_attribute(key: object, value: object) -> None:
    if not isinstance(key, str) or not isinstance(value, str):
        raise TypeError(
            f"attribute names and values must be strings, not {key!r}: {value!r}; "
            "convert values with str()"
        )


class Element(DomNode):
    """An element: a ``tag`` and ``attributes``, with DOM nodes as children.

    Args:
        tag: the tag name (``"div"``, ``"svg:rect"`` ...).
        attributes: its attributes, strings to strings.
        parent: a node to append this element to.
        children: DOM nodes; strings become `Text` nodes.

    Examples:
        >>> a = Element("a", {"href": "/docs", "class": "nav"}, children=["Docs"])
        >>> a
        Element('a', href='/docs', class='nav')
        >>> a.get("href"), a.classes, a.text_content
        ('/docs', ('nav',), 'Docs')
    """

    __slots__ = ("_attributes", "tag")

    def __init__(
        self,
        tag: str,
        attributes: Mapping[str, str] | None = None,
        *,
        parent: BaseNode | None = None,
        children: Iterable[BaseNode | str] = (),
    ) -> None:
        if not isinstance(tag, str) or not tag:
            raise TypeError(f"an element's tag must be a non-empty string, not {tag!r}")
        self.tag = tag
        self._attributes: Attributes | None = Attributes(attributes) if attributes else None
        kids = [Text(c) if isinstance(c, str) else c for c in children]
        super().__init__(parent=parent, children=kids)

    @property
    def attributes(self) -> Attributes:
        """The attributes, a mutable `Attributes` dict; assign a mapping to replace them.

        Complexity: O(1).
        """
        found = self._attributes
        if found is None:
            found = self._attributes = Attributes()
        if found._owner is None or found._owner() is not self:
            found._owner = weakref.ref(self)
        return found

    @attributes.setter
    def attributes(self, values: Mapping[str, str]) -> None:
        fresh = Attributes(values)
        fresh._owner = weakref.ref(self)
        self._attributes = fresh
        _domids.id_changed(self)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of attribute ``name``, or ``default``. Complexity: O(1)."""
        found = self._attributes
        return default if found is None else found.get(name, default)

    def set(self, name: str, value: str) -> None:
        """Set attribute ``name`` to ``value``. Complexity: O(1); O(depth) for ``id``."""
        self.attributes[name] = value

    @property
    def id(self) -> str | None:
        """The ``id`` attribute, or ``None``. Complexity: O(1)."""
        return self.get("id")

    @id.setter
    def id(self, value: str) -> None:
        self.attributes["id"] = value

    @property
    def classes(self) -> tuple[str, ...]:
        """The names in the ``class`` attribute. Complexity: O(length of the attribute)."""
        return tuple(self.get("class", "").split())  # type: ignore[union-attr]

    @property
    def child_elements(self) -> tuple[Element, ...]:
        """The children that are elements (no text, no comments). Complexity: O(k)."""
        return tuple([c for c in _storage.live(self._children) if isinstance(c, Element)])

    def matches(self, selector: str) -> bool:
        """``True`` iff this element matches the CSS ``selector`` (see `select`).

        Examples:
            >>> from boughs.dom import parse_html
            >>> parse_html('<p class="x">').select_one("p").matches("body p.x, p.x")
            True

        Complexity: O(depth x the selector's length) at worst.
        """
        from boughs._css import compile_selector, matches

        return matches(self, compile_selector(selector))

    def on_attached(self, parent: BaseNode) -> None:
        """Keep the id index of the new document current (a hook; see `BaseNode.on_attached`)."""
        if _domids.INDEXES:
            document = self.document
            if document is not None:
                index = _domids.INDEXES.get(document)
                if index is not None:
                    index.add_subtree(self)

    def __copy__(self) -> Self:
        twin = super().__copy__()
        found = self._attributes
        twin._attributes = None if found is None else Attributes(found)
        return twin

    def tree_label(self) -> str:
        """``<div id="main" class="wide">``: the tag and up to three attributes.

        Complexity: O(1).
        """
        found = self._attributes
        if not found:
            return f"<{self.tag}>"
        parts = [f"{k}={_quoted(v, 24)}" for k, v in itertools.islice(found.items(), 3)]
        more = " …" if len(found) > 3 else ""
        return f"<{self.tag} {' '.join(parts)}{more}>"

    def rich_label(self) -> RichText:
        """`tree_label`, coloured. Complexity: O(1)."""
        label = RichText.assemble(("<", "blue"), (self.tag, "bold blue"))
        found = self._attributes
        if found:
            for key, value in list(found.items())[:3]:
                label.append(f" {key}=", style="yellow")
                label.append(_quoted(value, 24), style="green")
            if len(found) > 3:
                label.append(" …", style="dim")
        label.append(">", style="blue")
        return label

    def __repr__(self) -> str:
        found = self._attributes
        parts = [repr(_shorten(self.tag, 40))]
        if found:
            parts += [f"{k}={_shorten(v, 20)!r}" for k, v in list(found.items())[:3]]
            if len(found) > 3:
                parts.append("...")
        return f"{type(self).__qualname__}({', '.join(parts)})"


class _CharacterData(DomNode):
    """A leaf holding a string, ``data``."""

    __slots__ = ("data",)

    _leaf: ClassVar[bool] = True

    def __init__(self, data: str = "", *, parent: BaseNode | None = None) -> None:
        if not isinstance(data, str):
            raise TypeError(f"{type(self).__name__} data must be a str, not {data!r}")
        self.data = data
        super().__init__(parent=parent)

    @property
    def text_content(self) -> str:
        """The ``data`` (settable). Complexity: O(1)."""
        return self.data

    @text_content.setter
    def text_content(self, value: str) -> None:
        self.data = value

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({_shorten(self.data, 40)!r})"


class Text(_CharacterData):
    """A run of text.

    Examples:
        >>> Text("Hello\\nworld").tree_label()
        '"Hello\\\\nworld"'
    """

    __slots__ = ()

    def tree_label(self) -> str:
        """The text, shortened and quoted. Complexity: O(1)."""
        return _quoted(self.data)

    def rich_label(self) -> RichText:
        """`tree_label` in green. Complexity: O(1)."""
        return RichText(self.tree_label(), style="green")


class Comment(_CharacterData):
    """A comment, ``<!--data-->``; it adds nothing to its ancestors' `text_content`."""

    __slots__ = ()

    def tree_label(self) -> str:
        """``<!-- data -->``, shortened. Complexity: O(1)."""
        return f"<!--{_shorten(self.data, 40)}-->"

    def rich_label(self) -> RichText:
        """`tree_label`, dimmed. Complexity: O(1)."""
        return RichText(self.tree_label(), style="dim italic")


class ProcessingInstruction(_CharacterData):
    """An XML processing instruction, ``<?target data?>``."""

    __slots__ = ("target",)

    def __init__(self, target: str, data: str = "", *, parent: BaseNode | None = None) -> None:
        self.target = target
        super().__init__(data, parent=parent)

    def tree_label(self) -> str:
        """``<?target data?>``, shortened. Complexity: O(1)."""
        return f"<?{self.target} {_shorten(self.data, 40)}?>"


class DocumentType(DomNode):
    """A document type declaration, ``<!DOCTYPE name PUBLIC "public_id" "system_id">``."""

    __slots__ = ("name", "public_id", "system_id")

    _leaf: ClassVar[bool] = True

    def __init__(
        self,
        name: str,
        public_id: str | None = None,
        system_id: str | None = None,
        *,
        parent: BaseNode | None = None,
    ) -> None:
        self.name = name
        self.public_id = public_id
        self.system_id = system_id
        super().__init__(parent=parent)

    def tree_label(self) -> str:
        """``<!DOCTYPE html>``. Complexity: O(1)."""
        return f"<!DOCTYPE {self.name}>"


class Document(DomNode):
    """The root of a page: its children are the doctype, comments and the top element.

    Examples:
        >>> from boughs.dom import parse_html
        >>> doc = parse_html('<p id="x">Hi</p>')
        >>> doc.get_element_by_id("x").text_content
        'Hi'
        >>> doc.root_element
        Element('p', id='x')
    """

    __slots__ = ()

    def __init__(self, *, children: Iterable[BaseNode | str] = ()) -> None:
        super().__init__(children=[Text(c) if isinstance(c, str) else c for c in children])

    @property
    def root_element(self) -> Element | None:
        """The first element child (``<html>`` in a full page), or ``None``. Complexity: O(k)."""
        for c in _storage.live(self._children):
            if isinstance(c, Element):
                return c
        return None

    @property
    def doctype(self) -> DocumentType | None:
        """The `DocumentType` child, or ``None``. Complexity: O(k)."""
        for c in _storage.live(self._children):
            if isinstance(c, DocumentType):
                return c
        return None

    def get_element_by_id(self, element_id: str) -> Element | None:
        """The element in this document whose ``id`` is ``element_id``, or ``None``.

        With several, the first in document order wins, as in browsers. The
        index behind it is built on the first call (O(n)) and then follows
        every change: elements moved in or out, detached, collected, or given
        another ``id`` (through `Element.attributes`, `Element.set` or
        `Element.id`). It holds elements weakly.

        Examples:
            >>> from boughs.dom import parse_html
            >>> doc = parse_html('<div id="a"><p id="b">x</p></div>')
            >>> p = doc.get_element_by_id("b")
            >>> _ = p.detach()
            >>> doc.get_element_by_id("b") is None
            True

        Complexity: O(depth) amortised after the first call; O(n) for the first.
        """
        if not element_id:
            return None
        index = _domids.INDEXES.get(self)
        if index is None:
            index = _domids.INDEXES[self] = _domids.IdIndex(self)
            index.add_subtree(self)
        return index.find(element_id)

    def tree_label(self) -> str:
        """``#document``, as the DOM names it. Complexity: O(1)."""
        return "#document"
