"""Clean-up: a repeated body is kept once, pull quotes and page furniture are dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.extract.clean import drop_furniture, drop_repeats, is_furniture
from parallax.parse.segment import paragraphs

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "drone-claim-seed.txt"

BODY = [
    "The council met on Tuesday to discuss the budget for the coming year.",
    "Members argued for three hours about the new clinic and its running costs.",
    "In the end the vote was five to two in favour of keeping the clinic open.",
]


def test_body_printed_twice_is_kept_once() -> None:
    kept, removed = drop_repeats(BODY + BODY)
    assert kept == BODY
    assert removed == 3


def test_body_repeated_and_glued_mid_paragraph_is_kept_once() -> None:
    glued = BODY[:2] + [BODY[2] + BODY[0]] + BODY[1:]
    kept, removed = drop_repeats(glued)
    assert kept == BODY
    assert removed == 3


def test_pull_quote_is_dropped_and_body_sentence_stays_in_place() -> None:
    body = [
        "The minister spoke for an hour. He said that “reckless actions will not go unanswered” and left the room.",
        "“Reckless actions will not go unanswered”",
        "Reporters were not allowed to ask any questions after the statement was read out.",
    ]
    kept, removed = drop_repeats(body)
    assert kept == [body[0], body[2]]
    assert removed == 1


def test_pull_quote_credit_line_goes_with_it() -> None:
    body = [
        "The minister spoke for an hour. He said that “reckless actions will not go unanswered” and left the room.",
        "“Reckless actions will not go unanswered”",
        "Sergei Lavrov, Minister of Foreign Affairs",
        "Reporters were not allowed to ask any questions after the statement was read out.",
    ]
    kept, removed = drop_repeats(body)
    assert kept == [body[0], body[3]] and removed == 2


def test_a_lede_summed_up_again_later_is_not_a_pull_quote() -> None:
    body = ["The board voted 5-2 to close the clinic.", "Residents were angry.",
            "At Tuesday's meeting the board voted 5-2 to close the clinic, after three hours of testimony.",
            "Kyiv denied the claim.", "Officials in Kyiv denied the claim on Monday, calling it a fabrication."]
    assert drop_repeats(body) == (body, 0)


def test_distinct_text_is_untouched() -> None:
    kept, removed = drop_repeats(BODY)
    assert (kept, removed) == (BODY, 0)


def test_short_repeated_sentences_survive() -> None:
    body = ["He said no. Then he left the building by the back door.", "She said no. Then she went home."]
    kept, removed = drop_repeats(body)
    assert removed == 0 and kept == body


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Sign up for our newsletter",
        "Sign up for our daily newsletter and get the top stories in your inbox every morning.",
        "We use cookies to improve your experience. Accept all cookies",
        "Share on Facebook",
        "Related articles",
        "Advertisement",
        "For more information, please visit www.example-clinic.org",
        "For further information contact the press office on 555 0100.",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Officials said they would share the evidence with reporters later in the week.",
        "The newsletter, which she founded in 2019, has 40,000 readers.",
        "He told lawmakers that the company does not use cookies to track children.",
        "For more information on the vote, residents were told to wait for the council's letter.",
        "Related research published last year found the opposite effect in rural counties, "
        "where clinics closed at twice the rate of urban ones and waiting times grew by a third.",
    ],
)
def test_article_sentences_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_long_paragraph_is_never_furniture() -> None:
    text = "Leave a reply " + "word " * 60
    assert drop_furniture([text]) == ([text], 0)


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not beside the project")
def test_seed_page_body_once_and_no_comment_form() -> None:
    paras = paragraphs(SEED.read_text(encoding="utf-8"))
    kept, dropped = drop_furniture(paras)
    kept, removed = drop_repeats(kept)
    text = "\n\n".join(kept)
    assert dropped == 2
    assert text.count("Russian Foreign Minister Sergei Lavrov said Monday") == 1
    assert text.count("contested battlefield claims.") == 1
    assert "Leave a Reply" not in text and "email address" not in text
    assert text.rstrip().endswith("contested battlefield claims.")


@pytest.mark.parametrize("line", [
    "Deja un comentario", "Tu dirección de correo electrónico no será publicada.",
    "Laisser un commentaire", "Votre adresse e-mail ne sera pas publiée.",
    "Hinterlasse einen Kommentar", "Подпишитесь на нашу рассылку", "Оставить комментарий",
])
def test_furniture_in_other_languages(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Subscribe to our channel to follow the latest news first.", "Follow us on Telegram for breaking news.",
    "Download our free app for the latest headlines.", "Turn on notifications to get breaking news.",
    "Support independent journalism by becoming a member today.", "Got a news tip? Email us at tips@example.com",
    "Join us on WhatsApp for updates.", "Subscribe now for unlimited access.",
    "Suscríbete a nuestro canal de YouTube.", "Abonnez-vous à notre chaîne Telegram.",
    "Folgen Sie uns auf Instagram.", "Подписывайтесь на наш канал в Telegram.",
])
def test_calls_to_action_are_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Followers of the church joined the protest on Sunday, police said.",
    "The ministry said it would download the data from the app within a week.",
    "Supporters of the bill said it would help fund local journalism.",
    "Subscribers to the service lost access on Monday, the company said.",
    "Join the club, said the mayor.",
    "Follow the money, the prosecutor told the jury on Tuesday.",
])
def test_sentences_that_look_like_calls_to_action_are_kept(line: str) -> None:
    assert not is_furniture(line)
