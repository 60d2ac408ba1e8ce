"""CSS selectors for `boughs.dom`: a compiler and a single top-down matcher.

Private to boughs; `boughs.dom.DomNode.select` documents the subset:

* type ``div`` and universal ``*`` (tag names compare exactly; `parse_html`
  lowercases them), ``#id``, ``.class``;
* attributes ``[a]``, ``[a=v]``, ``[a~=v]``, ``[a|=v]``, ``[a^=v]``,
  ``[a$=v]``, ``[a*=v]``, values bare or quoted, with an ``i`` flag for
  case-insensitive values;
* pseudo-classes ``:first-child``, ``:last-child``, ``:only-child``,
  ``:empty``, ``:root`` and ``:not(<compound selector>)``;
* combinators descendant (space), child ``>``, next sibling ``+``, later
  sibling ``~``; groups separated by commas.

Matching never backtracks: the compounds of all groups are numbered, and a
walk from the root computes, for each element, the bitmask of compounds it
"reaches" (it matches compound i, and its ancestors, parent or earlier
siblings reach compound i - 1 as the combinator requires). An element
matches when it reaches the last compound of a group. That is O(n x number
of compounds) for a whole `select`, whatever the depth.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from boughs import _storage
from boughs._domnodes import Document, Element, Text
from boughs.errors import FormatError
from boughs.node import BaseNode

__all__ = ["Selector", "compile_selector", "matches", "select"]

_FIRST, _LAST, _ROOT = 1, 2, 4

Test = Callable[[Element, int], bool]

_IDENT_CHAR = r"(?:[-\w\u00a0-\U0010ffff]|\\[0-9a-fA-F]{1,6}[ \t\n]?|\\[^\n0-9a-fA-F])"
_IDENT: Final = re.compile(f"{_IDENT_CHAR}+")
_ESCAPE: Final = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)")
_SPACE: Final = re.compile(r"[ \t\n\r\f]*")
_COMBINATOR: Final = re.compile(r"[ \t\n\r\f]*([>+~,])?[ \t\n\r\f]*")
_STRING: Final = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_OPERATOR: Final = re.compile(r"[~|^$*]?=")
_PSEUDOS: Final = ("first-child", "last-child", "only-child", "empty", "root", "not")


def _unescape(text: str) -> str:
    def one(found: re.Match[str]) -> str:
        code, char = found.groups()
        return chr(int(code, 16)) if code else char

    return _ESCAPE.sub(one, text) if "\\" in text else text


class Selector:
    """A compiled selector: one test and one combinator per compound, groups in a row."""

    __slots__ = ("combinators", "finals", "source", "tests")

    def __init__(self, source: str, tests: list[Test], combinators: list[str], finals: int) -> None:
        self.source = source
        self.tests = tests
        self.combinators = combinators  # "" starts a group; else " ", ">", "+", "~"
        self.finals = finals  # the bits of each group's last compound


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.nested = 0

    def error(self, problem: str, pos: int | None = None) -> FormatError:
        column = (self.pos if pos is None else pos) + 1
        return FormatError(
            f"invalid selector {self.source!r} at column {column}: {problem}", column=column
        )

    def ident(self, what: str) -> str:
        found = _IDENT.match(self.source, self.pos)
        if found is None:
            raise self.error(f"expected {what}")
        self.pos = found.end()
        return _unescape(found.group())

    def skip_space(self) -> None:
        self.pos = _SPACE.match(self.source, self.pos).end()  # type: ignore[union-attr]

    def compound(self) -> Test:
        """A compound selector (``div.a#b[c]:first-child``) as one test."""
        source = self.source
        start = self.pos
        tag: str | None = None
        tests: list[Test] = []
        if source.startswith("*", self.pos):
            self.pos += 1
        elif _IDENT.match(source, self.pos):
            tag = self.ident("a tag name")
        while self.pos < len(source):
            char = source[self.pos]
            if char == "#":
                self.pos += 1
                tests.append(_attribute_test("id", "=", self.ident("an id after '#'"), False))
            elif char == ".":
                self.pos += 1
                tests.append(_attribute_test("class", "~=", self.ident("a class name"), False))
            elif char == "[":
                tests.append(self.attribute())
            elif char == ":":
                tests.append(self.pseudo())
            else:
                break
        if self.pos == start:
            here = source[self.pos : self.pos + 1]
            raise self.error(f"expected a selector, found {here!r}" if here else "unexpected end")
        return _compound_test(tag, tests)

    def attribute(self) -> Test:
        self.pos += 1
        self.skip_space()
        name = self.ident("an attribute name")
        self.skip_space()
        operator = _OPERATOR.match(self.source, self.pos)
        value, ignore_case = None, False
        if operator is not None:
            self.pos = operator.end()
            self.skip_space()
            quoted = _STRING.match(self.source, self.pos)
            if quoted is not None:
                value = _unescape(quoted.group(1) or quoted.group(2) or "")
                self.pos = quoted.end()
            else:
                value = self.ident("a value (bare or quoted)")
            self.skip_space()
            if self.source[self.pos : self.pos + 1] in ("i", "I", "s", "S"):
                ignore_case = self.source[self.pos] in "iI"
                self.pos += 1
                self.skip_space()
        if self.source[self.pos : self.pos + 1] != "]":
            raise self.error("expected ']'")
        self.pos += 1
        if value is None:
            return lambda e, flags: e._attributes is not None and name in e._attributes
        return _attribute_test(name, operator.group(), value, ignore_case)  # type: ignore[union-attr]

    def pseudo(self) -> Test:
        start = self.pos
        self.pos += 1
        if self.source.startswith(":", self.pos):
            raise self.error("pseudo-elements (::before ...) select no elements", start)
        name = self.ident("a pseudo-class name").lower()
        if name not in _PSEUDOS:
            raise self.error(
                f"unsupported pseudo-class ':{name}'; supported: "
                + ", ".join(f":{p}" for p in _PSEUDOS),
                start,
            )
        if name == "not":
            if not self.source.startswith("(", self.pos):
                raise self.error("expected '(' after ':not'")
            self.pos += 1
            self.skip_space()
            self.nested += 1
            if self.nested > 16:
                raise self.error(":not() nested more than 16 deep")
            inner = self.compound()
            self.nested -= 1
            self.skip_space()
            if not self.source.startswith(")", self.pos):
                raise self.error("expected ')': :not() takes one compound selector")
            self.pos += 1
            return lambda e, flags: not inner(e, flags)
        if name == "first-child":
            return lambda e, flags: bool(flags & _FIRST)
        if name == "last-child":
            return lambda e, flags: bool(flags & _LAST)
        if name == "only-child":
            return lambda e, flags: flags & (_FIRST | _LAST) == _FIRST | _LAST
        if name == "root":
            return lambda e, flags: bool(flags & _ROOT)
        return lambda e, flags: (
            not any(  # :empty
                isinstance(c, Element) or (isinstance(c, Text) and c.data)
                for c in _storage.live(e._children)
            )
        )

    def parse(self) -> Selector:
        tests: list[Test] = []
        combinators: list[str] = []
        finals = 0
        combinator = ""
        self.skip_space()
        while True:
            tests.append(self.compound())
            combinators.append(combinator)
            found = _COMBINATOR.match(self.source, self.pos)
            symbol = found.group(1)  # type: ignore[union-attr]
            end = found.end()  # type: ignore[union-attr]
            if end == len(self.source):
                if symbol not in (None, ","):
                    raise self.error(f"nothing after {symbol!r}", end)
                if symbol == ",":
                    raise self.error("nothing after ','", end)
                finals |= 1 << (len(tests) - 1)
                break
            if symbol is None and end == self.pos:
                here = self.source[self.pos]
                raise self.error(f"unexpected {here!r}")
            self.pos = end
            if symbol == ",":
                finals |= 1 << (len(tests) - 1)
                combinator = ""
            else:
                combinator = symbol or " "
        return Selector(self.source, tests, combinators, finals)


def _attribute_test(name: str, operator: str, value: str, ignore_case: bool) -> Test:
    fold: Callable[[str], str] = str.lower if ignore_case else str
    expected = fold(value)
    check: Callable[[str], bool]
    if operator == "=":
        check = expected.__eq__
    elif operator == "~=":
        check = lambda v: expected in v.split()  # noqa: E731
    elif operator == "|=":
        check = lambda v: v == expected or v.startswith(expected + "-")  # noqa: E731
    elif operator == "^=":
        check = lambda v: bool(expected) and v.startswith(expected)  # noqa: E731
    elif operator == "$=":
        check = lambda v: bool(expected) and v.endswith(expected)  # noqa: E731
    else:
        check = lambda v: bool(expected) and expected in v  # noqa: E731

    def test(element: Element, flags: int) -> bool:
        found = element._attributes
        if found is None:
            return False
        actual = found.get(name)
        return actual is not None and check(fold(actual))

    return test


def _compound_test(tag: str | None, tests: list[Test]) -> Test:
    if not tests:
        if tag is None:
            return lambda e, flags: True
        return lambda e, flags: e.tag == tag
    if len(tests) == 1 and tag is None:
        return tests[0]

    def test(element: Element, flags: int) -> bool:
        if tag is not None and element.tag != tag:
            return False
        return all(t(element, flags) for t in tests)

    return test


@functools.lru_cache(maxsize=256)
def compile_selector(source: str) -> Selector:
    """Compile ``source`` (cached), or raise `FormatError` saying where it is wrong."""
    if not isinstance(source, str):
        raise TypeError(f"a selector is a str, not {type(source).__name__}")
    return _Parser(source).parse()


# -------------------------------------------------------------- matching --


def _reach_children(
    selector: Selector, kids: Sequence[Any], above: int, parent_reach: int, root: bool
) -> list[int]:
    """The reach bitmask of each child (0 for nodes that are not elements).

    ``above`` is the union of the reaches of the parent and its ancestors.
    """
    tests, combinators = selector.tests, selector.combinators
    first = last = -1
    for i, c in enumerate(kids):
        if isinstance(c, Element):
            if first < 0:
                first = i
            last = i
    out = [0] * len(kids)
    previous = earlier = 0
    base = _ROOT if root else 0
    for i in range(first, last + 1) if first >= 0 else ():
        c = kids[i]
        if not isinstance(c, Element):
            continue
        flags = base | (_FIRST if i == first else 0) | (_LAST if i == last else 0)
        reach = 0
        bit = 1
        for test, combinator in zip(tests, combinators):
            if combinator:
                need = bit >> 1
                if combinator == " ":
                    ok = above & need
                elif combinator == ">":
                    ok = parent_reach & need
                elif combinator == "+":
                    ok = previous & need
                else:
                    ok = earlier & need
                if ok and test(c, flags):
                    reach |= bit
            elif test(c, flags):
                reach |= bit
            bit <<= 1
        out[i] = reach
        previous = reach
        earlier |= reach
    return out


def _context(selector: Selector, node: BaseNode) -> tuple[int, int]:
    """``(union of the reaches of node's ancestors, node's own reach)``, from the root down."""
    path: list[BaseNode] = [node]
    parent = node.parent
    while parent is not None:
        path.append(parent)
        parent = parent.parent
    path.reverse()
    above = 0
    top = path[0]
    reach = _reach_children(selector, [top], 0, 0, True)[0]
    for parent, child in itertools.pairwise(path):
        kids = _storage.live(parent._children)
        reaches = _reach_children(
            selector, kids, above | reach, reach, isinstance(parent, Document)
        )
        above |= reach
        reach = reaches[_storage.logical_index(parent, child)]
    return above, reach


def select(scope: BaseNode, selector: Selector, *, first: bool) -> list[Element]:
    """The elements below ``scope`` that match, in document order. O(n x compounds)."""
    finals = selector.finals
    above, reach = _context(selector, scope)
    found: list[Element] = []
    stack: list[tuple[BaseNode, int, int]] = [(scope, above, reach)]
    pop, push = stack.pop, stack.append
    while stack:
        node, above, reach = pop()
        if reach & finals and node is not scope:
            found.append(node)  # type: ignore[arg-type]
            if first:
                return found
        kids = node._children
        if kids is None:
            continue
        kids = _storage.live(kids)
        reaches = _reach_children(selector, kids, above | reach, reach, isinstance(node, Document))
        inner = above | reach
        for i in range(len(kids) - 1, -1, -1):
            child = kids[i]
            if isinstance(child, Element):
                push((child, inner, reaches[i]))
    return found


def matches(element: Element, selector: Selector) -> bool:
    """``True`` iff ``element`` matches. O(depth + siblings along the way) x compounds."""
    return bool(_context(selector, element)[1] & selector.finals)
