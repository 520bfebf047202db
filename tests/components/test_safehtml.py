"""Sanitised Markdown from commentary and case studies: what a reader's browser gets."""

from pmkit.components.safehtml import markdown_to_html


def test_a_link_keeps_a_title_with_a_colon_and_loses_an_unsafe_address():
    # Only a link's address is checked for its scheme: "Source: ONS" is a title, not an address.
    assert markdown_to_html(
        'See [the survey](https://example.org/survey "Source: ONS") and [this](javascript:alert(1)).'
    ) == (
        '<p>See <a href="https://example.org/survey" title="Source: ONS" rel="noopener noreferrer">the survey</a> '
        'and <a rel="noopener noreferrer">this</a>.</p>'
    )
