"""Every public operation has a docstring with a short example and a ``Complexity:`` line.

The public API is every name in ``__all__`` of ``boughs`` and of each public
module (``src/boughs/*.py`` without a leading underscore). For each public
function, and for each public method, property, classmethod and staticmethod
of a public class (plus ``__copy__`` and ``__deepcopy__``), the docstring must
hold an ``Examples:`` section with a doctest (``>>>``) and a ``Complexity:``
line. A class or exception with no such members needs an example in its own
docstring instead; classes never need a ``Complexity:`` line.

Each object is checked where it is defined: a re-exported name belongs to the
module in its ``__module__``, an inherited member to the class that defines it,
and members inherited from outside boughs (``collections.abc``, ``tuple``, ...)
are not checked. The examples themselves run as doctests (``--doctest-modules``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from types import FunctionType, ModuleType

import boughs

# Dunder methods that are public operations all the same.
PUBLIC_DUNDERS = {"__copy__", "__deepcopy__"}

EXAMPLES = re.compile(r"^\s*Examples:\s*$", re.MULTILINE)
DOCTEST = re.compile(r"^\s*>>> ", re.MULTILINE)
COMPLEXITY = re.compile(r"^\s*Complexity:", re.MULTILINE)


def public_modules() -> list[ModuleType]:
    """``boughs`` and each of its modules without a leading underscore that has ``__all__``."""
    found = [boughs]
    for info in pkgutil.iter_modules(boughs.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"boughs.{info.name}")
        if hasattr(module, "__all__"):
            found.append(module)
    return found


def in_boughs(module_name: str) -> bool:
    return module_name == "boughs" or module_name.startswith("boughs.")


def qualified_name(obj: type | FunctionType) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def is_public(name: str) -> bool:
    return not name.startswith("_") or name in PUBLIC_DUNDERS


def operation_doc(member: object) -> str | None:
    """The docstring of a class attribute that is an operation, or None if it is not one."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__.__doc__ or ""
    if isinstance(member, (property, functools.cached_property)):
        return member.__doc__ or ""
    if inspect.isfunction(member):
        return member.__doc__ or ""
    return None


def class_members(cls: type) -> Iterator[tuple[type, str, str]]:
    """(defining class, name, docstring) of each public operation of ``cls`` defined in boughs."""
    for klass in cls.__mro__:
        if not in_boughs(klass.__module__):
            continue
        for name, member in vars(klass).items():
            if not is_public(name):
                continue
            doc = operation_doc(member)
            if doc is not None:
                yield klass, name, doc


def problems(doc: str, *, complexity: bool) -> list[str]:
    missing = []
    if not (EXAMPLES.search(doc) and DOCTEST.search(doc)):
        missing.append("example")
    if complexity and not COMPLEXITY.search(doc):
        missing.append("Complexity:")
    return missing


def offenders() -> list[str]:
    """One line per public object whose docstring lacks an example or a Complexity line."""
    seen: set[str] = set()
    found: list[str] = []

    def check(qualified: str, doc: str, *, complexity: bool) -> None:
        if qualified in seen:
            return
        seen.add(qualified)
        missing = problems(doc, complexity=complexity)
        if missing:
            found.append(f"{qualified}: no {' and no '.join(missing)}")

    for module in public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                if not in_boughs(obj.__module__):
                    continue  # re-exported from elsewhere
                has_operations = False
                for klass, member, doc in class_members(obj):
                    has_operations = True
                    qualified = f"{klass.__module__}.{klass.__qualname__}.{member}"
                    check(qualified, doc, complexity=True)
                if not has_operations:
                    check(qualified_name(obj), obj.__doc__ or "", complexity=False)
            elif inspect.isfunction(obj):
                if not in_boughs(obj.__module__):
                    continue
                check(qualified_name(obj), obj.__doc__ or "", complexity=True)
            # Constants and type aliases are not operations.
    return sorted(found)


def test_public_api_is_found() -> None:
    names = {module.__name__ for module in public_modules()}
    assert {"boughs", "boughs.node", "boughs.scene", "boughs.dom", "boughs.pyast"} <= names
    assert {"boughs.formats", "boughs.traversal", "boughs.render"} <= names
    assert "boughs._storage" not in names


def test_the_check_reports_what_is_missing() -> None:
    example = "Examples:\n    >>> 1 + 1\n    2\n"
    assert problems(f"Add.\n\n{example}\nComplexity: O(1).\n", complexity=True) == []
    assert problems("Add.\n\nComplexity: O(1).\n", complexity=True) == ["example"]
    assert problems(f"Add.\n\n{example}", complexity=True) == ["Complexity:"]
    assert problems(f"Add.\n\n{example}", complexity=False) == []
    # House style: the section header is exactly "Examples:", never "Example:".
    assert problems("Add.\n\nExample:\n    >>> 1\n", complexity=False) == ["example"]


def test_every_public_operation_has_an_example_and_complexity() -> None:
    found = offenders()
    assert not found, f"{len(found)} docstrings to complete:\n" + "\n".join(found)
