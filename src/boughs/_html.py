"""HTML to a `Document`: tokens from `boughs._htmltokens`, browser-like tree building, limits.

Private to boughs; `boughs.dom.parse_html` documents the behaviour. The
tree-building rules are a compact subset of the WHATWG "in body" and "in
table" insertion modes: implied end tags, scopes that an end tag cannot
cross, void elements, the content models of ``title``, ``textarea``,
``script``, ``style`` and their kin. The tree is linked in bulk as it is
built (every DOM class has hooks, and a fresh tree has nobody to tell), with
the cyclic garbage collector paused.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, Final

from boughs import _htmltokens, _storage, copying
from boughs._domnodes import (
    VOID_ELEMENTS,
    Attributes,
    Comment,
    Document,
    DocumentType,
    Element,
    Text,
)
from boughs.errors import LimitError
from boughs.limits import Limits, exceeded

__all__ = ["decode", "parse"]

_SCOPE: Final = frozenset(
    ["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"]
)
_BUTTON_SCOPE: Final = _SCOPE | {"button"}
_LIST_SCOPE: Final = _SCOPE | {"ol", "ul"}
_TABLE_SCOPE: Final = frozenset({"html", "table", "template"})
_TABLE_PARTS: Final = frozenset(
    ["table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup"]
)
_CLOSES_P: Final = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "dd",
        "dt",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "plaintext",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
        "xmp",
    ]
)
_HEADINGS: Final = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_IN_HEAD: Final = frozenset(
    [
        "base",
        "basefont",
        "bgsound",
        "link",
        "meta",
        "noframes",
        "noscript",
        "script",
        "style",
        "template",
        "title",
    ]
)
_IMPLIES_ENDS: Final = (
    _TABLE_PARTS | _CLOSES_P | _HEADINGS | {"li", "dd", "dt", "option", "optgroup", "a", "button"}
)
_DOCUMENT_PARTS: Final = {
    "html": frozenset(),
    "head": frozenset({"html"}),
    "body": frozenset({"html"}),
}
"""Where each may open: with only these elements open."""
_KEEP_SPACE: Final = frozenset(
    ["pre", "textarea", "listing", "plaintext", "script", "style", "xmp"]
)
_DROP_FIRST_NEWLINE: Final = frozenset({"pre", "textarea", "listing"})
_SVG_NAMES: Final = {
    name.lower(): name
    for name in (  # noqa: SIM905 - a paragraph of names reads better than 90 quoted strings
        "attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits "
        "diffuseConstant edgeMode filterUnits glyphRef gradientTransform gradientUnits "
        "kernelMatrix kernelUnitLength keyPoints keySplines keyTimes lengthAdjust "
        "limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits "
        "numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX "
        "pointsAtY pointsAtZ preserveAlpha preserveAspectRatio primitiveUnits refX refY "
        "repeatCount repeatDur requiredExtensions requiredFeatures specularConstant "
        "specularExponent spreadMethod startOffset stdDeviation stitchTiles surfaceScale "
        "systemLanguage tableValues targetX targetY textLength viewBox viewTarget "
        "xChannelSelector yChannelSelector zoomAndPan altGlyph altGlyphDef altGlyphItem "
        "animateColor animateMotion animateTransform clipPath feBlend feColorMatrix "
        "feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting "
        "feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG "
        "feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset "
        "fePointLight feSpecularLighting feSpotLight feTile feTurbulence foreignObject "
        "linearGradient radialGradient textPath"
    ).split()
}
"""SVG's mixed-case names, which the tokenizer lowercases and browsers restore inside <svg>."""
_META_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)


def decode(data: bytes) -> str:
    """Bytes to text: byte-order mark, else ``<meta charset>`` in the first 1024 bytes, else UTF-8.

    Undecodable bytes become U+FFFD, as in browsers.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    encoding = "utf-8"
    found = _META_CHARSET.search(data[:1024])
    if found is not None:
        try:
            encoding = codecs.lookup(found.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            pass
        if encoding.startswith("utf-16"):  # a page that says so in ASCII is not UTF-16
            encoding = "utf-8"
    return data.decode(encoding, "replace")


class _TreeBuilder:
    """Receives tokens from `boughs._htmltokens.tokenize` and grows the tree."""

    def __init__(self, source: str, limits: Limits, keep_whitespace: bool) -> None:
        self.source = source
        self.pos = 0  # where the current token starts, set by the tokenizer
        self.document = Document()
        # Open elements, the document first: [node, its children so far, their family or None]
        self.open: list[list[Any]] = [[self.document, [], None]]
        self.text: list[str] = []
        self.keep_whitespace = keep_whitespace
        self.max_nodes = limits.max_nodes
        self.max_depth = limits.max_depth
        self.max_attributes = limits.max_attributes
        self.count = 1
        self.drop_newline = False
        self.tags: dict[str, list[int]] = {}  # the positions in `open` of each tag's elements
        self.deepest = 0  # the most elements open at once so far
        self.first_content: int | None = None  # where text or an element first came at the top
        self.top_parts = False  # whether an html, head or body element stands at the top

    # ------------------------------------------------------------ limits --

    def fail(self, name: str, value: int, what: str) -> LimitError:
        source, pos = self.source, self.pos
        line = source.count("\n", 0, pos) + 1
        column = pos - source.rfind("\n", 0, pos)
        return exceeded(
            name,
            value,
            what,
            where=f"HTML at line {line}, column {column}: ",
            line=line,
            column=column,
        )

    # ------------------------------------------------------------- tree --

    def add(self, node: Any) -> None:
        """Make ``node`` the last child of the current element."""
        self.count += 1
        if self.max_nodes is not None and self.count > self.max_nodes:
            raise self.fail("max_nodes", self.max_nodes, "more nodes than")
        opened = self.open
        top = opened[-1]
        if len(opened) == 1 and self.first_content is None and isinstance(node, (Element, Text)):
            self.first_content = len(top[1])
        family = top[2]
        if family is None:
            family = top[2] = _storage.new_family(top[0])
        node._parent_ref = family
        top[1].append(node)

    def push(self, element: Element) -> None:
        depth = len(self.open)
        if self.max_depth is not None and depth > self.max_depth:
            raise self.fail("max_depth", self.max_depth, "elements nested deeper than")
        self.deepest = max(self.deepest, depth)
        self.open.append([element, [], None])
        positions = self.tags.get(element.tag)
        if positions is None:
            self.tags[element.tag] = [depth]
        else:
            positions.append(depth)

    def pop_to(self, position: int) -> None:
        """Close the open elements from the top down to ``position``, inclusive."""
        opened, tags = self.open, self.tags
        while len(opened) > position:
            node, kids, _ = opened.pop()
            if kids:
                _storage.store(node, kids)
            if len(opened):
                tags[node.tag].pop()

    def find_open(self, names: frozenset[str] | set[str], boundary: frozenset[str]) -> int:
        """Position of the nearest open element named in ``names``, not beyond ``boundary``.

        O(len(names) + len(boundary)), whatever the depth: each tag's open
        positions are at hand (a walk down the stack made a page of many
        ``<div>`` under a deep ``<p><button>`` quadratic).
        """
        tags = self.tags
        nearest = 0
        for name in names:
            positions = tags.get(name)
            if positions and positions[-1] > nearest:
                nearest = positions[-1]
        if nearest:
            for name in boundary:
                positions = tags.get(name)
                if positions and positions[-1] > nearest and name not in names:
                    return 0
        return nearest

    def finish(self) -> None:  # end of input
        self.flush()
        self.pop_to(0)

    def current_tag(self) -> str | None:
        node = self.open[-1][0]
        return node.tag if isinstance(node, Element) else None

    # ------------------------------------------------------------- text --

    def flush(self) -> None:
        if not self.text:
            return
        data = "".join(self.text)
        self.text.clear()
        if not data:
            return
        if data.isspace():
            if len(self.open) == 1:  # between the doctype, comments and <html>
                return
            if not self.keep_whitespace and not any(self.tags.get(t) for t in _KEEP_SPACE):
                return
        elif self.current_tag() == "head":  # text ends the head, as in browsers
            self.pop_to(len(self.open) - 1)
        node = Text.__new__(Text)
        node._children = None
        node._index = 0
        node.data = data
        self.add(node)

    def characters(self, data: str) -> None:
        if self.drop_newline:
            self.drop_newline = False
            if data.startswith("\n"):
                data = data[1:]
        self.text.append(data)

    # ------------------------------------------------------------- tags --

    def start(self, tag: str, attrs: list[tuple[str, str]], self_closing: bool) -> str | None:
        """Open (or add) the element; return the content model the tokenizer reads next."""
        self.flush()
        self.drop_newline = False
        if self.max_attributes is not None and len(attrs) > self.max_attributes:
            raise self.fail(
                "max_attributes",
                self.max_attributes,
                f"<{tag}> has {len(attrs):,} attributes, more than",
            )
        in_svg = tag == "svg" or self.tags.get("svg")
        if in_svg:
            tag = _SVG_NAMES.get(tag, tag)
        values: dict[str, str] = {}
        for name, value in attrs:
            if in_svg:
                name = _SVG_NAMES.get(name, name)
            if name not in values:  # browsers keep the first of duplicates
                values[name] = value
        if tag in _DOCUMENT_PARTS and self.misplaced(tag, values):
            return None
        if tag in _IMPLIES_ENDS or self.current_tag() == "head":
            self.imply_end_tags(tag)
        element = Element.__new__(Element)
        element._children = None
        element._index = 0
        element.tag = tag
        element._attributes = Attributes._trusted(values) if values else None
        self.add(element)
        if tag in VOID_ELEMENTS or (self_closing and tag not in _DOCUMENT_PARTS):
            return None
        self.push(element)
        if tag in _DROP_FIRST_NEWLINE:
            self.drop_newline = True
        model = _htmltokens.CONTENT_MODELS.get(tag)
        if model is not None and (in_svg or self.tags.get("math")):
            return None  # inside SVG and MathML these are ordinary elements
        return model

    def misplaced(self, tag: str, values: dict[str, str]) -> bool:
        """``True`` for an ``html``, ``head`` or ``body`` tag that browsers would not open here.

        A second one, or one inside content, only lends its attributes to the
        one that is open (as browsers merge them).
        """
        if self.current_tag() == "head" and tag == "body":
            self.pop_to(len(self.open) - 1)
        if len(self.open) == 1 and self.first_content is not None and not self.top_parts:
            # Content came first: browsers have put it in a body already. The body (and
            # html) this tag names takes it in; a head comes too late and is dropped.
            if tag != "head":
                self.wrap_content(tag, values)
            return True
        allowed = _DOCUMENT_PARTS[tag]
        inside = sum(len(self.tags.get(name) or ()) for name in allowed)
        if len(self.open) - 1 == inside and not self.tags.get(tag):  # only allowed ones open
            self.top_parts = self.top_parts or len(self.open) == 1
            return False
        at = self.find_open({tag}, frozenset())
        if at:
            node = self.open[at][0]
            for name, value in values.items():
                node.attributes.setdefault(name, value)
        return True

    def wrap_content(self, tag: str, values: dict[str, str]) -> None:
        """Open ``html`` (for an html tag) and ``body``, and move the top-level content into it."""
        if self.max_depth is not None and self.deepest + (tag == "html") >= self.max_depth:
            raise self.fail("max_depth", self.max_depth, "elements nested deeper than")
        kids = self.open[0][1]
        assert self.first_content is not None
        moved = kids[self.first_content :]
        del kids[self.first_content :]
        for name in ("html", "body") if tag == "html" else ("body",):
            element = Element.__new__(Element)
            element._children = None
            element._index = 0
            element.tag = name
            element._attributes = Attributes._trusted(values) if values and name == tag else None
            self.add(element)
            self.push(element)
        body = self.open[-1]
        family = body[2] = _storage.new_family(body[0])
        for node in moved:
            node._parent_ref = family
            own = _storage.own_family(node)
            if own is not None:
                own.up = family  # its children's climb now passes through the body
        body[1].extend(moved)

    def imply_end_tags(self, tag: str) -> None:
        """Close what a start tag ``tag`` implies the end of."""
        current = self.current_tag()
        if current == "head" and tag not in _IN_HEAD:
            self.pop_to(len(self.open) - 1)
        if tag in _TABLE_PARTS and tag != "table":
            self.clear_table_context(tag)
        elif tag == "li":
            self.close_open({"li"}, _LIST_SCOPE)
        elif tag in ("dd", "dt"):
            self.close_open({"dd", "dt"}, _SCOPE | {"dl"})
        elif tag == "option":
            if current == "option":
                self.pop_to(len(self.open) - 1)
        elif tag == "optgroup":
            self.close_open({"option", "optgroup"}, frozenset({"select"}))
        elif tag in ("a", "button"):
            self.close_open({tag}, _SCOPE)
        if tag in _CLOSES_P:
            self.close_open({"p"}, _BUTTON_SCOPE)
        if tag in _HEADINGS and self.current_tag() in _HEADINGS:
            self.pop_to(len(self.open) - 1)

    def clear_table_context(self, tag: str) -> None:
        """Inside a table, a new row, cell or section closes the open row, cell or section."""
        if not self.find_open({"table"}, _TABLE_SCOPE - {"table"}):
            return
        if tag in ("td", "th"):
            stop = {"tr", "tbody", "thead", "tfoot", "table"}
        elif tag == "tr":
            stop = {"tbody", "thead", "tfoot", "table"}
        else:
            stop = {"table"}
        opened = self.open
        i = len(opened) - 1
        while i > 0 and opened[i][0].tag not in stop:
            i -= 1
        self.pop_to(i + 1)

    def close_open(self, names: set[str], boundary: frozenset[str]) -> bool:
        at = self.find_open(names, boundary)
        if at:
            self.pop_to(at)
        return bool(at)

    def end(self, tag: str) -> None:
        if tag in ("body", "html"):
            return  # later content still belongs inside, as in browsers
        self.flush()
        self.drop_newline = False
        if self.tags.get("svg"):
            tag = _SVG_NAMES.get(tag, tag)
        if tag == "br":  # </br> is read as <br>
            self.start("br", [], self_closing=True)
            return
        boundary = _TABLE_SCOPE if tag in _TABLE_PARTS else _SCOPE
        if tag == "p":
            boundary = _BUTTON_SCOPE
        elif tag == "li":
            boundary = _LIST_SCOPE
        if not self.close_open({tag}, boundary) and tag == "p":
            self.start("p", [], self_closing=True)  # a stray </p> makes an empty paragraph

    # ------------------------------------------------------------ other --

    def leaf(self, node: Any) -> None:
        self.flush()
        self.drop_newline = False
        node._children = None
        node._index = 0
        self.add(node)

    def comment(self, data: str) -> None:
        node = Comment.__new__(Comment)
        node.data = data
        self.leaf(node)

    def doctype(self, decl: str) -> None:
        rest = decl[7:].lstrip("\t\n\f ")  # after the keyword
        node = DocumentType.__new__(DocumentType)
        parts = rest.split(None, 1)
        node.name = parts[0].lower() if parts else ""
        node.public_id = node.system_id = None
        ids = re.findall(r"\"([^\"]*)\"|'([^']*)'", parts[1] if len(parts) > 1 else "")
        values = [a or b for a, b in ids]
        if len(parts) > 1 and parts[1].upper().startswith("PUBLIC") and values:
            node.public_id = values.pop(0)
        if values:
            node.system_id = values[0]
        self.leaf(node)


def parse(text: str | bytes, limits: Limits, keep_whitespace: bool) -> Document:
    """See `boughs.dom.parse_html`."""
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, not {limits!r}")
    if isinstance(text, (bytes, bytearray)):
        limits.check_size(len(text), "the HTML")
        text = decode(bytes(text))
    elif not isinstance(text, str):
        raise TypeError(f"parse_html() reads str or bytes, not {type(text).__name__}")
    limits.check_size(len(text), "the HTML")
    if "\r" in text:  # newlines are normalised before anything else, as the standard says
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:  # browsers read NUL as U+FFFD (or drop it)
        text = text.replace("\x00", "\ufffd")
    builder = _TreeBuilder(text, limits, keep_whitespace)
    with copying.gc_paused():
        _htmltokens.tokenize(text, builder)
        builder.finish()
    return builder.document
