"""Every ```python block in the docs and the README runs, page by page, in order."""

from __future__ import annotations

import contextlib
import gc
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    was_enabled = gc.isenabled()
    try:
        for number, code in enumerate(blocks(page), 1):
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(code, f"{page.name}[block {number}]", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{page.name}, block {number} failed:\n{code}") from exc
    finally:
        if was_enabled:
            gc.enable()


def test_the_tutorial_prints_what_it_says() -> None:
    page = ROOT / "docs" / "tutorial.md"
    namespace: dict[str, object] = {"__name__": "docs_tutorial"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in blocks(page):
            exec(compile(code, "tutorial", "exec"), namespace)
    gc.enable()
    text = out.getvalue()
    assert "alive after del: True" in text
    assert "[None, None]" in text
    assert "⟂ parent collected (was 'body')" in text
    assert "['added x']" in text


def test_the_pictures_script_draws_every_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_pictures", ROOT / "docs" / "gen_pictures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    assert module.main() == 0
    names = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert names == ["forest.svg", "orphan.svg", "truncated.svg"]
    assert "collected" in (tmp_path / "orphan.svg").read_text(encoding="utf-8")
    for name in names:  # the committed pictures exist too
        assert (ROOT / "docs" / "images" / name).exists()
