"""The examples in pmkit's docstrings run and give what they show (those marked SKIP need a source)."""

import doctest
import importlib
import pkgutil

import pytest

import pmkit

MODULES = sorted(m.name for m in pkgutil.walk_packages(pmkit.__path__, "pmkit.") if m.name != "pmkit.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
