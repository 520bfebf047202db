"""The component library's Jinja2 environment: autoescaping on, undefined names an error.

Every piece of report markup is a template in ``pmkit/components/templates``; text from data is
escaped by default, and only HTML that pmkit built itself (sanitised Markdown, charts' data URIs,
other components) is passed in as `Markup`.

>>> render_string("<p>{{ text }}</p>", text="<script>alert(1)</script>")
'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
"""

from __future__ import annotations

import functools

import inflect
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pmkit.components.safehtml import markdown_to_html
from pmkit.io.units import format_value

PHONE_MEDIA = "(max-width: 40em)"  # the screens that get a chart's phone drawing (`pmkit.components.charts.PHONE`)

RAG_ICONS = {
    "green": "\u2714",  # check mark
    "amber": "\u25b2",  # triangle: caution
    "red": "\u2716",  # heavy cross
    "no_target": "\u25cb",
    "no_data": "?",
    "not_judged": "\u2013",
    "suspended": "\u23f8",
}
DOT_ICONS = {
    "improving": "\u2197",
    "declining": "\u2198",
    "no_change": "\u2192",
    "not_comparable": "\u2013",
    "increasing": "\u2191",
    "decreasing": "\u2193",
}


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    n = int(n)
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``1 indicator``, ``3 indicators``, ``2 age bands`` (``many`` overrides the plural).

    >>> plural(1, "comment"), plural(0, "comment"), plural(2, "other measure")
    ('1 comment', '0 comments', '2 other measures')
    """
    return f"{n} {noun if n == 1 else many or _english().plural_noun(noun)}"


def definite(n: int, noun: str) -> str:
    """``the indicator`` for one, ``the 3 indicators`` for more: a count of one is not said.

    >>> definite(1, "indicator"), definite(3, "indicator")
    ('the indicator', 'the 3 indicators')
    """
    return f"the {noun}" if n == 1 else f"the {plural(n, noun)}"


def article(phrase: str) -> str:
    """``phrase`` with "a" or "an" as it is said: ``an age band``, ``a ward``, ``an NHS trust``.

    >>> article("age band"), article("ward"), article("hour")
    ('an age band', 'a ward', 'an hour')
    """
    return _english().a(phrase)


@functools.cache
def _english() -> inflect.engine:
    return inflect.engine()


def markdown(text: object, top_heading: int | None = None) -> Markup:
    """Officers' Markdown as sanitised HTML (safe to insert unescaped)."""
    return Markup(markdown_to_html(text, top_heading=top_heading))


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pmkit", "components/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(value=format_value, ordinal=ordinal, markdown=markdown)
    env.globals.update(
        plural=plural,
        definite=definite,
        article=article,
        format_value=format_value,
        ordinal=ordinal,
        RAG_ICONS=RAG_ICONS,
        DOT_ICONS=DOT_ICONS,
        PHONE_MEDIA=PHONE_MEDIA,
    )
    return env


def render(template: str, **context: object) -> str:
    """Render ``template`` (a file in ``components/templates``) with ``context``."""
    return environment().get_template(template).render(**context).strip()


def render_string(source: str, **context: object) -> str:
    """Render a template given as text, with the same environment (for tests and one-liners)."""
    return environment().from_string(source).render(**context)


__all__ = ["Markup", "render", "render_string", "markdown", "ordinal", "plural", "definite", "article"]
