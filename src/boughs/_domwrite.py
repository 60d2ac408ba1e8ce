"""DOM trees to HTML and XML text, iteratively; `boughs.dom.to_html` and `to_xml` document it.

Private to boughs. A tree that cannot be written so that it reads back the
same (a void element with children, ``-->`` in a comment, markup inside a
``<title>``, a character XML cannot hold ...) raises `FormatError` naming
the node, rather than writing something that a parser would read
differently. HTML is checked against `boughs._htmltokens`, which reads it
back as browsers do.
"""

from __future__ import annotations

import re
from typing import Any, Final

from boughs import _htmltokens, _storage
from boughs._domnodes import (
    VOID_ELEMENTS,
    Comment,
    Document,
    DocumentType,
    Element,
    ProcessingInstruction,
    Text,
)
from boughs.errors import FormatError
from boughs.node import BaseNode

__all__ = ["write"]

RAW_TEXT: Final = frozenset(
    tag for tag, model in _htmltokens.CONTENT_MODELS.items() if model != _htmltokens.RCDATA
)
"""HTML elements whose text is written (and read) without escapes."""
_NEWLINE_FIRST: Final = frozenset({"pre", "textarea", "listing"})
_FOREIGN_ROOTS: Final = frozenset({"svg", "math"})

_HTML_TEXT: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})
_HTML_ATTRIBUTE: Final = str.maketrans(
    {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"}
)
_XML_TEXT: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTRIBUTE: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_HTML_TAG: Final = re.compile(r"[a-zA-Z][^\s/>\x00]*")
_HTML_ATTRIBUTE_NAME: Final = re.compile(r"[^\s/>\x00][^\s/=>\x00]*")
_XML_NAME: Final = re.compile(r"[A-Za-z_:\u00c0-\U000effff][-.\w:\u00b7\u00c0-\U000effff]*")
_XML_BAD_CHAR: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_OPEN, _CLOSE, _FOREIGN = 0, 1, 2  # _FOREIGN: open, inside <svg> or <math>


def _bad(node: BaseNode, problem: str) -> FormatError:
    return FormatError(f"cannot write {node!r}: {problem}")


def _name(node: BaseNode, name: str, html: bool, what: str) -> str:
    pattern = (_HTML_TAG if what == "tag" else _HTML_ATTRIBUTE_NAME) if html else _XML_NAME
    if not pattern.fullmatch(name):
        kind = "HTML" if html else "XML"
        raise _bad(node, f"{name!r} is not a valid {kind} {what} name")
    return name


def _xml_chars(node: BaseNode, text: str) -> str:
    found = _XML_BAD_CHAR.search(text)
    if found is not None:
        raise _bad(node, f"XML cannot hold the character {found.group()!r}")
    return text


def _start_tag(element: Element, html: bool) -> str:
    tag = _name(element, element.tag, html, "tag")
    found = element._attributes
    if not found:
        return f"<{tag}"
    table = _HTML_ATTRIBUTE if html else _XML_ATTRIBUTE
    parts = [f"<{tag}"]
    for key, value in found.items():
        _name(element, key, html, "attribute")
        if not html:
            _xml_chars(element, value)
        parts.append(f' {key}="{value.translate(table)}"')
    return "".join(parts)


def _doctype(node: DocumentType, html: bool) -> str:
    text = f"<!DOCTYPE {node.name}"
    if node.public_id is not None:
        text += f' PUBLIC "{node.public_id}"'
        if node.system_id is not None:
            text += f' "{node.system_id}"'
    elif node.system_id is not None:
        text += f' SYSTEM "{node.system_id}"'
    for value in (node.public_id, node.system_id):
        if value is not None and '"' in value:
            raise _bad(node, "a public or system id that contains '\"'")
    return text + ">"


def _text_only(element: Element, kids: Any, model: str) -> str:
    """The text of a ``title``, ``script`` ... element: its children must all be `Text`."""
    for kid in kids:
        if not isinstance(kid, Text):
            how = "escaped text" if model == _htmltokens.RCDATA else "raw text"
            raise _bad(
                kid,
                f"a <{element.tag}> holds only text in HTML (a parser reads anything in it as "
                f"{how}); to_xml() can write it",
            )
    return "".join([kid.data for kid in kids])


def _raw_element(element: Element, start: str, kids: Any, model: str) -> str:
    """A ``script``, ``style`` ... element, written as a parser will read it back, or refused."""
    data = _text_only(element, kids, model)
    if model == _htmltokens.PLAINTEXT:
        return start + data  # no end tag: it would be read as text
    tag = element.tag
    end = _htmltokens.raw_end(f"{data}</{tag}>", 0, tag, model)
    if end == len(data):
        return f"{start}{data}</{tag}>"
    if end >= 0:
        problem = f"contains '{data[end : end + len(tag) + 2]}', which would end it early"
    else:  # a script's "<!--<script>" escape left open
        problem = "leaves a '<!--' and '<script' escape open, so its end tag would not end it"
    raise _bad(kids[0], f"the raw text of a <{tag}> {problem}")


def _comment(node: Comment, html: bool) -> str:
    data = node.data
    if html:
        # The HTML standard's rules for comment text, less two ("<!--" inside, "<!-" at the
        # end) that make a parse error but read back the same.
        if "-->" in data or "--!>" in data or data.startswith((">", "->")):
            raise _bad(
                node,
                "a comment that contains '-->' or '--!>' (or starts with '>' or '->') would "
                "end early in HTML",
            )
    elif "--" in _xml_chars(node, data) or data.endswith("-"):
        raise _bad(node, "an XML comment cannot contain '--' or end with '-'")
    return f"<!--{data}-->"


def write(node: BaseNode, *, html: bool, declaration: bool = False) -> str:
    """``node``'s subtree as HTML (``html``) or XML text. O(output), iterative."""
    out: list[str] = []
    if declaration:
        out.append('<?xml version="1.0" encoding="utf-8"?>\n')
    text_table = _HTML_TEXT if html else _XML_TEXT
    stack: list[tuple[Any, int]] = [(node, _OPEN)]  # with _OPEN, _CLOSE or _FOREIGN
    pop, push, append = stack.pop, stack.append, out.append
    plaintext: Element | None = None  # written: nothing can follow it
    while stack:
        n, state = pop()
        if plaintext is not None:
            if state == _CLOSE:
                continue  # end tags after a <plaintext> would be its text: a parser adds them
            raise _bad(n, f"it follows {plaintext!r}, and everything after <plaintext> is its text")
        if state == _CLOSE:
            append(f"</{n.tag}>")
            continue
        kind = type(n)
        if kind is Text or isinstance(n, Text):
            data = n.data
            append(
                data.translate(text_table) if html else _xml_chars(n, data).translate(text_table)
            )
            continue
        if kind is Element or isinstance(n, Element):
            kids = _storage.live(n._children)
            start = _start_tag(n, html)
            if html:
                model = _htmltokens.CONTENT_MODELS.get(n.tag) if state == _OPEN else None
                if model is not None and model != _htmltokens.RCDATA:
                    append(_raw_element(n, start + ">", kids, model))
                    if model == _htmltokens.PLAINTEXT:
                        plaintext = n
                    continue
                if model is not None:  # title, textarea: escaped text only
                    _text_only(n, kids, model)
                if n.tag in VOID_ELEMENTS:
                    if kids:
                        raise _bad(
                            n,
                            f"<{n.tag}> is a void element and cannot have children in "
                            "HTML (to_xml() can write it)",
                        )
                    append(start + ">")
                    continue
                append(start + ">")
                if (
                    n.tag in _NEWLINE_FIRST
                    and kids
                    and isinstance(kids[0], Text)
                    and kids[0].data[:1] == "\n"
                ):
                    append("\n")  # a parser drops the first newline of these elements
            elif not kids:
                append(start + "/>")
                continue
            else:
                append(start + ">")
            push((n, _CLOSE))
            child_state = _FOREIGN if state == _FOREIGN or n.tag in _FOREIGN_ROOTS else _OPEN
            for c in reversed(kids):
                push((c, child_state))
            continue
        if isinstance(n, Comment):
            append(_comment(n, html))
        elif isinstance(n, Document):
            for c in reversed(_storage.live(n._children)):
                push((c, _OPEN))
        elif isinstance(n, DocumentType):
            append(_doctype(n, html))
        elif isinstance(n, ProcessingInstruction):
            target = _name(n, n.target, html, "processing instruction")
            data = n.data
            if html:
                if ">" in data:
                    raise _bad(n, "an HTML processing instruction cannot contain '>'")
                append(f"<?{target} {data}>" if data else f"<?{target}>")
            else:
                if "?>" in _xml_chars(n, data):
                    raise _bad(n, "a processing instruction cannot contain '?>'")
                append(f"<?{target} {data}?>" if data else f"<?{target}?>")
        else:
            raise TypeError(f"to_{'html' if html else 'xml'}() writes DOM nodes, not {n!r}")
    return "".join(out)
