"""Extraction: body, metadata, fallback, clean-up and warnings, on pages built here."""

from __future__ import annotations

import json

import pytest

from parallax.extract import extractors as extract
from parallax.errors import ExtractionError
from parallax.extract.extractors import Extracted, extract_html, extract_snapshot, extract_text
from parallax.acquire.snapshot import Snapshot

PARAS = [
    "The county health board voted on Tuesday to keep the Eastside walk-in clinic open for another year, "
    "reversing a plan announced in March.",
    "Board chair Alma Ruiz said the decision followed weeks of letters from patients who rely on the clinic "
    "for routine care and vaccinations.",
    "The clinic saw 14,200 visits last year, up 8.5 percent from the year before, according to county figures "
    "released at the meeting.",
    "Keeping it open will cost about $1.2 million, which the board plans to cover from a reserve fund set aside "
    "for emergencies.",
    "Nurses at the clinic had warned that closing it would push patients toward the hospital emergency room "
    "across town, where waits are longer.",
]


def page(paras: list[str] = PARAS, *, lang: str = "en", head: str = "", inside: str = "", after: str = "",
         og_type: str = "article") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    half = len(paras) // 2
    body = "\n".join(f"<p>{p}</p>" for p in paras[:half]) + inside + "\n".join(f"<p>{p}</p>" for p in paras[half:])
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>Clinic stays open | Riverton Daily</title>
<meta property="og:title" content="Clinic stays open">
<meta property="og:type" content="{og_type}">
{head}</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>Clinic stays open</h1>
<p class="byline">By Sam Ortega</p>
{body}
{after}
</article></main>
<footer><p>© 2025 Riverton Daily. All rights reserved.</p></footer></body></html>"""


def test_body_and_metadata() -> None:
    head = '<meta name="author" content="Sam Ortega"><meta property="article:published_time" content="2025-03-04T09:30:00Z">'
    article = extract_html(page(head=head), "https://daily.example/clinic")
    assert article.paragraphs == PARAS
    assert article.title == "Clinic stays open"
    assert article.authors == ["Sam Ortega"]
    assert article.published.startswith("2025-03-04T09:30")
    assert article.language == "en"
    assert article.extractor == "trafilatura"
    assert article.warnings == []


def test_jsonld_date_and_author() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Clinic stays open",
          "datePublished": "2025-03-04T09:30:00+00:00", "author": {"@type": "Person", "name": "Sam Ortega"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = extract_html(page(head=head), "https://daily.example/clinic")
    assert article.published.startswith("2025-03-04")
    assert "Sam Ortega" in article.authors


def test_newsletter_box_comment_form_and_share_bar_are_dropped() -> None:
    inside = ('<div class="newsletter"><p>Sign up for our newsletter</p><p>Get the day\'s top stories in your inbox.</p>'
              '<form><input type="email" placeholder="Enter your email address"></form></div>')
    after = ('<div class="share"><p>Share on Facebook</p><p>Share on X</p></div>'
             '<div id="respond"><h3>Leave a Reply</h3><p>Your email address will not be published. '
             'Required fields are marked *</p><textarea></textarea></div>')
    article = extract_html(page(inside=inside, after=after), "https://daily.example/clinic")
    text = article.text
    for junk in ("Sign up", "Leave a Reply", "email address", "Share on"):
        assert junk not in text
    assert all(p in text for p in PARAS)


def test_body_repeated_on_the_page_is_kept_once() -> None:
    article = extract_html(page(PARAS + PARAS), "https://daily.example/clinic")
    assert article.paragraphs == PARAS
    assert any(w.startswith("repeated:") for w in article.warnings)


def test_fallback_extractor_used_and_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(extract.EXTRACTORS, "trafilatura", lambda html, url: Extracted())
    article = extract_html(page(), "https://daily.example/clinic")
    assert article.extractor == "newspaper4k"
    assert any(w.startswith("fallback:") for w in article.warnings)
    assert PARAS[0] in article.text


def test_crashing_extractor_does_not_sink_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(html: str, url: str | None) -> Extracted:
        raise RuntimeError("extractor bug")

    monkeypatch.setitem(extract.EXTRACTORS, "trafilatura", boom)
    assert extract_html(page(), "https://daily.example/clinic").extractor == "newspaper4k"


@pytest.mark.parametrize(
    "kwargs, warning",
    [
        ({"paras": PARAS[:1]}, "short:"),
        ({"after": "<p>Subscribe now to continue reading. Already a subscriber? Log in.</p>"}, "paywall:"),
        ({"head": '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'}, "paywall:"),
        ({"og_type": "website", "paras": PARAS[:2]}, "not-article:"),
    ],
)
def test_warnings(kwargs: dict, warning: str) -> None:
    article = extract_html(page(**kwargs), "https://daily.example/clinic")
    assert any(w.startswith(warning) for w in article.warnings), article.warnings


def test_subscribe_link_in_the_header_of_a_full_article_is_no_paywall() -> None:
    long_article = PARAS + [f"Resident number {i} told the board that the clinic had helped her family through {i} "
                            "winters, and asked members to think again before the final vote next month." for i in range(12)]
    html = page(long_article).replace("<header>", "<header><a href='/login'>Already a subscriber? Log in</a>")
    assert not any(w.startswith("paywall:") for w in extract_html(html, "https://daily.example/c").warnings)


def test_no_false_warnings_on_a_normal_article() -> None:
    assert extract_html(page(), "https://daily.example/clinic").warnings == []


@pytest.mark.parametrize(
    "spec_lang, page_lang, default, expected, warned",
    [("es", "en", "en", "es", False), (None, "es-MX", "en", "es", False), (None, "", "de", "de", False),
     (None, "", None, "en", True)],
)
def test_language_precedence(spec_lang, page_lang, default, expected, warned) -> None:
    html = page().replace('<html lang="en">', f'<html lang="{page_lang}">' if page_lang else "<html>")
    article = extract_html(html, "https://daily.example/clinic", spec_lang, default)
    assert article.language == expected
    assert any(w.startswith("language:") for w in article.warnings) == warned


def test_plain_text_headline_becomes_title() -> None:
    article = extract_text("Clinic Stays Open\n\n" + "\n\n".join(PARAS), "notes.txt", "en")
    assert article.title == "Clinic Stays Open"
    assert article.paragraphs == PARAS
    assert article.extractor == "plain-text"


def test_plain_text_without_headline_keeps_first_paragraph() -> None:
    assert extract_text("\n\n".join(PARAS), "notes.txt", "en").paragraphs == PARAS


def snapshot_of(html: str) -> Snapshot:
    return Snapshot(source="https://daily.example/x", final_url="https://daily.example/x", status=200,
                    fetched_at="2025-01-01T00:00:00Z", content_type="text/html", kind="html", body=html.encode())


def test_page_without_article_raises_with_outlet_and_fix() -> None:
    html = "<html><body><nav><a href='/'>Home</a></nav><footer>© 2025</footer></body></html>"
    with pytest.raises(ExtractionError) as info:
        extract_snapshot(snapshot_of(html), "riverton-daily", "Riverton Daily")
    assert info.value.outlet == "riverton-daily"
    assert "file:" in info.value.fix


def test_snapshot_keeps_outlet_and_source() -> None:
    article = extract_snapshot(snapshot_of(page()), "riverton-daily", "Riverton Daily")
    assert (article.outlet, article.name, article.source) == ("riverton-daily", "Riverton Daily", "https://daily.example/x")
    row = article.row()
    assert row["words"] == article.words > 100
    assert row["text"].split("\n\n") == PARAS


def test_copyright_year_is_not_a_publication_date() -> None:
    assert extract_html(page(), "https://daily.example/clinic").published == ""


@pytest.mark.parametrize("value, expected", [
    ("2025-12-29T14:52:00Z", "2025-12-29T14:52:00+00:00"),
    ("Mon, 29 Dec 2025 14:52:00 GMT", "2025-12-29T14:52:00+00:00"),
    ("29.12.2025 14:52", "2025-12-29T14:52:00"),
    ("2025-12-29", "2025-12-29"),
    ("yesterday-ish", ""),
])
def test_published_is_iso_or_empty(value: str, expected: str) -> None:
    head = f'<meta property="article:published_time" content="{value}">'
    assert extract_html(page(head=head), "https://daily.example/clinic").published == expected


def test_page_metadata_wins_over_a_guessed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract.EXTRACTORS["trafilatura"]

    def wrong_date(html: str, url: str | None) -> Extracted:
        found = real(html, url)
        found.published = "2024-01-01"
        return found

    monkeypatch.setitem(extract.EXTRACTORS, "trafilatura", wrong_date)
    head = '<meta property="article:published_time" content="2025-03-04T09:30:00Z">'
    assert extract_html(page(head=head), "https://daily.example/clinic").published.startswith("2025-03-04T09:30")


def test_xml_declaration_does_not_hide_page_facts() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page(lang="de")
    assert extract_html(html, "https://daily.example/clinic").language == "de"


def test_absurdly_nested_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    assert extract_html(page(head=head), "https://daily.example/clinic").paragraphs == PARAS


DEEP_BODY = "".join(f"<p>Paragraph {i}: the council said on Monday that the vote on the school budget was put off "
                    "to next week, after members asked for more time to read the auditors' report.</p>" for i in range(6))


def _nested(depth: int, inner: str) -> str:
    return ("<html><head><title>Deep page</title></head><body>" + "<div>" * depth + "<nav><p>Home | World | Sport"
            "</p></nav><article>" + inner + "</article>" + "</div>" * depth + "<script>var x = 1;</script></body></html>")


def test_an_article_nested_past_the_tree_limit_falls_back_and_says_so() -> None:
    article = extract_html(_nested(100_000, DEEP_BODY), language="en")
    assert article.extractor == "html-paragraphs"
    assert [p.split(":")[0] for p in article.paragraphs] == [f"Paragraph {i}" for i in range(6)]
    assert "Home | World" not in article.text and "var x" not in article.text
    assert article.warnings[0] == ("fallback: the page nests elements 100,004 deep, past the 255 that trafilatura "
                                   "and newspaper4k read; used html-paragraphs (paragraph text only)")


def test_a_shallow_page_keeps_its_extractor() -> None:
    article = extract_html(_nested(20, DEEP_BODY), language="en")
    assert article.extractor == "trafilatura" and not any(w.startswith("fallback") for w in article.warnings)


def test_a_deep_page_without_text_names_the_extractor_that_read_it() -> None:
    snapshot = Snapshot(source="deep.html", final_url=None, status=None, fetched_at="2026-01-01T00:00:00Z",
                        content_type="text/html", kind="html", body=_nested(1_000, "<p>Hi.</p>").encode())
    with pytest.raises(ExtractionError) as info:
        extract_snapshot(snapshot, "deep", "Deep")
    assert info.value.problem.startswith("no article on the page (") and "; read by " in info.value.problem


def test_a_passage_without_sentence_ends_is_warned_about_and_analysed_in_pieces() -> None:
    run_on = " ".join(["the council vote on the budget"] * 400)          # about 12,000 characters, no end mark
    article = extract_html(f"<html><body><article><p>{DEEP_BODY}</p><p>{run_on}</p></article></body></html>",
                           language="en")
    assert run_on in article.paragraphs
    assert any(w.startswith("long: a passage of over 2,000 characters has no sentence end") for w in article.warnings)


@pytest.mark.parametrize("zwj, zwnj", [("\u200d", "\u200c"), ("&zwj;", "&zwnj;"), ("&#8205;", "&#x200C;")])
@pytest.mark.parametrize("extractor", extract.ORDER)
def test_joiners_inside_emoji_and_words_are_kept(monkeypatch: pytest.MonkeyPatch, extractor: str,
                                                zwj: str, zwnj: str) -> None:
    """A family emoji is three emoji joined by U+200D and Persian spells "می‌خواهم" with U+200C; trafilatura
    drops both with the non-printable characters, which splits the emoji and changes the word."""
    monkeypatch.setattr(extract, "ORDER", (extractor,))
    said = (f"Residents posted 👨{zwj}👩{zwj}👧 under the notice, and one sign read می{zwnj}خواهم in Persian, "
            "the board said.")
    article = extract_html(page([said, *PARAS]))
    assert article.extractor == extractor
    text = "\n".join(article.paragraphs)
    assert "👨\u200d👩\u200d👧" in text and "می\u200cخواهم" in text
    assert not set(text) & set(extract._STAND_INS)


def test_a_page_that_holds_a_stand_in_gets_another() -> None:
    html = page([f"The sign {extract._STAND_INS[0]} was posted beside 👨\u200d👩\u200d👧, the board said.", *PARAS])
    protected, back = extract._protect(html)
    assert "\u200d" not in protected and back == {extract._STAND_INS[1]: "\u200d"}
    text = "\n".join(extract_html(html).paragraphs)
    assert f"sign {extract._STAND_INS[0]} was" in text and "👨\u200d👩\u200d👧" in text


def _file(body: str, kind: str) -> Snapshot:
    return Snapshot(source="wire.html", final_url=None, status=None, fetched_at="2025-01-01T00:00:00Z",
                    content_type="text/html" if kind == "html" else "text/plain", kind=kind, body=body.encode())


@pytest.mark.parametrize("kind", ["html", "text"])
@pytest.mark.parametrize("paragraphs, words, problem", [
    (5_001, 10, " paragraphs, more than the 5,000 of one article"),
    (2_000, 101, " words, more than the 200,000 of one article"),
])
def test_a_text_longer_than_any_article_is_refused_before_cleaning_naming_the_outlet(
        kind: str, paragraphs: int, words: int, problem: str) -> None:
    """A live blog, an archive or a book, not one article: refused with the count and the limit, before
    cleaning and parsing (which grow with the text)."""
    paras = [" ".join(["ferry"] * (words - 2) + [f"item{i}", "noted."]) for i in range(paragraphs)]
    body = page(paras) if kind == "html" else "Ferry list\n\n" + "\n\n".join(paras)
    with pytest.raises(ExtractionError) as caught:
        extract_snapshot(_file(body, kind), "wire", "Wire")
    assert caught.value.outlet == "wire" and caught.value.source == "wire.html"
    assert problem in caught.value.problem and "'file:'" in caught.value.fix


def test_an_article_under_the_limits_is_read() -> None:
    paras = [f"Item {i} on the ferry list was noted by the clerk of the harbour council." for i in range(4_999)]
    article = extract_snapshot(_file("Ferry list\n\n" + "\n\n".join(paras), "text"), "wire", "Wire")   # + the title
    assert article.words == 4_999 * 15 and len(article.paragraphs) == 4_999
