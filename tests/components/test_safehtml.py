"""Sanitised Markdown from commentary and case studies: what a reader's browser gets."""

from pmkit.components.safehtml import markdown_to_html, sanitise


def test_a_link_keeps_a_title_with_a_colon_and_loses_an_unsafe_address():
    # Only a link's address is checked for its scheme: "Source: ONS" is a title, not an address.
    assert markdown_to_html(
        'See [the survey](https://example.org/survey "Source: ONS") and [this](javascript:alert(1)).'
    ) == (
        '<p>See <a href="https://example.org/survey" title="Source: ONS" rel="noopener noreferrer">the survey</a> '
        'and <a rel="noopener noreferrer">this</a>.</p>'
    )


def test_markup_outside_the_allow_list_leaves_only_its_text_and_styles_leave_nothing():
    # A style sheet's rules are not text to read; div and span are not on the allow-list; an image with no alt
    # text is dropped, as it says nothing to someone who cannot see it.
    assert sanitise('<style>p{color:red}</style><div><span>Hi</span> <img src="pic.png"> there</div>') == "Hi  there"
