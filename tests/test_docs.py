"""Every ```python block in the docs and the README runs, page by page, in order.

What a block prints is checked too, by one convention: a ```text block that
comes right after a ```python block (nothing but blank lines between them) is
that block's expected standard output. Both are compared line by line with
trailing white space removed, and trailing blank lines ignored. Where the
output legitimately varies (addresses, timings, an optional library), either
rewrite the example to print stable values or put the line

    <!-- output not checked: WHY -->

between the two blocks: the text block is then shown but not compared.
"""

from __future__ import annotations

import code
import contextlib
import gc
import importlib.util
import io
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
NOT_CHECKED = re.compile(r"^<!-- output not checked: [^>]+ -->$")


@dataclass
class Block:
    code: str
    output: str | None  # the text block that follows, if any and if checked


def blocks_of(text: str) -> list[Block]:
    """The ```python blocks of a page, each with the output the page shows for it."""
    found: list[Block] = []
    fences = list(FENCE.finditer(text))
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        output = None
        after = fences[i + 1] if i + 1 < len(fences) else None
        if after is not None and after.group(1) == "text":
            between = text[fence.end() : after.start()].strip()
            if not between:
                output = after.group(2)
            elif between.startswith("<!-- output"):
                assert NOT_CHECKED.match(between), (
                    f"malformed marker {between!r}: write <!-- output not checked: WHY -->"
                )
        found.append(Block(fence.group(2), output))
    return found


def blocks(page: Path) -> list[str]:
    return [block.code for block in blocks_of(page.read_text(encoding="utf-8"))]


def normalised(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    was_enabled = gc.isenabled()
    try:
        for number, block in enumerate(blocks_of(page.read_text(encoding="utf-8")), 1):
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(block.code, f"{page.name}[block {number}]", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{page.name}, block {number} failed:\n{block.code}") from exc
            if block.output is not None:
                assert normalised(out.getvalue()) == normalised(block.output), (
                    f"{page.name}, block {number} printed something else than the text block "
                    f"after it shows:\n{block.code}"
                )
    finally:
        if was_enabled:
            gc.enable()


def test_the_convention_finds_outputs() -> None:
    page = (
        "```python\nprint(1)\n```\n\n```text\n1\n```\n"
        "```python\nprint(2)\n```\nprose\n```text\n2\n```\n"
        "```python\nprint(3)\n```\n<!-- output not checked: it varies -->\n```text\n3\n```\n"
        "```python\nprint(4)\n```\n"
    )
    assert [(b.code, b.output) for b in blocks_of(page)] == [
        ("print(1)\n", "1\n"),
        ("print(2)\n", None),
        ("print(3)\n", None),
        ("print(4)\n", None),
    ]
    assert normalised("a  \nb\n\n\n") == normalised("a\nb") == ["a", "b"]


def test_pages_show_what_their_code_prints() -> None:
    """The convention is used: the pages that teach by output have their outputs checked."""
    checked = {
        page.relative_to(ROOT).as_posix(): sum(
            block.output is not None for block in blocks_of(page.read_text(encoding="utf-8"))
        )
        for page in PAGES
    }
    for name in ("README.md", "docs/tutorial.md", "docs/rendering.md", "docs/nodepath.md"):
        assert checked[name] >= 2, name


def test_the_tutorial_prints_what_it_says() -> None:
    page = ROOT / "docs" / "tutorial.md"
    namespace: dict[str, object] = {"__name__": "docs_tutorial"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code_block in blocks(page):
            exec(compile(code_block, "tutorial", "exec"), namespace)
    gc.enable()
    text = out.getvalue()
    assert "alive after del: True" in text
    assert "[None, None]" in text
    assert "⟂ parent collected (was 'body')" in text
    assert "['added x']" in text


def _anytree_block() -> str:
    """The tutorial's block that shows anytree's strong parents."""
    found = [code for code in blocks(ROOT / "docs" / "tutorial.md") if "import anytree" in code]
    assert len(found) == 1, "the tutorial shows anytree in one block"
    return found[0]


def test_the_tutorial_shows_a_real_strong_parent_library() -> None:
    """anytree is in the test extra, so its block really runs (and says so when it cannot)."""
    anytree_block = _anytree_block()
    out = io.StringIO()
    namespace: dict[str, object] = {"__name__": "docs_tutorial"}
    with contextlib.redirect_stdout(out):
        exec("import gc, weakref", namespace)
        exec(compile(anytree_block, "tutorial[anytree]", "exec"), namespace)
    gc.enable()
    if importlib.util.find_spec("anytree") is None:  # pragma: no cover - in the test extra
        assert out.getvalue() == "anytree is not installed: pip install anytree to run this block\n"
    else:
        assert out.getvalue() == (
            "anytree, alive after del: True\ncollected: True\nanytree, alive after collect: False\n"
        )


def test_the_anytree_block_says_so_when_anytree_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    anytree_block = _anytree_block()
    monkeypatch.setitem(sys.modules, "anytree", None)  # import anytree raises ImportError
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(anytree_block, "tutorial[anytree]", "exec"), {"__name__": "docs_tutorial"})
    assert out.getvalue() == "anytree is not installed: pip install anytree to run this block\n"


def test_the_networkx_example_really_uses_networkx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """formats.md's networkx block does nothing without networkx: the test extra has it."""
    pytest.importorskip("networkx", reason="networkx is in the test extra")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_formats"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code_block in blocks(ROOT / "docs" / "formats.md"):
            exec(compile(code_block, "formats.md", "exec"), namespace)
            if "to_networkx(root)" in code_block:
                break
    assert namespace["nx"] is not None
    assert "[(0, 1), (0, 2), (2, 3)]" in out.getvalue()
    assert "so the graph is not a tree" in out.getvalue()


class _Prompt(code.InteractiveConsole):
    """An interactive console that records errors instead of printing them."""

    def __init__(self) -> None:
        super().__init__({"__name__": "__console__"}, filename="<stdin>")
        self.errors: list[str] = []

    def showsyntaxerror(self, filename: str | None = None, **kwargs: object) -> None:
        self.errors.append(traceback.format_exc())

    def showtraceback(self) -> None:
        self.errors.append(traceback.format_exc())


def test_the_tutorial_pastes_into_a_python_prompt() -> None:
    """The tutorial says: paste the blocks into a Python prompt. Each line is fed to
    an interactive console, as a paste would; a blank line in a class body, or a
    statement right after an indented block, would break there."""
    prompt = _Prompt()
    was_enabled = gc.isenabled()
    try:
        for number, code_block in enumerate(blocks(ROOT / "docs" / "tutorial.md"), 1):
            with contextlib.redirect_stdout(io.StringIO()):
                more = False
                for line in code_block.splitlines():
                    more = prompt.push(line)
                if more:  # the blank line a paste ends with
                    more = prompt.push("")
            assert not prompt.errors, f"block {number} fails at a prompt:\n{prompt.errors[0]}"
            assert not more, f"block {number} leaves the prompt waiting for more"
    finally:
        if was_enabled:
            gc.enable()


def test_the_prompt_test_catches_a_blank_line_in_a_class() -> None:
    prompt = _Prompt()
    with contextlib.redirect_stdout(io.StringIO()):
        for line in "class A:\n    x = 1\n\n    def f(self):\n        pass\n".splitlines():
            prompt.push(line)
    assert prompt.errors and "IndentationError" in prompt.errors[0]


def _pictures_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_pictures", ROOT / "docs" / "gen_pictures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pictures_are_what_the_script_draws_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _pictures_module()
    monkeypatch.setattr(module, "HERE", tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert module.main() == 0
    names = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert names == ["forest.svg", "orphan.svg", "truncated.svg"]
    for name in names:
        fresh = (tmp_path / name).read_bytes()
        assert fresh == (ROOT / "docs" / "images" / name).read_bytes(), (
            f"docs/images/{name} is stale: run python docs/gen_pictures.py"
        )


def test_the_tutorial_pictures_show_the_tutorial_trees() -> None:
    """The pictures draw the trees the tutorial's code builds (gen_pictures runs it)."""
    module = _pictures_module()
    tutorial = module.run_page("tutorial.md")
    assert tutorial["para"].parent_collected and tutorial["cut_item"].detached
    orphan = (ROOT / "docs" / "images" / "orphan.svg").read_text(encoding="utf-8")
    forest = (ROOT / "docs" / "images" / "forest.svg").read_text(encoding="utf-8")
    assert "(was&#160;&#x27;body&#x27;)" in orphan
    for label in ("forest:&#160;3&#160;trees", "kept", "leaf", "item"):
        assert label in forest, label


DOCUMENTED_COSTS = """
boughs.render: render render_text render_forest RenderedForest.to_text
boughs.render: rich_repr_fields=__rich_repr__
boughs.node: BaseNode.observe
boughs.events: Subscription.active Subscription.node Subscription.cancel
boughs.weak: WeakRef
boughs.index: WeakIndex WeakIndex.refresh
boughs.sidetable: NodeData NodeData.popitem NodeData.clear NodeData.copy
boughs.groups: add_to_group remove_from_group is_in_group group_members node_groups
boughs.diagnostics: find_cycles find_orphans
boughs.scene: SceneNode SceneNode.transform SceneNode.position SceneNode.rotation
boughs.scene: SceneNode.scale SceneNode.visible SceneNode.world_transform
boughs.scene: SceneNode.world_position SceneNode.visible_in_tree SceneNode.move_to
boughs.scene: visible_nodes
boughs.transform: Transform.__matmul__=@
boughs.dom: parse_html parse_xml to_html to_xml DomNode.select DomNode.select_one
boughs.dom: Element.matches Document.get_element_by_id DomNode.text_content
boughs.pyast: parse parse_file from_ast to_ast unparse enclosing scope_of qualname
boughs.formats: to_dict from_dict to_json from_json load_json_tree to_dot to_mermaid
boughs.formats: to_networkx from_networkx
"""
"""The public operations whose docstring's cost the complexity page must quote:
``module: name[=word in its row]`` (by default the row names the last part)."""


def _documented_costs() -> list[tuple[str, str, str]]:
    """(operation, the word its row names, the docstring's cost) for each operation."""
    import importlib
    import inspect

    found = []
    for line in DOCUMENTED_COSTS.strip().splitlines():
        module_name, names = line.split(": ")
        for spec in names.split():
            name, _, word = spec.partition("=")
            documented: object = importlib.import_module(module_name)
            for part in name.split("."):
                documented = getattr(documented, part)
            doc = inspect.getdoc(documented) or ""
            cost = doc.partition("Complexity:")[2].split("\n\n")[0]
            found.append((name, word or part, " ".join(cost.split()).rstrip(".")))
    return found


@pytest.mark.parametrize(
    ("name", "word", "cost"), _documented_costs(), ids=[name for name, *_ in _documented_costs()]
)
def test_the_complexity_page_quotes_the_docstrings(name: str, word: str, cost: str) -> None:
    """Every public operation's row says what its docstring's ``Complexity:`` line says."""
    assert cost, f"{name} has no Complexity: line"
    page = (ROOT / "docs" / "explanation" / "complexity.md").read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in page.splitlines() if line.startswith("| `")]
    assert any(word in row[0] and " ".join(row[1].split()) == cost + " |" for row in rows), (
        f"complexity.md has no row for {name} that says: {cost}"
    )
