"""The HTML tokenizer: WHATWG tokenizer states as a handful of regular expressions, in one pass.

Private to boughs; `boughs._html` builds the tree from these tokens. Why not
the standard library's `html.parser`: it rescans an unterminated construct
from every ``<`` inside it, so ``'<a b="' * 20_000`` took half a minute
(CPython gh-135462, CVE-2025-6069, fixed only in later patch releases), and
it differs from browsers where pages depend on it: ``title`` and
``textarea`` content is markup to it, ``&para=1`` in an attribute becomes
``¶=1``, ``--!>`` does not end a comment, an unclosed comment vanishes.

Here every step starts where the previous one stopped and each regular
expression is matched once from there, so tokenizing is O(len(text)) for any
input, however malformed. What follows the HTML standard's tokenizer:

* tags: names and attribute names lowercased (ASCII only), duplicate
  attributes kept by the tree builder (the first wins), ``/`` between
  attributes skipped, a quoted value may hold ``>``; a tag cut off by the
  end of the input is dropped, as browsers drop it.
* character references: in text as `html.unescape` decodes them; in
  attribute values too, except that a legacy name without ``;`` followed
  by a letter, digit or ``=`` stays as written (``?a=1&para=2`` keeps
  ``&para``).
* comments end at ``-->`` or ``--!>``; ``<!-->`` and ``<!--->`` are empty;
  an unclosed one runs to the end of the input. ``<!x>``, ``<?x>`` and
  ``</ x>`` are "bogus" comments up to the next ``>``; ``<![CDATA[...]]>``
  is one too (CDATA sections exist only inside SVG and MathML, which this
  tokenizer does not track).
* content models the tree builder asks for: RCDATA (``title``,
  ``textarea``: text and character references up to the matching end tag),
  RAWTEXT (``style``, ``xmp``, ``iframe``, ``noembed``, ``noframes``),
  script data (with the ``<!--`` / ``<script>`` escapes, so
  ``<!--<script></script>-->`` stays inside a script), and PLAINTEXT (the
  rest of the input).

Newlines are normalised (``\\r\\n`` and ``\\r`` to ``\\n``) by the caller,
before tokenizing, as the standard says.
"""

from __future__ import annotations

import re
import string
import sys
from html import unescape
from html.entities import html5
from typing import Any, Final

__all__ = [
    "CONTENT_MODELS",
    "PLAINTEXT",
    "RAWTEXT",
    "RCDATA",
    "SCRIPT",
    "raw_end",
    "tokenize",
    "unescape_attribute",
]

RCDATA: Final = "rcdata"
RAWTEXT: Final = "rawtext"
SCRIPT: Final = "script"
PLAINTEXT: Final = "plaintext"
CONTENT_MODELS: Final = {
    "title": RCDATA,
    "textarea": RCDATA,
    "style": RAWTEXT,
    "xmp": RAWTEXT,
    "iframe": RAWTEXT,
    "noembed": RAWTEXT,
    "noframes": RAWTEXT,
    "script": SCRIPT,
    "plaintext": PLAINTEXT,
}
"""HTML elements whose content is read as text, and how (outside SVG and MathML;
``noscript`` holds markup, as in a browser with scripting off)."""

_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_LETTERS: Final = frozenset(string.ascii_letters)
_TAG_NAME: Final = re.compile(r"[A-Za-z][^\t\n\f />]*")
_SEPARATORS: Final = re.compile(r"(?:[\t\n\f ]|/(?!>))*")
# A name, then maybe "=" and a value; an unclosed quote leaves its closing group None.
_ATTRIBUTE: Final = re.compile(
    r"""([^\t\n\f />][^\t\n\f />=]*)"""
    r"""(?:[\t\n\f ]*=[\t\n\f ]*(?:"([^"]*)(")?|'([^']*)(')?|([^\t\n\f >]*)))?"""
)
_COMMENT_END: Final = re.compile(r"--!?>")
_CHARACTER_REFERENCE: Final = re.compile(
    r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)"
)  # html.unescape's
_SCRIPT_DATA: Final = re.compile(r"<!--|</script(?=[\t\n\f />])", re.IGNORECASE)
_SCRIPT_ESCAPED: Final = re.compile(
    r"-->|</script(?=[\t\n\f />])|<script(?=[\t\n\f />])", re.IGNORECASE
)
_SCRIPT_DOUBLE_ESCAPED: Final = re.compile(r"-->|</script(?=[\t\n\f />])", re.IGNORECASE)
_END_TAGS: dict[str, re.Pattern[str]] = {}


def _lower(name: str) -> str:
    """A tag or attribute name, ASCII-lowercased and interned (pages repeat them a lot)."""
    return sys.intern(name.lower() if name.isascii() else name.translate(_ASCII_LOWER))


def _attribute_reference(match: re.Match[str]) -> str:
    found = match.group()
    name = match.group(1)
    if name[0] == "#" or (name[-1] == ";" and name in html5):
        return unescape(found)
    # The longest name HTML defines at the start, as html.unescape finds it.
    for length in range(len(name) - 1 if name[-1] == ";" else len(name), 1, -1):
        if name[:length] in html5:
            break
    else:
        return found
    after = name[length : length + 1] or match.string[match.end() : match.end() + 1]
    if after == "=" or (after.isascii() and after.isalnum()):
        return found  # "&para=1" in a URL: not a reference, as browsers read attributes
    return unescape(found)


def unescape_attribute(value: str) -> str:
    """Decode the character references of an attribute value as browsers do.

    As `html.unescape`, except that a legacy name without ``;`` (``&amp``,
    ``&para``, ``&copy`` ...) followed by an ASCII letter or digit or by
    ``=`` is left as written, so query strings survive.

    Complexity: O(len(value)).
    """
    return _CHARACTER_REFERENCE.sub(_attribute_reference, value) if "&" in value else value


def _tag(text: str, at: int) -> tuple[str, list[tuple[str, str]], bool, int] | None:
    """The tag whose name starts at ``at``: name, attributes, self-closing, where it ends.

    ``None`` if the input ends inside the tag.
    """
    found = _TAG_NAME.match(text, at)
    assert found is not None
    name = _lower(found.group())
    pos = found.end()
    attributes: list[tuple[str, str]] = []
    separators, attribute = _SEPARATORS.match, _ATTRIBUTE.match
    while True:
        pos = separators(text, pos).end()  # type: ignore[union-attr]
        part = attribute(text, pos)
        if part is None:
            break
        key, double, double_end, single, single_end, bare = part.groups()
        if double is not None:
            if double_end is None:
                return None
            value = double
        elif single is not None:
            if single_end is None:
                return None
            value = single
        else:
            value = bare or ""
        attributes.append((_lower(key), unescape_attribute(value)))
        pos = part.end()
    if text.startswith(">", pos):
        return name, attributes, False, pos + 1
    if text.startswith("/>", pos):
        return name, attributes, True, pos + 2
    return None  # the end of the input


def _script_end(text: str, pos: int) -> int:
    """Where the ``</script`` that ends script data starting at ``pos`` is, or -1."""
    state = _SCRIPT_DATA
    while True:
        found = state.search(text, pos)
        if found is None:
            return -1
        token = found.group()
        if token == "<!--":
            state, pos = _SCRIPT_ESCAPED, found.start() + 2  # "<!-->" closes at once
        elif token == "-->":
            state, pos = _SCRIPT_DATA, found.end()
        elif token[1] != "/":  # <script in escaped data
            state, pos = _SCRIPT_DOUBLE_ESCAPED, found.end()
        elif state is _SCRIPT_DOUBLE_ESCAPED:  # </script ends the inner script only
            state, pos = _SCRIPT_ESCAPED, found.end()
        else:
            return found.start()


def raw_end(text: str, pos: int, tag: str, model: str) -> int:
    """Where the end tag that closes ``tag``'s text, which starts at ``pos``, begins; or -1.

    ``model`` is ``tag``'s entry in `CONTENT_MODELS` (not `PLAINTEXT`, which never ends).

    Complexity: O(len(text) - pos).
    """
    if model == SCRIPT:
        return _script_end(text, pos)
    pattern = _END_TAGS.get(tag)
    if pattern is None:
        pattern = _END_TAGS[tag] = re.compile(f"</{re.escape(tag)}(?=[\t\n\f />])", re.I)
    found = pattern.search(text, pos)
    return -1 if found is None else found.start()


def tokenize(text: str, sink: Any) -> None:
    """Split ``text`` into tokens and hand them to ``sink``, in one linear pass.

    ``sink`` has ``characters(data)``, ``start(tag, attributes, self_closing)``
    (which returns the content model that follows: `RCDATA`, `RAWTEXT`,
    `SCRIPT`, `PLAINTEXT` or ``None`` for ordinary markup), ``end(tag)``,
    ``comment(data)``, ``doctype(data)`` (what stands between ``<!`` and
    ``>``), and an integer ``pos`` that is set to where each token starts
    before the sink hears of it.

    Complexity: O(len(text)).
    """
    n = len(text)
    find = text.find
    pos = 0  # the first character not yet tokenized
    run = 0  # where the pending text starts
    while True:
        lt = find("<", pos)
        if lt < 0:
            break
        following = text[lt + 1 : lt + 2]
        if following in _LETTERS or following in ("/", "!", "?"):
            if run < lt:
                sink.pos = run
                chunk = text[run:lt]
                sink.characters(unescape(chunk) if "&" in chunk else chunk)
                run = lt
            sink.pos = lt
        if following in _LETTERS:
            tag = _tag(text, lt + 1)
            if tag is None:
                return  # cut off by the end of the input: dropped
            name, attributes, self_closing, pos = tag
            model = sink.start(name, attributes, self_closing)
            if model is not None:
                if model == PLAINTEXT:
                    if pos < n:
                        sink.pos = pos
                        sink.characters(text[pos:])
                    return
                end = raw_end(text, pos, name, model)
                chunk = text[pos : n if end < 0 else end]
                if chunk:
                    sink.pos = pos
                    sink.characters(unescape(chunk) if model == RCDATA and "&" in chunk else chunk)
                if end < 0:
                    return
                closing = _tag(text, end + 2)
                if closing is None:
                    return
                sink.pos = end
                sink.end(closing[0])
                pos = closing[3]
        elif following == "/":
            after = text[lt + 2 : lt + 3]
            if after in _LETTERS:
                closing = _tag(text, lt + 2)
                if closing is None:
                    return
                sink.end(closing[0])
                pos = closing[3]
            elif after == ">":  # </> is nothing
                pos = lt + 3
            elif not after:  # "</" at the very end is text
                pos = lt + 2
                continue
            else:
                pos = _bogus_comment(text, lt + 2, sink)
        elif following == "!":
            if text.startswith("--", lt + 2):
                pos = _comment(text, lt + 4, sink)
            elif text[lt + 2 : lt + 9].lower() == "doctype":
                end = find(">", lt + 2)
                sink.doctype(text[lt + 2 : n if end < 0 else end])
                pos = n if end < 0 else end + 1
            else:
                pos = _bogus_comment(text, lt + 2, sink)
        elif following == "?":
            pos = _bogus_comment(text, lt + 1, sink)
        else:  # "<" before anything else is text
            pos = lt + 1
            continue
        run = pos
    if run < n:
        sink.pos = run
        chunk = text[run:]
        sink.characters(unescape(chunk) if "&" in chunk else chunk)


def _bogus_comment(text: str, start: int, sink: Any) -> int:
    end = text.find(">", start)
    if end < 0:
        sink.comment(text[start:])
        return len(text)
    sink.comment(text[start:end])
    return end + 1


def _comment(text: str, start: int, sink: Any) -> int:
    """A comment whose data starts at ``start`` (after ``<!--``); where it ends."""
    if text.startswith(">", start):  # <!-->
        sink.comment("")
        return start + 1
    if text.startswith("->", start):  # <!--->
        sink.comment("")
        return start + 2
    found = _COMMENT_END.search(text, start)
    if found is not None:
        sink.comment(text[start : found.start()])
        return found.end()
    data = text[start:]  # unclosed: to the end, less the start of an end it never finished
    for unfinished in ("--!", "--", "-"):
        if data.endswith(unfinished):
            data = data[: -len(unfinished)]
            break
    sink.comment(data)
    return len(text)
