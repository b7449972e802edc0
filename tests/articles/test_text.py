"""A body's plain text (one line per block), its excerpt (paragraphs only) and its reading time."""

import html
import random
import re

import pytest

from app.articles.rendering import EXCERPT_LENGTH, derive_text, render_body, shorten
from app.seed.demo import _body

MARKDOWN = (
    "## What happened\n\nShares rose **sharply** at the open.\n\n"
    "![chart](/x.png)\n\n### The reaction\n\n- traders cheered\n- nobody sold\n\n"
    "> A quote from the floor.\n\nAnalysts were surprised."
)


def old_plain_text(safe_html: str) -> str:
    """The plain text before issue 9: every tag a space, every block run into the next."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", safe_html)).split())


def test_the_plain_text_keeps_one_line_per_block():
    assert render_body(MARKDOWN, "markdown").text == (
        "What happened\nShares rose sharply at the open.\nThe reaction\ntraders cheered\n"
        "nobody sold\nA quote from the floor.\nAnalysts were surprised."
    )


def test_the_excerpt_is_the_paragraphs_never_headings_lists_or_quotes():
    assert render_body(MARKDOWN, "markdown").excerpt == (
        "Shares rose sharply at the open. Analysts were surprised."
    )


def test_figure_captions_and_table_captions_stay_out_of_the_excerpt():
    body = (
        "<h2>Scene</h2><figure><img src='/a.png' alt='Ash'><figcaption><p>Ash on the road."
        " <small>Photo: desk</small></p></figcaption></figure><table><caption>Totals</caption>"
        "<tr><td>1</td></tr></table><p>The roads are closed.</p>"
    )
    derived = render_body(body, "html")
    assert derived.excerpt == "The roads are closed."
    assert derived.text == ("Scene\nAsh on the road. Photo: desk\nTotals\n1\nThe roads are closed.")


def test_a_body_without_paragraphs_gives_its_other_text_but_never_its_headings():
    assert render_body("## Briefly\n\n- one\n- two", "markdown").excerpt == "one two"
    assert render_body("Bare <b>text</b> only", "html").excerpt == "Bare text only"
    assert render_body("## Only a heading", "markdown").excerpt == ""


def test_a_long_excerpt_is_cut_at_a_word_boundary_with_an_ellipsis_within_the_limit():
    words = " ".join(f"word{n}" for n in range(100))
    excerpt = render_body(f"## Heading\n\n{words}", "markdown").excerpt
    assert len(excerpt) <= EXCERPT_LENGTH
    assert excerpt.endswith("…") and excerpt[:-1] == words[: len(excerpt) - 1]
    assert words[len(excerpt) - 1] == " "  # the cut fell between two words
    assert shorten("x" * 300) == "x" * (EXCERPT_LENGTH - 2) + "…"
    assert shorten("A" * 196 + ". Next sentence here.") == "A" * 196 + ". …"


@pytest.mark.parametrize("rich", [True, False])
def test_word_counts_and_reading_times_are_what_they_were(rich):
    rng = random.Random(3)
    for number in range(20):
        body_html = render_body(_body(rng, "harbour", number, rich), "html").html
        derived = derive_text(body_html)
        assert derived.text.split() == old_plain_text(body_html).split()
        words = len(old_plain_text(body_html).split())
        assert derived.reading_time_minutes == max(1, -(-words // 230))
    assert render_body("## Two words\n\n" + "word " * 229, "markdown").reading_time_minutes == 2
