"""Every script in examples/ runs to completion, in its own interpreter, in seconds.

Each runs as ``python examples/<name>.py`` would (a fresh process, so that one
script's garbage-collector settings or subscriptions cannot leak into another
or into the test session), must exit with status 0, print something, write
nothing to stderr (no tracebacks, no "Exception ignored" reports), and say
what it is about in a module docstring.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_there_are_examples() -> None:
    assert SCRIPTS, f"no scripts found in {EXAMPLES}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,  # an example must not depend on (or litter) the working directory
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stderr}"
    assert done.stderr == "", f"{script.name} wrote to stderr:\n{done.stderr}"
    assert done.stdout.strip(), f"{script.name} printed nothing"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_has_a_docstring_and_a_main_guard(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring) > 40, f"{script.name} needs a module docstring"
    guarded = any(
        isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body
    )
    assert guarded, f"{script.name} should run its demo under `if __name__ == '__main__':`"
