"""The ``boughs`` command (also ``python -m boughs``).

* ``boughs demo`` tells the ownership lesson in the terminal, step by step.
* ``boughs show FILE`` draws the tree in a file, chosen by its suffix (see
  `LOADERS`): ``.json`` (nested ``{"name": ..., "children": [...]}`` objects,
  or any nested objects and arrays), ``.xml``/``.xhtml``/``.svg`` (parsed
  safely: entity declarations are refused), ``.html``/``.htm`` and ``.py``
  (the Python syntax tree, through `boughs.pyast`). ``--format`` overrides
  the suffix, and is how standard input (``-``, JSON unless told otherwise)
  is read. Reading and building are iterative, so a document nested a
  million levels deep is drawn like any other.

Problems with the input (a missing file, bad JSON, XML or Python ...) print
one line on standard error and exit with status 2, without a traceback.
Output never fails on encoding: a character the terminal's encoding cannot
write is written as a backslash escape (``caf\\xe9`` on an ASCII terminal).

Examples:
    >>> from boughs.cli import main
    >>> main(["show", "no-such-file.json"])  # doctest: +SKIP
    boughs: error: cannot read 'no-such-file.json': No such file or directory
    2
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, TextIO

from rich.console import Console

import boughs
from boughs.dom import parse_html, parse_xml
from boughs.errors import FormatError
from boughs.formats import JsonNode, load_json_tree
from boughs.limits import Limits
from boughs.node import BaseNode
from boughs.render import (
    DEFAULT_MAX_CHILDREN,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_NODES,
    GUIDES,
    render,
)

__all__ = ["LOADERS", "JsonNode", "Loader", "load_json_tree", "main"]

MAX_FILE_BYTES: Final = 256 * 1024 * 1024
"""Largest file `boughs show` reads."""


class CliError(Exception):
    """A problem to report on one line of standard error, with exit status 2."""


# ---------------------------------------------------------------- loaders --

Loader = Callable[[bytes, str], BaseNode]
"""Reads a file's bytes into a tree; the ``str`` is a title (the file's name)."""

_LIMITS: Final = Limits(max_bytes=None, max_nodes=None, max_depth=None, max_attributes=None)
"""The command reads what its user chose to show: only the file size is bounded."""


def _load_json(raw: bytes, title: str) -> BaseNode:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CliError(f"not UTF-8 text (byte {e.start:,} is invalid)") from None
    return load_json_tree(text, title, limits=_LIMITS)


def _load_xml(raw: bytes, title: str) -> BaseNode:
    return parse_xml(raw, limits=_LIMITS, keep_whitespace=False)


def _load_html(raw: bytes, title: str) -> BaseNode:
    return parse_html(raw, limits=_LIMITS, keep_whitespace=False)


LOADERS: dict[str, Loader] = {
    ".json": _load_json,
    ".xml": _load_xml,
    ".xhtml": _load_xml,
    ".svg": _load_xml,
    ".html": _load_html,
    ".htm": _load_html,
}
"""How `boughs show` reads each file suffix; add an entry to teach it a new kind."""


def _load_python(raw: bytes, title: str) -> BaseNode:
    import importlib.util

    from boughs import pyast  # on demand: most runs never read Python

    try:
        return pyast.parse(importlib.util.decode_source(raw), title)
    except SyntaxError as e:  # also a bad encoding declaration
        where = f" at line {e.lineno}, column {e.offset}" if e.lineno else ""
        raise FormatError(
            f"invalid Python{where}: {e.msg}", line=e.lineno, column=e.offset
        ) from None
    except pyast.TooDeepError as e:
        # Its message starts with the file name, which the caller adds to every error.
        raise FormatError(str(e).removeprefix(f"{title}: ")) from None
    except ValueError as e:  # undecodable bytes, a null byte
        raise FormatError(f"not Python source: {e}") from None


LOADERS[".py"] = _load_python


def _loader(path: str, suffix: str) -> Loader:
    loader = LOADERS.get(suffix)
    if loader is not None:
        return loader
    raise CliError(
        f"{path}: unsupported file type {suffix or '(none)'!r}; boughs show reads "
        f"{_known()} (or pass --format)"
    )


def _known() -> str:
    names = sorted(LOADERS)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _read_tree(path: str, form: str | None = None) -> BaseNode:
    if path == "-":
        title = "<stdin>"
        loader = _loader(path, "." + (form or "json"))
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
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
            loader = _loader(path, "." + form if form else os.path.splitext(path)[1].lower())
            with open(path, "rb") as file:
                raw = file.read()
        except OSError as e:
            raise CliError(f"cannot read {path!r}: {e.strerror or e}") from None
    try:
        return loader(raw, title)
    except (CliError, FormatError) as e:
        raise CliError(f"{path}: {e}") from None


# -------------------------------------------------------------- commands --


def _show(args: argparse.Namespace) -> int:
    root = _read_tree(args.file, args.format)
    guide = "ascii" if args.ascii else args.guide
    picture = render(
        root,
        max_depth=args.max_depth,
        max_children=args.max_children,
        max_nodes=args.max_nodes,
        guide=guide,
    )
    # soft_wrap: a line that --max-depth makes wider than the terminal is written
    # whole (the terminal wraps it) instead of being cropped.
    Console().print(picture, soft_wrap=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from boughs._demo import lesson

    lesson(Console(), guide="ascii" if args.ascii else "unicode")
    return 0


def _limit(minimum: int, *, auto: bool = False) -> Any:
    words = "a whole number, 'none' or 'auto'" if auto else "a whole number or 'none'"

    def parse(text: str) -> int | str | None:
        if text.lower() == "none":
            return None
        if auto and text.lower() == "auto":
            return "auto"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {words}, not {text!r}") from None
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
        description='Draw the tree in a file: .json (nested {"name": ..., "children": '
        "[...]} objects, or any nested objects and arrays), .xml, .xhtml, .svg, .html, "
        ".htm or .py (the Python syntax tree), by its suffix or --format. Use - to read "
        "standard input (JSON unless --format says otherwise). Every cut is said: "
        "'… 9,900 more' (--max-children), '… 2 more (max nodes 1,000)' (--max-nodes) and "
        "'… 3 children, 12 more levels (max depth 50)' (--max-depth). Exit status: 0 "
        "when the tree was drawn, 2 for bad arguments or unreadable input (one line on "
        "standard error).",
    )
    show.add_argument(
        "file",
        metavar="FILE",
        help="a .json, .xml, .html or .py file, or - for standard input",
    )
    show.add_argument(
        "--format",
        choices=sorted(suffix.lstrip(".") for suffix in LOADERS),
        help="read the file as this kind, whatever its suffix",
    )
    show.add_argument(
        "--max-depth",
        type=_limit(0, auto=True),
        default="auto",
        metavar="N",
        help=f"levels shown below the root, or 'none' for all; 'auto' (the default) shows "
        f"{DEFAULT_MAX_DEPTH}, or fewer if the terminal is too narrow for them. A number "
        "is honoured whatever the width: deeper lines are wider than the terminal",
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

    Examples:
        >>> import pathlib, tempfile
        >>> from boughs.cli import main
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder, "tree.json")
        ...     _ = path.write_text('{"name": "root", "children": [{"name": "a"}]}')
        ...     status = main(["show", str(path)])
        root
        └── a
        >>> status
        0

    Complexity: that of the command.
    """
    with _escaping(sys.stdout), _escaping(sys.stderr):  # --help writes too
        args = _parser().parse_args(argv)
        try:
            return int(args.run(args))
        except CliError as e:
            print(f"boughs: error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
    # A closed pipe (`boughs show big.json | head`) is handled by rich: exit status 1.


@contextlib.contextmanager
def _escaping(stream: TextIO) -> Iterator[None]:
    """Let ``stream`` write what its encoding cannot as backslash escapes, meanwhile.

    A name with an ``é`` on an ASCII terminal, or a lone surrogate from a file
    name, is then written as ``\\xe9`` or ``\\udcff`` instead of raising
    ``UnicodeEncodeError``. Streams that cannot be reconfigured are left alone.
    """
    errors = getattr(stream, "errors", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or errors is None or errors == "backslashreplace":
        yield
        return
    reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            reconfigure(errors=errors)
