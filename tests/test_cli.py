"""Tests for the ``boughs`` command: ``demo`` and ``show``, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boughs import cli
from boughs.cli import load_json_tree, main
from boughs.render import render_text


def run(
    *args: str, stdin: str | None = None, columns: int = 100, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[str]:
    """``python -m boughs ARGS`` in a plain (non-terminal, colourless) environment.

    ``encoding`` is the one the command's standard streams get (PYTHONIOENCODING).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TERM", "NO_COLOR")}
    env.update(COLUMNS=str(columns), PYTHONIOENCODING=encoding)
    return subprocess.run(
        [sys.executable, "-m", "boughs", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


def fails(result: subprocess.CompletedProcess[str], message: str) -> None:
    """The command failed with status 2 and exactly one line on stderr."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr == f"boughs: error: {message}\n"


NAMED = {
    "name": "root",
    "kind": "dir",
    "children": [
        {"name": "src", "children": [{"name": "list[int]", "size": 3}, {"name": "[/]x"}]},
        {"name": "README", "size": 1200, "tags": ["a", "b"]},
        42,
    ],
}
NAMED_PICTURE = """\
root  kind="dir"
├── src
│   ├── list[int]  size=3
│   └── [/]x
├── README  size=1200 tags=[2 items]
└── [2]: 42
"""


@pytest.fixture
def named(tmp_path: Path) -> Path:
    path = tmp_path / "named.json"
    path.write_text(json.dumps(NAMED), encoding="utf-8")
    return path


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "plain.json"
    path.write_text('{"a": {"b": [1, 2.5, "x\\u001b"], "c": null}, "d": true}', encoding="utf-8")
    return path


# ----------------------------------------------------------------- help --


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["show", "--help"]])
def test_help_for_every_command(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: boughs")


def test_show_help_lists_its_options() -> None:
    out = run("show", "--help").stdout
    for option in ("--max-depth", "--max-children", "--max-nodes", "--ascii", "--guide"):
        assert option in out
    flat = " ".join(out.split())
    assert ".py (the Python syntax tree)" in flat
    assert "'auto' (the default) shows 50, or fewer if the terminal is too narrow" in flat
    assert "'… 3 children, 12 more levels (max depth 50)' (--max-depth)" in flat
    assert "'… 2 more (max nodes 1,000)' (--max-nodes)" in flat


def test_version_and_missing_command() -> None:
    assert run("--version").stdout.startswith("boughs ")
    result = run()
    assert result.returncode == 2
    assert "the following arguments are required: command" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------- demo --


def test_demo_tells_the_whole_story() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for fact in (
        "1. Build a small document",
        '│   └── <p lang="en">',
        "Freed by del html itself: 9 nodes",
        "Freed by gc.collect(): 0 nodes; it found nothing at all to collect",
        "Still alive: 7 nodes",
        "Freed by del root: 0 of 11 nodes",
        "Freed by gc.collect(): 11 nodes",
        "(None, True, '<main id=\"content\">')",
        "⟂ parent collected (was '<main id=\"content\">')",
        "forest: 3 trees (1 root, 1 detached, 1 orphan)",
        "✂ detached subtree",
        "● root (never attached)\n<footer>",
    ):
        assert fact in out, fact
    assert out.index("1. Build") < out.index("3. Drop") < out.index("6. Everything")


def test_demo_ascii() -> None:
    result = run("demo", "--ascii")
    assert result.returncode == 0
    assert result.stdout.isascii()
    assert "! parent collected (was '<main id=\"content\">')" in result.stdout


def test_demo_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "forest: 3 trees" in capsys.readouterr().out


# ----------------------------------------------------------------- show --


def test_show_named_objects(named: Path) -> None:
    result = run("show", str(named))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == NAMED_PICTURE


def test_show_plain_objects_and_options(plain: Path) -> None:
    assert run("show", str(plain), "--ascii").stdout == (
        "plain.json\n"
        "+-- a\n"
        "|   +-- b\n"
        "|   |   +-- [0]: 1\n"
        "|   |   +-- [1]: 2.5\n"
        '|   |   `-- [2]: "x\\u001b"\n'
        "|   `-- c: null\n"
        "`-- d: true\n"
    )
    assert run("show", str(plain), "--max-depth", "1", "--guide", "double").stdout == (
        "plain.json\n╠══ a\n║   ╚══ … 2 children, 2 more levels (max depth 1)\n╚══ d: true\n"
    )
    assert run("show", str(plain), "--max-children", "1", "--max-depth", "none").stdout == (
        "plain.json\n├── a\n│   ├── b\n│   │   ├── [0]: 1\n│   │   └── … 2 more\n"
        "│   └── … 1 more\n└── … 1 more\n"
    )
    assert run("show", str(plain), "--max-nodes", "2").stdout == (
        "plain.json\n├── a\n│   └── … 2 children (max nodes 2)\n└── … 1 more (max nodes 2)\n"
    )
    assert run("show", str(plain), "--max-depth", "auto").stdout == run("show", str(plain)).stdout


def test_show_standard_input() -> None:
    result = run("show", "-", stdin="[1, [2]]")
    assert result.stdout == "<stdin>\n├── [0]: 1\n└── [1]\n    └── [0]: 2\n"


def test_show_wide_and_deep_documents(tmp_path: Path) -> None:
    wide = tmp_path / "wide.json"
    wide.write_text(json.dumps(list(range(100_000))), encoding="utf-8")
    lines = run("show", str(wide)).stdout.splitlines()
    assert len(lines) == 102 and lines[-1] == "└── … 99,900 more"
    deep = tmp_path / "deep.json"  # far deeper than json.loads can recurse
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("show", str(deep), columns=110)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["deep.json", "└── [0]"]
    assert len(lines) == 18  # 16 levels leave 40 columns for text, even on the cut line
    assert lines[-1] == " " * 64 + "└── … 1 child, 10,000+ more levels (width 110)"


def test_show_honours_an_explicit_max_depth_whatever_the_width(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 40 + "]" * 40, encoding="utf-8")
    result = run("show", str(deep), "--max-depth", "30", columns=80)
    lines = result.stdout.splitlines()
    assert len(lines) == 32
    # lines wider than the terminal are written whole (the terminal wraps them)
    assert lines[-2] == " " * 116 + "└── [0]"
    assert lines[-1] == " " * 120 + "└── … 1 child, 9 more levels (max depth 30)"
    assert len(run("show", str(deep), "--max-depth", "none", columns=80).stdout.splitlines()) == 40
    assert len(run("show", str(deep), columns=80).stdout.splitlines()) == 11


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"a": [1, 2,}', "invalid JSON at line 1, column 13: Expecting value"),
        ('{"a": 1}\n{"b": 2}', "invalid JSON at line 2, column 1: Extra data"),
        ("", "invalid JSON at line 1, column 1: Expecting value"),
        ("[" * 50_000 + "1,", "invalid JSON at line 1, column 50003: Expecting value"),
        ("[" * 50_000 + "}", "invalid JSON at line 1, column 50001: Expecting value"),
        ("1" * 5000, "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
    ],
)
def test_show_malformed_json(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run("show", str(path))
    if "4300" in message and sys.version_info < (3, 11):  # pragma: no cover
        pytest.skip("no integer string limit before Python 3.11")
    fails(result, f"{path}: {message}")


def test_show_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    fails(run("show", str(missing)), f"cannot read {str(missing)!r}: No such file or directory")
    fails(run("show", str(tmp_path)), f"cannot read {str(tmp_path)!r}: it is a directory")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"a": "\xff"}')
    fails(run("show", str(binary)), f"{binary}: not UTF-8 text (byte 7 is invalid)")


def test_show_forbidden_file(
    named: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Raised by open() itself, so that the test holds for root too (who may read anything).
    import builtins

    real_open = builtins.open

    def forbidden(file: object, *args: object, **kwargs: object) -> object:
        if file == str(named):
            raise PermissionError(13, "Permission denied", str(named))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", forbidden)
    assert main(["show", str(named)]) == 2
    assert capsys.readouterr() == (
        "",
        f"boughs: error: cannot read {str(named)!r}: Permission denied\n",
    )


KNOWN = ".htm, .html, .json, .py, .svg, .xhtml and .xml"


def test_show_python_files(tmp_path: Path) -> None:
    from boughs import pyast

    source = "def f(x):\n    return x + 1\n"
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    result = run("show", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == render_text(pyast.parse(source)) + "\n"  # tests/test_pyast.py
    assert "└── body[0]: FunctionDef 'f' (line 1)\n" in result.stdout
    assert run("show", "-", "--format", "py", stdin="pass").stdout == (
        "Module\n└── body[0]: Pass (line 1)\n"
    )


def test_show_python_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ndef f(:\n", encoding="utf-8")
    fails(run("show", str(bad)), f"{bad}: invalid Python at line 2, column 7: invalid syntax")
    chain = tmp_path / "chain.py"
    chain.write_text("x = " + "-" * 100_000 + "1", encoding="utf-8")
    result = run("show", str(chain))
    assert result.returncode == 2 and result.stdout == ""
    # the file is named once, by the command, not again by the parser's message
    assert result.stderr.startswith(f"boughs: error: {chain}: the code is nested too deeply ")
    assert result.stderr.count("chain.py") == 1 and result.stderr.count("\n") == 1


def test_show_never_fails_on_encoding(tmp_path: Path) -> None:
    lone = tmp_path / "lone.json"
    lone.write_text('{"\\ud800": "\\udcff"}', encoding="utf-8")  # lone surrogates, escaped
    result = run("show", str(lone))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == 'lone.json\n└── \ufffd: "\ufffd"\n'
    cafe = tmp_path / "cafe.json"
    cafe.write_text('{"name": "café", "children": [{"name": "naïve"}]}', encoding="utf-8")
    result = run("show", str(cafe), encoding="ascii")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "caf\\xe9\n`-- na\\xefve\n"  # ASCII guides, escaped letters
    assert run("show", str(lone), encoding="ascii").stdout == 'lone.json\n`-- \\ufffd: "\\ufffd"\n'
    helped = run("show", "--help", encoding="ascii")
    assert helped.returncode == 0 and "\\u2026 2 more" in helped.stdout
    missing = tmp_path / "missing-é.json"
    result = run("show", str(missing), encoding="ascii")
    assert result.returncode == 2 and "missing-\\xe9.json" in result.stderr


def test_show_other_file_types(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("[]", encoding="utf-8")
    fails(
        run("show", str(path)),
        f"{path}: unsupported file type '.txt'; boughs show reads {KNOWN} (or pass --format)",
    )
    assert run("show", str(path), "--format", "json").stdout == "notes.txt\n"


PAGE = """<!DOCTYPE html>
<html><head><title>Hi &amp; bye</title></head>
<body><ul id="nav"><li><a href="/">Home</a><li>About</ul>
<p>Text<br>more</body></html>
"""
PAGE_PICTURE = """\
#document
├── <!DOCTYPE html>
└── <html>
    ├── <head>
    │   └── <title>
    │       └── "Hi & bye"
    └── <body>
        ├── <ul id="nav">
        │   ├── <li>
        │   │   └── <a href="/">
        │   │       └── "Home"
        │   └── <li>
        │       └── "About"
        └── <p>
            ├── "Text"
            ├── <br>
            └── "more\\n"
"""


@pytest.mark.parametrize("suffix", [".html", ".HTM"])
def test_show_html(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"page{suffix}"
    path.write_text(PAGE, encoding="utf-8")
    result = run("show", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == PAGE_PICTURE


def test_show_xml_and_standard_input(tmp_path: Path) -> None:
    feed = '<?xml version="1.0"?>\n<feed>\n  <entry id="1"><title>A &amp; B</title></entry></feed>'
    picture = (
        '#document\n└── <feed>\n    └── <entry id="1">\n        └── <title>\n'
        '            └── "A & B"\n'
    )
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    assert run("show", str(path)).stdout == picture
    assert run("show", "-", "--format", "xml", stdin=feed).stdout == picture
    assert run("show", "-", "--format", "html", stdin="<p>x").stdout == (
        '#document\n└── <p>\n    └── "x"\n'
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<a><b></a>", "invalid XML at line 1, column 9: mismatched tag"),
        (
            '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
            "refused XML at line 1, column 52: an entity declaration (<!ENTITY x ...>): boughs "
            "never expands entities that a document declares or refers to outside itself, "
            'which is how "billion laughs" and external-entity (XXE) attacks work; remove the '
            "declaration or use a trusted parser",
        ),
    ],
)
def test_show_bad_xml(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content, encoding="utf-8")
    fails(run("show", str(path)), f"{path}: {message}")


def test_show_too_large(
    named: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "MAX_FILE_BYTES", 10)
    assert main(["show", str(named)]) == 2
    size = named.stat().st_size
    assert capsys.readouterr().err == (
        f"boughs: error: {named}: file too large ({size:,} bytes; boughs show reads at most 10)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-depth", "-1"], "argument --max-depth: must be at least 0, not -1"),
        (
            ["--max-children", "x"],
            "argument --max-children: expected a whole number or 'none', not 'x'",
        ),
        (["--max-nodes", "0"], "argument --max-nodes: must be at least 1, not 0"),
        (["--guide", "fancy"], "argument --guide: invalid choice: 'fancy'"),
        (["--ascii", "--guide", "bold"], "argument --guide: not allowed with argument --ascii"),
    ],
)
def test_show_bad_options(named: Path, args: list[str], message: str) -> None:
    result = run("show", str(named), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_show_into_a_closed_pipe(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps([{"name": "x" * 50}] * 20_000), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boughs",
            "show",
            str(big),
            "--max-nodes",
            "none",
            "--max-children",
            "none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    error = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=300) in (0, 1)  # 1 where the closed pipe is noticed
    assert error == ""  # no traceback, no "Exception ignored" at exit


# ------------------------------------------------------------ JSON trees --


def test_json_trees() -> None:
    root = load_json_tree(json.dumps(NAMED), "ignored")
    assert render_text(root) == NAMED_PICTURE[:-1]
    assert root.extra == {"kind": "dir"}
    assert render_text(load_json_tree('"hello"', "t.json")) == 't.json: "hello"'
    assert render_text(load_json_tree("[]", "t.json")) == "t.json"
    named_list = '[{"name": 1}, {"name": null, "children": [{"name": false}]}]'
    assert render_text(load_json_tree(named_list, "t")) == "t\n├── 1\n└── None\n    └── False"
    not_named = '{"name": {"x": 1}, "children": 3}'  # a "name" that is not a scalar: plain
    assert (
        render_text(load_json_tree(not_named, "t")) == "t\n├── name\n│   └── x: 1\n└── children: 3"
    )
    long = load_json_tree(json.dumps({"k": "v" * 100}), "t")
    assert render_text(long) == 't\n└── k: "' + "v" * 58 + "…"
