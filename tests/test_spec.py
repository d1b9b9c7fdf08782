"""Story spec validation: every mistake gets one message naming the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.errors import SpecError
from parallax.spec import load_spec, slugify

GOOD = """\
story: drone-claim
title: A story
language: en
outlets:
  - name: Northern Wire
    url: https://example.com/world/russia-drones
  - name: Kyiv Herald
    file: pages/kyiv-herald.html
    language: en
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "kyiv-herald.html").write_text("<html><p>hi</p></html>", encoding="utf-8")
    (tmp_path / "pages" / "saved.html").mkdir()   # a folder named like a page
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "story.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_spec_loads_with_keys_and_resolved_paths(folder: Path) -> None:
    story = load_spec(write(folder, GOOD))
    assert story.story == "drone-claim"
    assert [o.key for o in story.outlets] == ["northern-wire", "kyiv-herald"]
    assert story.outlets[0].url == "https://example.com/world/russia-drones"
    assert story.outlets[1].file == (folder / "pages" / "kyiv-herald.html").resolve()
    assert story.language == "en"


@pytest.mark.parametrize(
    "old, new, field, fix_words",
    [
        ("story: drone-claim\n", "", "story", "add 'story:'"),
        ("story: drone-claim", "story: Drone Claim!", "story", "lowercase"),
        ("language: en\noutlets", "colour: red\nlanguage: en\noutlets", "colour", "remove it"),
        ("    url: https://example.com/world/russia-drones\n", "", "outlets[0]", "exactly one"),
        ("    url: https://example.com/world/russia-drones\n",
         "    url: https://example.com/x\n    file: pages/kyiv-herald.html\n", "outlets[0]", "exactly one"),
        ("https://example.com/world/russia-drones", "ftp://example.com/x", "outlets[0].url", "https://"),
        ("https://example.com/world/russia-drones", "example.com/x", "outlets[0].url", "https://"),
        ("pages/kyiv-herald.html", "pages/missing.html", "outlets[1].file", "relative to the spec"),
        ("pages/kyiv-herald.html", "pages/kyiv-herald.pdf", "outlets[1].file", ".html"),
        ("  - name: Kyiv Herald\n", "  - name: Northern Wire\n", "outlets[1].name", "its own name"),
        ("  - name: Kyiv Herald\n", "  - name: Kyiv Herald\n    key: northern-wire\n", "outlets[1].key", "distinct"),
        ("https://example.com/world/russia-drones", "http://[::1/x", "outlets[0].url", "address bar"),
        ("    language: en\n", "    language: no\n", "outlets[1].language", "quote"),
        ("language: en\noutlets", "language: en\nstory: again\noutlets", "line 4", "fix the YAML"),
        ("    language: en\n", "    language: English\n", "outlets[1].language", "ISO 639-1"),
        ("    language: en\n", "    lang: en\n", "outlets[1].lang", "remove it"),
        ("  - name: Kyiv Herald\n", "  - nom: Kyiv Herald\n", "outlets[1].nom", "remove it"),
        ("pages/kyiv-herald.html", "pages/saved.html", "outlets[1].file", "NAME_files folder"),   # a folder
        ("  - name: Kyiv Herald\n", "  - name: " + "Kyiv Herald " * 17 + "\n", "outlets[1].name", "as charts should show"),
        ("  - name: Kyiv Herald\n", "  - name: Kyiv Herald\n    key: " + "k" * 65 + "\n", "outlets[1].key", "shorter key"),
        ("story: drone-claim", "story: " + "d" * 65, "story", "short id"),
        ("  - name: Kyiv Herald\n", '  - name: "Kyiv \\e[31mHerald"\n', "outlets[1].name", "plain text"),
        ("title: A story", 'title: "A \\u202estory"', "title", "plain text"),
    ],
)
def test_each_mistake_names_field_and_fix(folder: Path, old: str, new: str, field: str, fix_words: str) -> None:
    assert old in GOOD
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, GOOD.replace(old, new, 1)))
    assert info.value.field == field
    assert fix_words in info.value.fix
    assert "\n" not in str(info.value)


def test_a_folder_named_as_a_page_is_called_a_folder(folder: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, GOOD.replace("pages/kyiv-herald.html", "pages/saved.html")))
    assert "is a folder, not a saved page" in info.value.problem and "does not exist" not in str(info.value)


def test_a_key_derived_from_a_long_name_is_cut_at_a_word(folder: Path) -> None:
    name = "The Northern Ireland and Western Isles Evening Chronicle and Weekly Advertiser Online"   # 84 characters
    story = load_spec(write(folder, GOOD.replace("  - name: Kyiv Herald\n", f"  - name: {name}\n")))
    key = story.outlets[1].key
    assert len(key) <= 64 and slugify(name).startswith(key + "-") and story.outlets[1].name == name
    assert key == "the-northern-ireland-and-western-isles-evening-chronicle-and"


def test_line_breaks_and_tabs_in_a_name_become_one_space(folder: Path) -> None:
    story = load_spec(write(folder, GOOD.replace("  - name: Kyiv Herald\n", '  - name: "Kyiv\\n\\tHerald "\n')))
    assert story.outlets[1].name == "Kyiv Herald" and story.outlets[1].key == "kyiv-herald"


def test_fewer_than_two_outlets(folder: Path) -> None:
    text = GOOD.split("  - name: Kyiv Herald")[0]
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, text))
    assert info.value.field == "outlets" and "at least two" in info.value.fix


def test_missing_outlet_name(folder: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, GOOD.replace("  - name: Kyiv Herald\n    file:", "  - file:")))
    assert info.value.field == "outlets[1].name"


@pytest.mark.parametrize("text, field", [("story: ok\ntitle: \"unclosed\noutlets: []\n", "line 4"), ("- just\n- a list\n", "(top level)"),
                                         ("story: x\noutlets: 3\n", "outlets")])
def test_broken_yaml_and_shapes(folder: Path, text: str, field: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, text))
    assert info.value.field == field


def test_missing_spec_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "nope.yaml")


def test_numeric_name_is_text(folder: Path) -> None:
    story = load_spec(write(folder, GOOD.replace("  - name: Kyiv Herald\n", "  - name: 1843\n")))
    assert story.outlets[1].name == "1843" and story.outlets[1].key == "1843"


def test_explicit_key_wins(folder: Path) -> None:
    story = load_spec(write(folder, GOOD.replace("  - name: Kyiv Herald\n", "  - name: Kyiv Herald\n    key: kh\n")))
    assert story.outlets[1].key == "kh"


@pytest.mark.parametrize("name, key", [("The Kyiv Herald", "the-kyiv-herald"), ("ABC News (US)", "abc-news-us"),
                                       ("Le Monde  ", "le-monde"), ("Le Télégramme", "le-telegramme"),
                                       ("Новая газета", "novaya-gazeta"), ("Українська правда", "ukrayinska-pravda")])
def test_slugify(name: str, key: str) -> None:
    assert slugify(name) == key


def test_lexicons_resolve_against_the_spec_and_missing_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "loaded.txt").write_text("regime\n", encoding="utf-8")
    base = "story: s\noutlets:\n  - {name: A, url: 'https://a.example/x'}\n  - {name: B, url: 'https://b.example/x'}\n"
    spec = tmp_path / "story.yaml"
    spec.write_text(base + "lexicons:\n  loaded: lists/loaded.txt\n", encoding="utf-8")
    assert load_spec(spec).lexicons == {"loaded": (tmp_path / "lists" / "loaded.txt").resolve()}
    spec.write_text(base + "lexicons:\n  loaded: lists/missing.txt\n", encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    assert err.value.field == "lexicons.loaded" and "missing.txt" in str(err.value)


def test_self_contained_spec_reads_the_same_files_from_anywhere(tmp_path: Path) -> None:
    from parallax.spec import self_contained

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<p>A</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>B</p>", encoding="utf-8")
    (tmp_path / "loaded.txt").write_text("regime\n", encoding="utf-8")
    text = (f"story: s\ntitle: T\nlanguage: 'no'\nlexicons:\n  loaded: loaded.txt\noutlets:\n"
            f"  - name: A\n    file: pages/a.html\n  - name: B\n    file: {tmp_path / 'b.html'}\n"
            f"  - name: C\n    url: https://example.org/c\n")
    original = tmp_path / "story.yaml"
    original.write_text(text, encoding="utf-8")
    elsewhere = tmp_path / "run" / "spec.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(self_contained(text, tmp_path), encoding="utf-8")
    a, b = load_spec(original), load_spec(elsewhere)
    assert [o.file for o in b.outlets] == [o.file for o in a.outlets] == [
        (tmp_path / "pages" / "a.html").resolve(), tmp_path / "b.html", None]
    assert b.lexicons == a.lexicons == {"loaded": (tmp_path / "loaded.txt").resolve()}
    assert b.language == a.language == "no" and b.outlets[2].url == "https://example.org/c"


# -- hostile specs: read with limits before anything else ---------------------------------------

BOMB = "story: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def test_a_yaml_alias_bomb_is_refused_before_it_expands(folder: Path) -> None:
    assert len(BOMB.encode()) < 600      # nine levels of nine: 9**9 strings if expanded
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, BOMB))
    assert info.value.field == "line 2"
    assert info.value.problem == "not valid YAML (aliases (*name) are not allowed; write the value out)"


def test_an_anchor_without_alias_is_harmless(folder: Path) -> None:
    story = load_spec(write(folder, GOOD.replace("title: A story", "title: &t A story")))
    assert story.title == "A story"


def test_yaml_nested_past_the_limit_is_refused(folder: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, "story: " + "[" * 100_000))
    assert info.value.problem == "not valid YAML (nested more than 20 levels deep)"


def test_a_spec_over_the_size_cap_is_refused_unread(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import parallax.spec as spec_module

    path = write(folder, GOOD + "#" * 2_000 + "\n")
    monkeypatch.setattr(spec_module, "SPEC_MAX_BYTES", 1_000)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.problem == f"the file is {path.stat().st_size:,} bytes, over the 1,000-byte cap"
    assert "saved files" in info.value.fix


def test_the_default_size_cap_refuses_fifty_megabytes_of_comments(folder: Path) -> None:
    path = write(folder, GOOD)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("# padding\n" * 100_000) * 50)
    with pytest.raises(SpecError, match="over the 1,000,000-byte cap"):
        load_spec(path)


def test_a_lexicon_over_its_cap_is_refused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import parallax.spec as spec_module

    (folder / "loaded.txt").write_text("word\n" * 1_000, encoding="utf-8")
    monkeypatch.setattr(spec_module, "LEXICON_MAX_BYTES", 100)
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, GOOD + "lexicons:\n  loaded: loaded.txt\n"))
    assert info.value.field == "lexicons.loaded" and "over the 100-byte cap" in info.value.problem


def test_a_spec_that_is_not_a_file_is_named(folder: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(folder / "pages")
    assert info.value.problem == "not a regular file"


@pytest.mark.parametrize("url", ["http://bob:s3cret@example.com/a", "https://bob@example.com/a",
                                 "https://:s3cret@example.com/a"])
def test_credentials_in_a_url_are_refused_without_echoing_them(folder: Path, url: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, GOOD.replace("https://example.com/world/russia-drones", url)))
    assert info.value.field == "outlets[0].url"
    assert "s3cret" not in str(info.value) and "bob" not in str(info.value)
    assert info.value.problem.endswith("holds a user name or password") and "~/.netrc" in info.value.fix


def _outlets(n: int) -> str:
    return "story: big\noutlets:\n" + "".join(f"  - {{name: Outlet {i}, url: 'https://o{i}.example/story'}}\n"
                                              for i in range(n))


def test_a_story_of_more_outlets_than_compared_at_once_is_refused_saying_how_to_split(folder: Path) -> None:
    assert len(load_spec(write(folder, _outlets(200))).outlets) == 200
    with pytest.raises(SpecError) as info:
        load_spec(write(folder, _outlets(201)))
    assert info.value.field == "outlets"
    assert info.value.problem.startswith("201 outlets, more than the 200 a story compares at once")
    assert info.value.fix == ("split it into specs of at most 200 outlets (e.g. by region or language) and compare "
                              "the runs with 'parallax summary'")
