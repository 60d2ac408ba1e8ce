"""XML to a `Document` with expat, safe for untrusted input; `boughs.dom.parse_xml` documents it.

Private to boughs. Safety comes from refusing, not limiting: the handler
for entity declarations raises as soon as expat reads one, so no entity a
document declares is ever expanded (billion laughs, quadratic blowup), and
external entities (XXE) and parameter entities are never resolved or
fetched. Attribute defaults in a DTD (``<!ATTLIST e a CDATA "...">``) are
refused too: expat would copy the default into every such element, so a
small document could grow without bound. What remains grows with the input:
the node, depth and attribute `Limits` bound the rest. Expat itself is
iterative; so is the tree building here.

A document whose DOCTYPE names an external DTD (``SYSTEM`` or ``PUBLIC``)
may use HTML's entity names (``&nbsp;`` in XHTML): instead of that DTD,
which is never fetched, expat reads one written here that declares the
names the document uses, each as the character or two HTML gives it (so
they work in attribute values too), and every other name as undefined.
"""

from __future__ import annotations

import re
from html.entities import html5
from typing import Any, Final
from xml.parsers import expat

from boughs import _storage, copying
from boughs._domnodes import (
    Attributes,
    Comment,
    Document,
    DocumentType,
    Element,
    ProcessingInstruction,
    Text,
)
from boughs.errors import FormatError
from boughs.limits import Limits, exceeded

__all__ = ["parse"]

_ATTACKS = (
    "boughs never expands entities that a document declares or refers to outside "
    'itself, which is how "billion laughs" and external-entity (XXE) attacks work'
)
_UNDEFINED: Final = "boughs:undefined-entity:"
"""The system id given to entity names HTML does not define, in the DTD written for a document."""
_ENTITY_NAMES: Final = re.compile(r"&([A-Za-z_][-.\w]*);", re.ASCII)
_ENTITY_NAME_BYTES: Final = re.compile(rb"&([A-Za-z_][-.\w]*);", re.ASCII)
_PREDEFINED: Final = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _used_names(text: str | bytes) -> set[str] | None:
    """The entity names ``text`` refers to; ``None`` if its encoding hides them (UTF-16, -32)."""
    if isinstance(text, str):
        return set(_ENTITY_NAMES.findall(text))
    if b"\x00" in text[:4] or text[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    return {name.decode("ascii") for name in _ENTITY_NAME_BYTES.findall(text)}


def _html_dtd(names: set[str] | None) -> str:
    """A DTD declaring ``names`` (``None``: all HTML names): HTML's ones as their characters,
    the others as external entities with an `_UNDEFINED` system id, which the handlers refuse
    (in content) or expat refuses (in an attribute value), instead of dropping them unseen."""
    parts = []
    for name in sorted(n[:-1] for n in html5 if n[-1] == ";") if names is None else sorted(names):
        if name in _PREDEFINED:
            continue
        value = html5.get(name + ";")
        if value is None:
            parts.append(f'<!ENTITY {name} SYSTEM "{_UNDEFINED}{name}">')
        else:
            parts.append(f'<!ENTITY {name} "{"".join(f"&#{ord(c)};" for c in value)}">')
    return "".join(parts)


class _TreeBuilder:
    """Expat's handlers, growing the tree."""

    def __init__(
        self, parser: Any, limits: Limits, keep_whitespace: bool, source: str | bytes
    ) -> None:
        self.parser = parser
        self.source = source
        self.document = Document()
        # Open nodes, the document first: [node, its children so far, their family or None]
        self.open: list[list[Any]] = [[self.document, [], None]]
        self.text: list[str] = []
        self.keep_whitespace = keep_whitespace
        self.max_nodes = limits.max_nodes
        self.max_depth = limits.max_depth
        self.max_attributes = limits.max_attributes
        self.count = 1

    def where(self) -> tuple[str, int, int]:
        line = self.parser.CurrentLineNumber
        column = self.parser.CurrentColumnNumber + 1
        return f"at line {line}, column {column}", line, column

    def refuse(self, what: str) -> FormatError:
        place, line, column = self.where()
        return FormatError(f"refused XML {place}: {what}", line=line, column=column)

    def too_much(self, name: str, value: int, what: str) -> FormatError:
        place, line, column = self.where()
        return exceeded(name, value, what, where=f"XML {place}: ", line=line, column=column)

    def add(self, node: Any) -> None:
        self.count += 1
        if self.max_nodes is not None and self.count > self.max_nodes:
            raise self.too_much("max_nodes", self.max_nodes, "more nodes than")
        node._children = None
        node._index = 0
        top = self.open[-1]
        family = top[2]
        if family is None:
            family = top[2] = _storage.new_family(top[0])
        node._parent_ref = family
        top[1].append(node)

    def flush(self) -> None:
        if not self.text:
            return
        data = "".join(self.text)
        self.text.clear()
        if data.isspace() and (not self.keep_whitespace or len(self.open) == 1):
            return
        node = Text.__new__(Text)
        node.data = data
        self.add(node)

    # ------------------------------------------------------------ handlers --

    def start(self, tag: str, attributes: list[str]) -> None:
        self.flush()
        if self.max_attributes is not None and len(attributes) > 2 * self.max_attributes:
            raise self.too_much(
                "max_attributes",
                self.max_attributes,
                f"<{tag}> has {len(attributes) // 2:,} attributes, more than",
            )
        element = Element.__new__(Element)
        element.tag = tag
        element._attributes = (
            Attributes._trusted(zip(attributes[::2], attributes[1::2])) if attributes else None
        )
        self.add(element)
        if self.max_depth is not None and len(self.open) > self.max_depth:
            raise self.too_much("max_depth", self.max_depth, "elements nested deeper than")
        self.open.append([element, [], None])

    def end(self, tag: str) -> None:
        self.flush()
        node, kids, _ = self.open.pop()
        if kids:
            _storage.store(node, kids)

    def characters(self, data: str) -> None:
        self.text.append(data)

    def comment(self, data: str) -> None:
        self.flush()
        node = Comment.__new__(Comment)
        node.data = data
        self.add(node)

    def instruction(self, target: str, data: str) -> None:
        self.flush()
        node = ProcessingInstruction.__new__(ProcessingInstruction)
        node.target = target
        node.data = data
        self.add(node)

    def doctype(
        self, name: str, system_id: str | None, public_id: str | None, internal: int
    ) -> None:
        node = DocumentType.__new__(DocumentType)
        node.name = name
        node.system_id = system_id
        node.public_id = public_id
        self.add(node)

    def entity_declaration(self, name: str, parameter: int, *rest: Any) -> None:
        kind = "a parameter entity declaration" if parameter else "an entity declaration"
        raise self.refuse(
            f"{kind} (<!ENTITY {'% ' if parameter else ''}{name} ...>): {_ATTACKS}; "
            "remove the declaration or use a trusted parser"
        )

    def unparsed_entity(self, name: str, *rest: Any) -> None:
        raise self.refuse(f"an unparsed entity declaration (<!ENTITY {name} ... NDATA>)")

    def attribute_declaration(
        self, element: str, name: str, kind: str, default: str | None, required: int
    ) -> None:
        if default is None:  # #IMPLIED or #REQUIRED: nothing to copy into elements
            return
        raise self.refuse(
            f'an attribute default (<!ATTLIST {element} {name} ... "{default[:20]}'
            f'{"…" if len(default) > 20 else ""}">): expat would copy it into every <{element}>, '
            "so a small document could grow without bound; boughs refuses DTD attribute "
            "defaults: remove the default (or write the attribute out), or use a trusted parser"
        )

    def external_entity(self, context: Any, base: Any, system_id: Any, public_id: Any) -> int:
        if context is None:  # the document's external DTD: never fetched, ours instead
            names = _used_names(self.source)
            sub = self.parser.ExternalEntityParserCreate(None)
            sub.EntityDeclHandler = None  # these declarations are ours, not the document's
            sub.Parse(_html_dtd(names), True)
            return 1
        if isinstance(system_id, str) and system_id.startswith(_UNDEFINED):
            raise self.refuse(f"undefined entity &{system_id[len(_UNDEFINED) :]};")
        raise self.refuse(f"an external entity ({system_id!r}): {_ATTACKS}")

    def skipped_entity(self, name: str, parameter: int) -> None:
        if parameter:  # a %reference; in the DTD, which is never read: nothing to expand
            return
        text = html5.get(name + ";")
        if text is None:
            raise self.refuse(f"undefined entity &{name};")
        self.text.append(text)  # a name our DTD did not declare (its encoding hid it from us)


def parse(text: str | bytes, limits: Limits, keep_whitespace: bool) -> Document:
    """See `boughs.dom.parse_xml`."""
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, not {limits!r}")
    if not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"parse_xml() reads str or bytes, not {type(text).__name__}")
    limits.check_size(len(text), "the XML")
    parser = expat.ParserCreate()
    # Expat asks for the external DTD subset (ExternalEntityRefHandler, context None), and the
    # builder gives it one of its own; nothing is ever fetched.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE)
    parser.buffer_text = True
    parser.ordered_attributes = True
    parser.specified_attributes = True  # never report DTD defaults (refused anyway)
    builder = _TreeBuilder(parser, limits, keep_whitespace, text)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    parser.CommentHandler = builder.comment
    parser.ProcessingInstructionHandler = builder.instruction
    parser.StartDoctypeDeclHandler = builder.doctype
    parser.EntityDeclHandler = builder.entity_declaration
    parser.UnparsedEntityDeclHandler = builder.unparsed_entity
    parser.AttlistDeclHandler = builder.attribute_declaration
    parser.ExternalEntityRefHandler = builder.external_entity
    parser.SkippedEntityHandler = builder.skipped_entity
    try:
        with copying.gc_paused():
            parser.Parse(bytes(text) if isinstance(text, bytearray) else text, True)
    except expat.ExpatError as e:
        message = expat.errors.messages[e.code]
        if e.code == expat.errors.codes[expat.errors.XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF]:
            message = "undefined entity in an attribute value"  # see _html_dtd
        column = e.offset + 1
        raise FormatError(
            f"invalid XML at line {e.lineno}, column {column}: {message}",
            line=e.lineno,
            column=column,
        ) from None
    finally:
        builder.parser = None  # the parser holds the builder's methods: no cycle back
    node, kids, _ = builder.open[0]
    if kids:
        _storage.store(node, kids)
    return builder.document
