"""A small DOM on boughs nodes: HTML and XML in, queries, changes, HTML and XML out.

Node classes, as the W3C DOM has them:

* `Document`: the root of a parsed page, with `Document.get_element_by_id`;
* `Element`: a ``tag`` and its ``attributes`` (a dict of strings);
* `Text`, `Comment`, `DocumentType`, `ProcessingInstruction`: leaves.

Text lives in `Text` children, in document order (not in ``text``/``tail``
fields as in ElementTree, whose tails travel with the element before them);
`DomNode.text_content` joins the text of a subtree. Every DOM node accepts
only DOM nodes as children (a `Document` accepts no `Document`, and leaves
accept none), so a DOM tree stays a DOM tree; all the usual boughs
operations (`walk`, `move_to`, `replace_with` ...) apply, with weak parents:
holding one element never keeps a whole page alive.

Reading: `parse_html` (the HTML standard's tokenizer with browser-like
tree building) and `parse_xml` (expat, refusing entity declarations and
external entities, so billion-laughs and XXE inputs fail fast). Both take
`boughs.limits.Limits`. Writing: `to_html` and `to_xml`. Querying:
`DomNode.select` and `DomNode.select_one` with a CSS subset (see
`boughs._css`), `Document.get_element_by_id` backed by a weak index that
follows moves, detaches, id changes and deaths.

Examples:
    >>> from boughs.dom import parse_html, to_html
    >>> doc = parse_html('<ul id="menu"><li>Home<li class="on">Docs</ul>')
    >>> [li.text_content for li in doc.select("#menu > li")]
    ['Home', 'Docs']
    >>> doc.select_one("li.on").classes
    ('on',)
    >>> to_html(doc)
    '<ul id="menu"><li>Home</li><li class="on">Docs</li></ul>'
"""

from __future__ import annotations

from boughs import _domwrite, _html, _xml
from boughs._domnodes import (
    VOID_ELEMENTS,
    Attributes,
    Comment,
    Document,
    DocumentType,
    DomNode,
    Element,
    ProcessingInstruction,
    Text,
)
from boughs.limits import DEFAULT_LIMITS, Limits
from boughs.node import BaseNode

__all__ = [
    "VOID_ELEMENTS",
    "Attributes",
    "Comment",
    "Document",
    "DocumentType",
    "DomNode",
    "Element",
    "ProcessingInstruction",
    "Text",
    "parse_html",
    "parse_xml",
    "to_html",
    "to_xml",
]


def parse_html(
    text: str | bytes, *, limits: Limits = DEFAULT_LIMITS, keep_whitespace: bool = True
) -> Document:
    """Parse HTML as browsers do for common pages, into a `Document`.

    The tokenizer follows the HTML standard's, in one linear pass however
    malformed the page: entities are decoded as browsers decode them (in
    attribute values, ``&para=1`` stays as written); ``title`` and
    ``textarea`` hold text, ``script``, ``style``, ``xmp``, ``iframe``,
    ``noembed`` and ``noframes`` raw text, ``plaintext`` the rest of the
    page; a tag cut off by the end of the input is dropped, an unclosed
    comment runs to the end; ``\r\n`` and ``\r`` become ``\n``. The tree
    is built with the browsers' main rules: void elements (``br``, ``img``,
    ``input``, ``meta``, ``link`` ...) take no children; ``p``, ``li``,
    ``dt``/``dd``, ``option``, ``tr``, ``td``/``th`` and table sections are
    closed by what implies their end; an end tag closes what it must, and
    one that matches nothing open is ignored; unclosed elements end with the
    input; ``<br/>`` style self-closing works on any element. Unlike a
    browser it does not add missing ``<html>``, ``<head>``, ``<body>`` or
    ``<tbody>`` elements (content before an ``<html>`` or ``<body>`` tag
    moves into that body, as in browsers), nor reorder misnested formatting
    tags: the tree follows the source. docs/dom.md lists the differences.

    Args:
        text: the page; bytes are decoded by their byte-order mark, then a
            ``<meta charset>`` in the first 1024 bytes, else as UTF-8.
        limits: bounds on size, nodes, depth and attributes (`boughs.limits`).
        keep_whitespace: ``False`` drops text nodes that are only whitespace
            (except inside ``pre``, ``textarea``, ``script`` and ``style``).

    Raises:
        LimitError: the page exceeds ``limits`` (the message gives the line
            and column).

    Examples:
        >>> doc = parse_html("<p>One<p>Two<br>three &amp; <b>four</p>")
        >>> print(to_html(doc))
        <p>One</p><p>Two<br>three &amp; <b>four</b></p>

    Complexity: O(len(text)); iterative however deep the nesting.
    """
    return _html.parse(text, limits, keep_whitespace)


def parse_xml(
    text: str | bytes, *, limits: Limits = DEFAULT_LIMITS, keep_whitespace: bool = True
) -> Document:
    """Parse XML safely into a `Document`, with the standard library's expat.

    Safe for untrusted input: entity declarations (the basis of "billion
    laughs" and quadratic-blowup attacks), external entities (XXE) and DTD
    attribute defaults (which expat would copy into every matching element)
    are refused with a `FormatError` as soon as the parser meets them,
    before any expansion; no DTD or other file is ever fetched.

    Entity names: XML itself knows only ``&amp;``, ``&lt;``, ``&gt;``,
    ``&quot;``, ``&apos;`` and character references (``&#160;``). A
    document whose DOCTYPE names an external DTD (``SYSTEM`` or ``PUBLIC``,
    as XHTML pages do, and without ``standalone="yes"``) may also use HTML's
    names (``&nbsp;``, ``&copy;`` ...), in text and in attribute values:
    they are read as HTML defines them, in place of that DTD, which is never
    fetched; a name HTML does not define is refused. Without such a DOCTYPE,
    ``&nbsp;`` is an "undefined entity" error, as in any XML parser.

    Namespaces are not resolved: tags and attributes keep their prefixes
    (``atom:link``) and ``xmlns`` declarations stay attributes. CDATA
    sections become text.

    Args:
        text: the document; ``bytes`` follow their XML declaration's encoding.
        limits: bounds on size, nodes, depth and attributes (`boughs.limits`).
        keep_whitespace: ``False`` drops text nodes that are only whitespace.

    Raises:
        FormatError: malformed XML or a refused construct, with line and column.
        LimitError: the document exceeds ``limits``.

    Examples:
        >>> parse_xml('<!DOCTYPE p SYSTEM "p.dtd"><p title="&copy;">a&nbsp;b</p>').text_content
        'a\xa0b'
        >>> doc = parse_xml('<feed><entry id="1"><title>Hi</title></entry></feed>')
        >>> doc.select_one("entry > title").text_content
        'Hi'
        >>> parse_xml('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        boughs.errors.FormatError: refused XML at line 1, column 25: an entity declaration...

    Complexity: O(len(text)); iterative however deep the nesting.
    """
    return _xml.parse(text, limits, keep_whitespace)


def to_html(node: BaseNode) -> str:
    """Serialise a DOM subtree as HTML.

    Text is escaped (``&``, ``<``, ``>``; also ``"`` in attribute values),
    void elements get no end tag, ``script`` and ``style`` text is written
    raw.

    Raises:
        FormatError: the tree cannot be written as HTML that reads back the
            same: a void element with children, ``</script`` inside a script,
            anything but text inside a ``title``, ``textarea``, ``script`` ...,
            ``-->`` or ``--!>`` inside a comment (or ``>`` or ``->`` at its
            start), a node after a ``plaintext`` element.

    Examples:
        >>> p = Element("p", {"title": 'a "b"'}, children=["x < y", Element("br")])
        >>> to_html(p)
        '<p title="a &quot;b&quot;">x &lt; y<br></p>'

    Complexity: O(size of the output); iterative.
    """
    return _domwrite.write(node, html=True)


def to_xml(node: BaseNode, *, declaration: bool = False) -> str:
    """Serialise a DOM subtree as XML.

    Empty elements are written ``<br/>``; text and attribute values are
    escaped so that an XML parser reads back the same strings.

    Args:
        node: the top of the subtree.
        declaration: start with ``<?xml version="1.0" encoding="utf-8"?>``.

    Raises:
        FormatError: the tree cannot be written as well-formed XML: a name
            that is not an XML name, a character XML cannot hold, ``--`` in a
            comment, ``?>`` in a processing instruction.

    Examples:
        >>> to_xml(Element("a", {"b": "1 < 2"}, children=[Element("c")]))
        '<a b="1 &lt; 2"><c/></a>'

    Complexity: O(size of the output); iterative.
    """
    return _domwrite.write(node, html=False, declaration=declaration)
