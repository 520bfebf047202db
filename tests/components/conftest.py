"""Fixtures for component tests: the two audiences' vocabularies."""

import pytest

from pmkit.components.words import words_for


@pytest.fixture
def internal():
    return words_for("internal")


@pytest.fixture
def public():
    return words_for("public")
