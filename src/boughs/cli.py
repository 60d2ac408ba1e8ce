"""The ``boughs`` command (also ``python -m boughs``).

* ``boughs demo`` tells the ownership lesson in the terminal, step by step.
* ``boughs show FILE`` draws the tree in a ``.json`` file: nested
  ``{"name": ..., "children": [...]}`` objects, or any nested objects and
  arrays. Reading and building are iterative, so a document nested a million
  levels deep is drawn like any other.

Problems with the input (a missing file, bad JSON ...) print one line on
standard error and exit with status 2, without a traceback.

Examples:
    >>> from boughs.cli import main
    >>> main(["show", "no-such-file.json"])  # doctest: +SKIP
    boughs: error: cannot read 'no-such-file.json': No such file or directory
    2
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Final

from rich.console import Console
from rich.text import Text

import boughs
from boughs.node import Node
from boughs.render import (
    DEFAULT_MAX_CHILDREN,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_NODES,
    GUIDES,
    render,
)

__all__ = ["JsonNode", "load_json_tree", "main"]

MAX_FILE_BYTES: Final = 256 * 1024 * 1024
"""Largest file `boughs show` reads."""

_LATER: Final = {
    ".xml": "XML",
    ".html": "HTML",
    ".htm": "HTML",
    ".xhtml": "XHTML",
    ".py": "Python syntax-tree",
}
"""File types that the adapters will bring; `boughs show` says so until then."""


class CliError(Exception):
    """A problem to report on one line of standard error, with exit status 2."""


# ------------------------------------------------------------ JSON trees --

_NO_VALUE: Final[Any] = object()
_SCALARS: Final = (str, int, float, bool, type(None))


def _json_scalar(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(value: object) -> str:
    if isinstance(value, dict):
        return f"{{{len(value):,} keys}}"
    if isinstance(value, list):
        return f"[{len(value):,} items]"
    return _json_scalar(value, 30)


class JsonNode(Node):
    """A node read from JSON: a name (a key, an index or a ``"name"`` field),
    an optional scalar ``value``, and the ``extra`` fields of a named object.

    Examples:
        >>> from boughs import render_text
        >>> print(render_text(load_json_tree('{"a": [1, {"b": null}]}', "doc")))
        doc
        └── a
            ├── [0]: 1
            └── [1]
                └── b: null

    """

    __slots__ = ("extra", "value")

    def __init__(self, name: object, value: object = _NO_VALUE, extra: Any = None) -> None:
        super().__init__(name)
        self.value = value
        self.extra = extra

    def tree_label(self) -> str:
        """The name, then ``: value`` for a scalar. Complexity: O(1)."""
        name = str(self.name)
        return name if self.value is _NO_VALUE else f"{name}: {_json_scalar(self.value)}"

    def rich_label(self) -> Text:
        """`tree_label` with the value and extra fields coloured. Complexity: O(1)."""
        label = Text(str(self.name), style="bold")
        if self.value is not _NO_VALUE:
            label.append(": ")
            label.append(_json_scalar(self.value), style="green")
        if self.extra:
            shown = list(self.extra.items())[:4]
            fields = " ".join(f"{k}={_summary(v)}" for k, v in shown)
            more = " …" if len(self.extra) > 4 else ""
            label.append(f"  {fields}{more}", style="dim")
        return label


def _is_named(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("name", _NO_VALUE), _SCALARS)
        and isinstance(value.get("children", []), list)
    )


def _make(key: object, value: Any) -> tuple[JsonNode, Iterable[tuple[object, Any]] | None]:
    """A node for ``value`` found under ``key``, and the entries of its children."""
    if _is_named(value):
        extra = {k: v for k, v in value.items() if k not in ("name", "children")}
        node = JsonNode(value["name"], extra=extra or None)
        kids = value.get("children", [])
        return node, (((f"[{i}]", v) for i, v in enumerate(kids)) if kids else None)
    if isinstance(value, dict):
        return JsonNode(key), (value.items() if value else None)
    if isinstance(value, list):
        return JsonNode(key), (((f"[{i}]", v) for i, v in enumerate(value)) if value else None)
    return JsonNode(key, value), None


def tree_from_data(data: Any, title: str) -> JsonNode:
    """Build a tree from parsed JSON ``data``; ``title`` names a root that has no name.

    Complexity: O(n) for n values, iterative.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # a tree holds no cycles: the collector's passes would be wasted work
    try:
        root, entries = _make(title, data)
        stack = [(root, entries)]
        while stack:
            parent, entries = stack.pop()
            if entries is None:
                continue
            kids = []
            for key, value in entries:
                child, grandchildren = _make(key, value)
                kids.append(child)
                if grandchildren is not None:
                    stack.append((child, grandchildren))
            parent.extend(kids)
        return root
    finally:
        if was_enabled:
            gc.enable()


_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
_NUMBER: Final = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")


def _loads_deep(text: str) -> Any:
    """`json.loads` without recursion, for documents nested too deep for it.

    Raises:
        json.JSONDecodeError: ``text`` is not JSON.
    """
    scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
    space = _WHITESPACE.match
    error = json.JSONDecodeError
    stack: list[tuple[Any, Any]] = []  # (open container, key awaiting its value or None)

    def key_at(pos: int) -> tuple[str, int]:
        if text[pos : pos + 1] != '"':
            raise error("Expecting property name enclosed in double quotes", text, pos)
        key, pos = scanstring(text, pos + 1, True)
        pos = space(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise error("Expecting ':' delimiter", text, pos)
        return key, space(text, pos + 1).end()  # type: ignore[union-attr]

    pos = space(text, 0).end()  # type: ignore[union-attr]
    while True:
        char = text[pos : pos + 1]
        value: Any
        if char == "{":
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != "}":
                key, pos = key_at(pos)
                stack.append(({}, key))
                continue
            value, pos = {}, pos + 1
        elif char == "[":
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != "]":
                stack.append(([], None))
                continue
            value, pos = [], pos + 1
        elif char == '"':
            value, pos = scanstring(text, pos + 1, True)
        elif (number := _NUMBER.match(text, pos)) is not None:
            whole, fraction, exponent = number.groups()
            value = float(number.group()) if fraction or exponent else int(whole)
            pos = number.end()
        elif text.startswith("true", pos):
            value, pos = True, pos + 4
        elif text.startswith("false", pos):
            value, pos = False, pos + 5
        elif text.startswith("null", pos):
            value, pos = None, pos + 4
        elif text.startswith("NaN", pos):  # as json.loads allows
            value, pos = float("nan"), pos + 3
        elif text.startswith("Infinity", pos):
            value, pos = float("inf"), pos + 8
        elif text.startswith("-Infinity", pos):
            value, pos = float("-inf"), pos + 9
        else:
            raise error("Expecting value", text, pos)
        while True:  # a value is complete: give it to its container, closing those that end
            if not stack:
                end = space(text, pos).end()  # type: ignore[union-attr]
                if end != len(text):
                    raise error("Extra data", text, end)
                return value
            container, key = stack[-1]
            if key is None:
                container.append(value)
            else:
                container[key] = value
            pos = space(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == ",":
                pos = space(text, pos + 1).end()  # type: ignore[union-attr]
                if key is not None:
                    key, pos = key_at(pos)
                    stack[-1] = (container, key)
                break
            if char != ("]" if key is None else "}"):
                expected = "',' delimiter" if char else "a closing bracket"
                raise error(f"Expecting {expected}", text, pos)
            stack.pop()
            value, pos = container, pos + 1


def load_json_tree(text: str, title: str) -> JsonNode:
    """Parse JSON ``text`` into a tree.

    A ``{"name": ..., "children": [...]}`` object becomes a node with that
    name (its other fields are kept in ``extra``); any other object or array
    becomes a node named ``title``, its key or its index, with one child per
    entry; a scalar becomes a ``name: value`` leaf.

    Raises:
        json.JSONDecodeError: ``text`` is not JSON.
        ValueError: a number too long to convert.

    Complexity: O(len(text)); iterative however deep the document is nested.
    """
    try:
        data = json.loads(text)
    except RecursionError:  # nested deeper than the C parser's recursion allows
        data = _loads_deep(text)
    return tree_from_data(data, title)


def _read_tree(path: str) -> JsonNode:
    if path == "-":
        title, text = "<stdin>", sys.stdin.read()
    else:
        title = os.path.basename(path)
        try:
            status = os.stat(path)
            if stat.S_ISDIR(status.st_mode):
                raise CliError(f"cannot read {path!r}: it is a directory")
            size = status.st_size
            if size > MAX_FILE_BYTES:
                raise CliError(
                    f"{path}: file too large ({size:,} bytes; boughs show reads at most "
                    f"{MAX_FILE_BYTES:,})"
                )
            suffix = os.path.splitext(path)[1].lower()
            if suffix in _LATER:
                raise CliError(
                    f"{path}: {_LATER[suffix]} files are not supported yet (they come with "
                    "the adapters); boughs show reads .json files for now"
                )
            if suffix != ".json":
                raise CliError(f"{path}: unsupported file type {suffix or '(none)'!r}; use .json")
            with open(path, "rb") as file:
                raw = file.read()
        except OSError as e:
            raise CliError(f"cannot read {path!r}: {e.strerror or e}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise CliError(f"{path}: not UTF-8 text (byte {e.start:,} is invalid)") from None
    try:
        return load_json_tree(text, title)
    except json.JSONDecodeError as e:
        raise CliError(
            f"{path}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
        ) from None
    except ValueError as e:  # e.g. an integer too long to convert
        raise CliError(f"{path}: invalid JSON: {str(e).split(':')[0]}") from None


# -------------------------------------------------------------- commands --


def _show(args: argparse.Namespace) -> int:
    root = _read_tree(args.file)
    guide = "ascii" if args.ascii else args.guide
    picture = render(
        root,
        max_depth=args.max_depth,
        max_children=args.max_children,
        max_nodes=args.max_nodes,
        guide=guide,
    )
    Console().print(picture)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from boughs._demo import lesson

    lesson(Console(), guide="ascii" if args.ascii else "unicode")
    return 0


def _limit(minimum: int) -> Any:
    def parse(text: str) -> int | None:
        if text.lower() == "none":
            return None
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number or 'none', not {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boughs",
        description="Trees whose parents own their children and whose children borrow "
        "their parents.",
    )
    parser.add_argument("--version", action="version", version=f"boughs {boughs.__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True)

    demo = commands.add_parser(
        "demo",
        help="the ownership lesson, step by step",
        description="Build a small document tree, keep one inner node, drop the root and "
        "watch reference counting free the rest at once, even with the cyclic garbage "
        "collector switched off.",
    )
    demo.add_argument("--ascii", action="store_true", help="draw trees with ASCII characters")
    demo.set_defaults(run=_demo)

    show = commands.add_parser(
        "show",
        help="draw the tree in a file",
        description='Draw the tree in a .json file: nested {"name": ..., "children": '
        "[...]} objects, or any nested objects and arrays. Use - to read standard input. "
        "(.xml, .html and .py files come with the adapters.)",
    )
    show.add_argument("file", metavar="FILE", help="a .json file, or - for standard input")
    show.add_argument(
        "--max-depth",
        type=_limit(0),
        default=DEFAULT_MAX_DEPTH,
        metavar="N",
        help=f"levels shown below the root, or 'none' (default {DEFAULT_MAX_DEPTH})",
    )
    show.add_argument(
        "--max-children",
        type=_limit(0),
        default=DEFAULT_MAX_CHILDREN,
        metavar="N",
        help=f"children shown per node, or 'none' (default {DEFAULT_MAX_CHILDREN})",
    )
    show.add_argument(
        "--max-nodes",
        type=_limit(1),
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"nodes shown in all, or 'none' (default {DEFAULT_MAX_NODES:,})",
    )
    style = show.add_mutually_exclusive_group()
    style.add_argument("--ascii", action="store_true", help="same as --guide ascii")
    style.add_argument("--guide", choices=list(GUIDES), default="unicode", help="guide line style")
    show.set_defaults(run=_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``boughs`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 2 for bad arguments or unreadable input.

    Complexity: that of the command.
    """
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CliError as e:
        print(f"boughs: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    # A closed pipe (`boughs show big.json | head`) is handled by rich: exit status 1.
