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
            >>> from boughs.dom import Element
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
            >>> from boughs.dom import Element
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

        Examples:
            >>> from boughs.dom import Element, parse_html
            >>> doc = parse_html("<div><p>Hi</p></div>")
            >>> doc.select_one("p").document is doc
            True
            >>> Element("p").document is None
            True

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
        """``dict.setdefault``, with a string default (``""`` unless given).

        Raises:
            TypeError: ``key`` or ``default`` is not a string.

        Examples:
            >>> from boughs.dom import Element
            >>> link = Element("a", {"href": "/"})
            >>> link.attributes.setdefault("rel", "nofollow")
            'nofollow'
            >>> link.attributes.setdefault("rel", "noopener")
            'nofollow'

        Complexity: O(1); as `Element.set` for a new ``id``.
        """
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kwargs: str) -> None:
        """``dict.update``, one item at a time, so that a new ``id`` reaches the id index.

        Raises:
            TypeError: a key or value is not a string; the items before it
                are set.

        Examples:
            >>> from boughs.dom import parse_html
            >>> doc = parse_html('<p id="a">Hi</p>')
            >>> p = doc.get_element_by_id("a")
            >>> p.attributes.update({"id": "b", "class": "note"})
            >>> doc.get_element_by_id("b") is p, p.classes
            (True, ('note',))

        Complexity: O(m) for m items; plus, for a new ``id``, as `Element.set`.
        """
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
        >>> from boughs.dom import Element
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

        Examples:
            >>> from boughs.dom import Element
            >>> link = Element("a", {"href": "/"})
            >>> link.attributes["title"] = "Home"
            >>> link.attributes
            {'href': '/', 'title': 'Home'}
            >>> link.attributes = {"href": "/docs"}
            >>> link
            Element('a', href='/docs')

        Complexity: O(1) to read; O(m) to assign m attributes, plus as `set`
        for the ``id``.
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
        """The value of attribute ``name``, or ``default``.

        Examples:
            >>> from boughs.dom import Element
            >>> link = Element("a", {"href": "/docs"})
            >>> link.get("href"), link.get("title"), link.get("title", "")
            ('/docs', None, '')

        Complexity: O(1).
        """
        found = self._attributes
        return default if found is None else found.get(name, default)

    def set(self, name: str, value: str) -> None:
        """Set attribute ``name`` to ``value``.

        Raises:
            TypeError: ``name`` or ``value`` is not a string.

        Examples:
            >>> from boughs.dom import parse_html
            >>> doc = parse_html('<p id="a">Hi</p>')
            >>> p = doc.select_one("p")
            >>> p.set("id", "b")
            >>> doc.get_element_by_id("b") is p
            True

        Complexity: O(1); O(depth) amortised for ``id`` once the document has
        an id index (to update it).
        """
        self.attributes[name] = value

    @property
    def id(self) -> str | None:
        """The ``id`` attribute, or ``None``; assigning sets it, as `set` does.

        Examples:
            >>> from boughs.dom import Element
            >>> p = Element("p", {"id": "intro"})
            >>> p.id
            'intro'
            >>> p.id = "lead"
            >>> p
            Element('p', id='lead')

        Complexity: O(1) to read; as `set` to assign.
        """
        return self.get("id")

    @id.setter
    def id(self, value: str) -> None:
        self.attributes["id"] = value

    @property
    def classes(self) -> tuple[str, ...]:
        """The names in the ``class`` attribute, in order.

        Examples:
            >>> from boughs.dom import Element
            >>> Element("p", {"class": "note  wide"}).classes
            ('note', 'wide')

        Complexity: O(length of the attribute).
        """
        return tuple(self.get("class", "").split())  # type: ignore[union-attr]

    @property
    def child_elements(self) -> tuple[Element, ...]:
        """The children that are elements (no text, no comments).

        Examples:
            >>> from boughs.dom import parse_html
            >>> ul = parse_html("<ul> <li>a</li> <!-- x --> <li>b</li></ul>").select_one("ul")
            >>> len(ul.children), ul.child_elements
            (6, (Element('li'), Element('li')))

        Complexity: O(k) for k children.
        """
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
        """Keep the id index of the new document current (a hook; see `BaseNode.on_attached`).

        Examples:
            >>> from boughs.dom import Element, parse_html
            >>> doc = parse_html('<div id="main"></div>')
            >>> doc.get_element_by_id("note") is None  # builds the index
            True
            >>> note = doc.root_element.append(Element("p", {"id": "note"}))
            >>> doc.get_element_by_id("note") is note
            True

        Complexity: O(1) while no document has an id index; otherwise O(depth),
        plus O(size of the subtree) amortised when this node's document has one.
        """
        if _domids.INDEXES:
            document = self.document
            if document is not None:
                index = _domids.INDEXES.get(document)
                if index is not None:
                    index.add_subtree(self)

    def __copy__(self) -> Self:
        """``copy.copy(element)``: a detached, childless copy with its own attributes dict.

        Examples:
            >>> import copy
            >>> from boughs.dom import Element
            >>> link = Element("a", {"href": "/"}, children=["Home"])
            >>> twin = copy.copy(link)
            >>> twin.set("href", "/docs")
            >>> link.get("href"), twin.get("href"), twin.is_leaf
            ('/', '/docs', True)

        Complexity: O(number of attributes).
        """
        twin = super().__copy__()
        found = self._attributes
        twin._attributes = None if found is None else Attributes(found)
        return twin

    def tree_label(self) -> str:
        """``<div id="main" class="wide">``: the tag and up to three attributes.

        Examples:
            >>> from boughs.dom import Element
            >>> Element("div", {"id": "main", "class": "wide"}).tree_label()
            '<div id="main" class="wide">'
            >>> box = Element("input", {"type": "text", "name": "q", "size": "9", "required": ""})
            >>> box.tree_label()
            '<input type="text" name="q" size="9" …>'

        Complexity: O(1).
        """
        found = self._attributes
        if not found:
            return f"<{self.tag}>"
        parts = [f"{k}={_quoted(v, 24)}" for k, v in itertools.islice(found.items(), 3)]
        more = " …" if len(found) > 3 else ""
        return f"<{self.tag} {' '.join(parts)}{more}>"

    def rich_label(self) -> RichText:
        """`tree_label`, coloured: the tag blue, names yellow, values green.

        Examples:
            >>> from boughs.dom import Element
            >>> label = Element("a", {"href": "/"}).rich_label()
            >>> label.plain
            '<a href="/">'
            >>> [(label.plain[s.start : s.end], s.style) for s in label.spans][1:4]
            [('a', 'bold blue'), (' href=', 'yellow'), ('"/"', 'green')]

        Complexity: O(1).
        """
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
        """The ``data``; assigning sets it.

        Examples:
            >>> from boughs.dom import Text
            >>> text = Text("Hi")
            >>> text.text_content = "Bye"
            >>> text.data
            'Bye'

        Complexity: O(1).
        """
        return self.data

    @text_content.setter
    def text_content(self, value: str) -> None:
        self.data = value

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({_shorten(self.data, 40)!r})"


class Text(_CharacterData):
    """A run of text.

    Examples:
        >>> from boughs.dom import Text
        >>> Text("Hello\\nworld").tree_label()
        '"Hello\\\\nworld"'
    """

    __slots__ = ()

    def tree_label(self) -> str:
        """The text, shortened to 40 characters and quoted.

        Examples:
            >>> from boughs.dom import Text
            >>> Text("The quick brown fox jumps over the lazy dog").tree_label()
            '"The quick brown fox jumps over the lazy…"'

        Complexity: O(1).
        """
        return _quoted(self.data)

    def rich_label(self) -> RichText:
        """`tree_label` in green.

        Examples:
            >>> from boughs.dom import Text
            >>> label = Text("Hi").rich_label()
            >>> label.plain, label.style
            ('"Hi"', 'green')

        Complexity: O(1).
        """
        return RichText(self.tree_label(), style="green")


class Comment(_CharacterData):
    """A comment, ``<!--data-->``; it adds nothing to its ancestors' `text_content`."""

    __slots__ = ()

    def tree_label(self) -> str:
        """``<!--data-->``, the data shortened to 40 characters.

        Examples:
            >>> from boughs.dom import Comment
            >>> Comment(" note ").tree_label()
            '<!-- note -->'

        Complexity: O(1).
        """
        return f"<!--{_shorten(self.data, 40)}-->"

    def rich_label(self) -> RichText:
        """`tree_label`, dimmed.

        Examples:
            >>> from boughs.dom import Comment
            >>> label = Comment(" note ").rich_label()
            >>> label.plain, label.style
            ('<!-- note -->', 'dim italic')

        Complexity: O(1).
        """
        return RichText(self.tree_label(), style="dim italic")


class ProcessingInstruction(_CharacterData):
    """An XML processing instruction, ``<?target data?>``."""

    __slots__ = ("target",)

    def __init__(self, target: str, data: str = "", *, parent: BaseNode | None = None) -> None:
        self.target = target
        super().__init__(data, parent=parent)

    def tree_label(self) -> str:
        """``<?target data?>``, the data shortened to 40 characters.

        Examples:
            >>> from boughs.dom import ProcessingInstruction
            >>> ProcessingInstruction("xml-stylesheet", 'href="a.css"').tree_label()
            '<?xml-stylesheet href="a.css"?>'

        Complexity: O(1).
        """
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
        """``<!DOCTYPE name>``, without the public and system ids.

        Examples:
            >>> from boughs.dom import DocumentType
            >>> DocumentType("html").tree_label()
            '<!DOCTYPE html>'

        Complexity: O(1).
        """
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
        """The first element child (``<html>`` in a full page), or ``None``.

        Examples:
            >>> from boughs.dom import parse_html
            >>> parse_html("<!DOCTYPE html><!-- hi --><html><body></body></html>").root_element
            Element('html')

        Complexity: O(k) for k children of the document.
        """
        for c in _storage.live(self._children):
            if isinstance(c, Element):
                return c
        return None

    @property
    def doctype(self) -> DocumentType | None:
        """The `DocumentType` child, or ``None``.

        Examples:
            >>> from boughs.dom import parse_html
            >>> parse_html("<!DOCTYPE html><p>Hi</p>").doctype.name
            'html'
            >>> parse_html("<p>Hi</p>").doctype is None
            True

        Complexity: O(k) for k children of the document.
        """
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
        """``#document``, as the DOM names it.

        Examples:
            >>> from boughs import render_text
            >>> from boughs.dom import parse_html
            >>> print(render_text(parse_html("<!DOCTYPE html><p>Hi</p>")))
            #document
            ├── <!DOCTYPE html>
            └── <p>
                └── "Hi"

        Complexity: O(1).
        """
        return "#document"
