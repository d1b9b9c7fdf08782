"""parallax discover: sources (feeds, sitemaps, GDELT, Media Cloud) served on 127.0.0.1, matching, the spec it writes.

The site: the bundled drone-claim example's pages, each outlet's feed listing its page among other
stories, one outlet only through a news sitemap, one only through a GDELT-shaped search answer (on a
second loopback address, so that its pages are on a host of their own), plus pages written here: a
same-topic, different story (air defences downing drones over Moscow two days later) and unrelated ones.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import PY, ROOT
from parallax.discover import find, match, outlets, sources
from parallax.discover.match import Candidate, Judged, Seed
from parallax.errors import SpecError
from parallax.spec import load_spec

EXAMPLE = ROOT / "lib" / "parallax" / "examples" / "drone-claim" / "pages"
DAY = datetime(2025, 12, 29, 15, tzinfo=timezone.utc)


def _page(title: str, published: datetime, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"<meta property=\"article:published_time\" content=\"{published.isoformat()}\"></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


OTHER_STORY = _page(
    "Russian air defences down 30 drones approaching Moscow, mayor says", DAY + timedelta(days=2), [
        "Russian air defence units shot down 30 Ukrainian drones flying towards Moscow overnight, the city's mayor, "
        "Sergei Sobyanin, said on Wednesday, in one of the largest attacks on the capital this year.",
        "Flights were suspended at two of the city's airports for several hours, the aviation authority said.",
        "There were no reports of casualties. Debris fell on a warehouse in the Podolsk district, officials said.",
        "Ukraine's military did not comment on the attack. Kyiv says its strikes target military infrastructure.",
    ])
PORT_STRIKE = _page("Dock workers begin a three-day strike at the port of Valmere", DAY, [
    "Dock workers at the port of Valmere walked out on Monday at the start of a three-day strike over pay, "
    "halting the loading of container ships.",
    "The union said talks with the port authority had broken down after the authority offered a two percent rise.",
    "The port authority said it regretted the strike and remained open to talks with the union's leaders.",
])
FOOTBALL = _page("Valmere United sign a new goalkeeper before the winter break", DAY, [
    "Valmere United have signed the goalkeeper Tomas Ferreira on a three-year contract, the club said on Monday.",
    "Ferreira, 27, joins from a second-division side and will compete with the club's captain for a place.",
])

# outlet -> (its example page, or None; extra pages of its own) and how it is listed
SITE = {
    "meridian-wire": ("meridian-wire.html", ["port-strike"]),
    "capitol-brief": ("capitol-brief.html", ["football"]),
    "dnipro-ledger": ("dnipro-ledger.html", ["other-story"]),
    "northern-post": ("northern-post.html", []),
    "harbor-times": ("harbor-times.html", []),     # found only by the GDELT answer, on 127.0.0.2
}
EXTRA = {"port-strike": PORT_STRIKE, "football": FOOTBALL, "other-story": OTHER_STORY}
NAMES = {"meridian-wire": "Meridian Wire", "capitol-brief": "Capitol Brief", "dnipro-ledger": "The Dnipro Ledger",
         "northern-post": "Northern Post", "harbor-times": "The Harbor Times"}


class _Site(SimpleHTTPRequestHandler):
    gdelt: dict = {}
    gdelt_status = 200
    asked: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        type(self).asked.append(self.path)
        if parts.path == "/gdelt":
            self._answer(self.gdelt_status, json.dumps(self.gdelt).encode(), "application/json")
        elif parts.path == "/gdelt-text":
            self._answer(200, b"Your search contained a keyword that was too short.", "text/html")
        elif parts.path == "/mc/search/story-list":
            q = parse_qs(parts.query)
            stories = [{"id": "1", "url": self.gdelt["articles"][0]["url"], "title": self.gdelt["articles"][0]["title"],
                        "publish_date": "2025-12-29", "indexed_date": None, "media_name": "harbortimes.example.com",
                        "language": "en"}] if "q" in q else []
            self._answer(200, json.dumps({"stories": stories, "pagination_token": None}).encode(), "application/json")
        elif parts.path.startswith("/mc/"):
            self._answer(200, b"{}", "application/json")
        else:
            super().do_GET()

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def _serve(folder: Path, host: str) -> Iterator[str]:
    server = ThreadingHTTPServer((host, 0), partial(_Site, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _rss(items: list[tuple[str, str, str, datetime]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{u}</link><description>{d}</description>"
                      f"<pubDate>{format_datetime(p)}</pubDate></item>" for t, u, d, p in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{entries}</channel></rss>'


def _atom(items: list[tuple[str, str, str, datetime]]) -> str:
    entries = "".join(f"<entry><title>{t}</title><link href=\"{u}\"/><id>{u}</id><summary>{d}</summary>"
                      f"<updated>{p.isoformat()}</updated></entry>" for t, u, d, p in items)
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{entries}</feed>'


def _news_sitemap(items: list[tuple[str, str, datetime]]) -> str:
    urls = "".join(f"<url><loc>{u}</loc><news:news><news:publication><news:name>N</news:name><news:language>en"
                   f"</news:language></news:publication><news:publication_date>{p.isoformat()}</news:publication_date>"
                   f"<news:title>{t}</news:title></news:news></url>" for t, u, p in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


def _meta(html: str, name: str) -> str:
    import re

    found = re.search(rf'(?:name|property)="{name}" content="([^"]*)"', html)
    return found.group(1) if found else ""


def _title(html: str) -> str:
    import re

    return re.search(r"<title>(.*?)(?: \| [^<]*)?</title>", html, re.S).group(1).strip()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The two servers, the outlets file and the seed (Meridian Wire's page, saved)."""
    folder = tmp_path_factory.mktemp("site")
    other = tmp_path_factory.mktemp("site2")
    with _serve(folder, "127.0.0.1") as base, _serve(other, "127.0.0.2") as base2:
        listing: dict[str, list[tuple[str, str, str, datetime]]] = {}
        for key, (example, extra) in SITE.items():
            root = other if key == "harbor-times" else folder
            (root / key).mkdir()
            items = []
            html = (EXAMPLE / example).read_text(encoding="utf-8")
            (root / key / "story.html").write_text(html, encoding="utf-8")
            url = f"{base2 if key == 'harbor-times' else base}/{key}/story.html"
            stamp = _meta(html, "article:published_time")
            published = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else DAY
            items.append((_title(html), url, _meta(html, "description"), published))
            for name in extra:
                (root / key / f"{name}.html").write_text(EXTRA[name], encoding="utf-8")
                items.append((_title(EXTRA[name]), f"{base}/{key}/{name}.html", "",
                              DAY + (timedelta(days=2) if name == "other-story" else timedelta())))
            listing[key] = items
        (folder / "meridian-wire" / "feed.xml").write_text(_rss(listing["meridian-wire"]), encoding="utf-8")
        (folder / "capitol-brief" / "feed.xml").write_text(_rss(listing["capitol-brief"]), encoding="utf-8")
        (folder / "dnipro-ledger" / "atom.xml").write_text(_atom(listing["dnipro-ledger"]), encoding="utf-8")
        (folder / "northern-post" / "news.xml.gz").write_bytes(
            gzip.compress(_news_sitemap([(t, u, p) for t, u, _, p in listing["northern-post"]]).encode()))
        (folder / "northern-post" / "index.xml").write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<sitemap><loc>{base}/northern-post/news.xml.gz</loc></sitemap></sitemapindex>', encoding="utf-8")
        t, u, d, p = listing["harbor-times"][0]
        _Site.gdelt = {"articles": [
            {"url": u, "title": t, "seendate": p.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
             "domain": "127.0.0.2", "language": "English"},
            {"url": listing["capitol-brief"][0][1] + "?utm_source=gdelt", "title": listing["capitol-brief"][0][0],
             "seendate": "20251229T220000Z", "domain": "127.0.0.1", "language": "English"},
        ]}
        entries = [
            {"name": "Meridian Wire", "homepage": "https://www.meridianwire.example/",
             "feeds": [f"{base}/meridian-wire/feed.xml"]},
            {"name": "Capitol Brief", "homepage": "https://www.capitolbrief.example.net/",
             "feeds": [f"{base}/capitol-brief/feed.xml"]},
            {"name": "The Dnipro Ledger", "homepage": "https://dniproledger.example.org/",
             "feeds": [f"{base}/dnipro-ledger/atom.xml"]},
            {"name": "Northern Post", "homepage": "https://www.northernpost.example/",
             "sitemaps": [f"{base}/northern-post/index.xml"]},
            {"name": "The Harbor Times", "homepage": f"{base2}/"},
        ]
        outlets_file = folder / "outlets.yaml"
        outlets_file.write_text(yaml.safe_dump(entries), encoding="utf-8")
        seed = folder / "seed.html"
        seed.write_text((EXAMPLE / "meridian-wire.html").read_text(encoding="utf-8"), encoding="utf-8")
        yield {"base": base, "base2": base2, "outlets": outlets_file, "seed": seed, "folder": folder}


def _discover(site: dict, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop("MEDIACLOUD_API_KEY", None)
    return subprocess.run([PY, "-m", "parallax.cli", "discover", str(site["seed"]), "--outlets", str(site["outlets"]),
                           "--delay", "0", "--out", str(tmp_path / "story.yaml"), *extra],
                          capture_output=True, text=True, env=environment, timeout=300)


def _table(tmp_path: Path) -> list[dict[str, str]]:
    with (tmp_path / "story.candidates.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_discover_finds_each_outlets_version_and_writes_a_spec_that_runs(site: dict, tmp_path: Path) -> None:
    done = _discover(site, tmp_path, "--sources", "feeds,gdelt", "--gdelt-url", f"{site['base']}/gdelt")
    assert done.returncode == 0, done.stderr
    story = load_spec(tmp_path / "story.yaml")
    names = [o.name for o in story.outlets]
    assert names[0] == "Meridian Wire" and story.outlets[0].file == site["seed"].resolve()
    assert sorted(names[1:]) == ["Capitol Brief", "Northern Post", "The Dnipro Ledger", "The Harbor Times"]
    urls = {o.name: o.url for o in story.outlets[1:]}
    assert urls["The Harbor Times"] == f"{site['base2']}/harbor-times/story.html"   # GDELT's, named by its homepage
    assert urls["Capitol Brief"] == f"{site['base']}/capitol-brief/story.html"      # the feed's, not GDELT's copy
    text = (tmp_path / "story.yaml").read_text(encoding="utf-8")
    assert text.count("# score ") == 4 and "names shared" in text
    rows = {r["url"]: r for r in _table(tmp_path)}
    other = rows[f"{site['base']}/dnipro-ledger/other-story.html"]
    assert other["accepted"] == "no" and "closer version is chosen" in other["reason"]
    strike = rows[f"{site['base']}/meridian-wire/port-strike.html"]
    assert strike["reason"] == "the seed's own outlet"
    football = rows[f"{site['base']}/capitol-brief/football.html"]
    assert football["accepted"] == "no" and football["reason"].endswith("; another story")
    assert "same topic, another story" in other["reason"]
    assert all(rows[u]["accepted"] == "yes" for u in urls.values())
    assert float(rows[urls["Northern Post"]]["lede"]) > 0.5          # the page was read and its lede matched

    # and the spec runs end to end: the pages come from the server (or the cache discover filled)
    run = subprocess.run([PY, "-m", "parallax.cli", "run", str(tmp_path / "story.yaml"), "--out", str(tmp_path / "out"),
                          "--delay", "0", "--quiet"], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")})
    assert run.returncode == 0, run.stderr
    folder = Path(run.stdout.strip().splitlines()[-1]).parent
    with (folder / "tables" / "articles.csv").open(encoding="utf-8") as f:
        articles = list(csv.DictReader(f))
    assert len(articles) == 5 and all(a["status"] == "ok" for a in articles)


def test_same_topic_other_story_is_rejected_when_it_is_the_outlets_only_candidate(site: dict) -> None:
    """The Dnipro Ledger's true version taken out: its same-topic story two days later is not chosen."""
    listed = outlets.load_outlets(site["outlets"])
    from parallax.discover.seed import read_seed

    seed = read_seed(str(site["seed"]), listed)
    other = Candidate("The Dnipro Ledger", f"{site['base']}/dnipro-ledger/other-story.html",
                      "Russian air defences down 30 drones approaching Moscow, mayor says", "",
                      DAY + timedelta(days=2), "feeds")
    found = find.discover(seed, listed, [], window=None, found=[other])
    assert found.chosen == []
    (j,) = found.judged
    assert j.confirmed and "another story" in j.reason, j.reason


def test_a_failing_source_is_named_and_the_others_answer(site: dict, tmp_path: Path) -> None:
    done = _discover(site, tmp_path, "--sources", "feeds,gdelt", "--gdelt-url", f"{site['base']}/gdelt-text")
    assert done.returncode == 1, done.stderr
    assert "gdelt: FAILED: gdelt: did not answer with JSON" in done.stderr
    story = load_spec(tmp_path / "story.yaml")
    assert "The Harbor Times" not in [o.name for o in story.outlets] and len(story.outlets) == 4
    assert "gdelt FAILED" in (tmp_path / "story.yaml").read_text(encoding="utf-8")


def test_one_outlets_broken_feed_is_a_note(site: dict, tmp_path: Path) -> None:
    entries = yaml.safe_load(site["outlets"].read_text(encoding="utf-8"))
    entries[1]["feeds"] = [f"{site['base']}/capitol-brief/missing.xml"]
    broken = tmp_path / "outlets.yaml"
    broken.write_text(yaml.safe_dump(entries), encoding="utf-8")
    done = subprocess.run([PY, "-m", "parallax.cli", "discover", str(site["seed"]), "--outlets", str(broken),
                           "--delay", "0", "--sources", "feeds", "--out", str(tmp_path / "story.yaml"), "--no-pages"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "note: feeds: Capitol Brief's feed" in done.stderr and "HTTP 404" in done.stderr
    assert len(load_spec(tmp_path / "story.yaml").outlets) == 3


def test_no_network_and_offline_say_so(site: dict, tmp_path: Path) -> None:
    done = _discover(site, tmp_path, "--offline")
    assert done.returncode == 2 and "cannot run --offline" in done.stderr
    closed = tmp_path / "closed.yaml"
    closed.write_text("- name: Nowhere\n  homepage: http://127.0.0.1:9/\n  feeds: [http://127.0.0.1:9/feed.xml]\n",
                      encoding="utf-8")
    done = subprocess.run([PY, "-m", "parallax.cli", "discover", str(site["seed"]), "--outlets", str(closed),
                           "--sources", "feeds,gdelt", "--gdelt-url", "http://127.0.0.1:9/gdelt", "--delay", "0",
                           "--out", str(tmp_path / "none.yaml")], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 1
    assert "feeds: FAILED" in done.stderr and "gdelt: FAILED" in done.stderr and "could not connect" in done.stderr
    assert "no source answered" in done.stderr and not (tmp_path / "none.yaml").exists()
    # a feed cannot be saved by hand nor read from the cache: the page fetcher's fixes for those are not given
    assert "--offline with a cached copy" not in done.stderr and "'file:'" not in done.stderr


def test_media_cloud_through_its_client(site: dict, tmp_path: Path) -> None:
    listed = outlets.load_outlets(site["outlets"])
    seed = Seed("Russia says Ukraine attacked a Putin residence with drones", "", DAY, "Meridian Wire")
    ctx = sources.Context(listed, DAY - timedelta(days=3), DAY + timedelta(days=3))
    os.environ["MEDIACLOUD_API_KEY"], os.environ["MEDIACLOUD_BASE_URL"] = "k", f"{site['base']}/mc/"
    try:
        found = sources.MediaCloudSource().search(seed, ctx)
    finally:
        del os.environ["MEDIACLOUD_API_KEY"], os.environ["MEDIACLOUD_BASE_URL"]
    assert [(c.outlet, c.url) for c in found] == [("The Harbor Times", f"{site['base2']}/harbor-times/story.html")]
    assert found[0].published.date().isoformat() == "2025-12-29"
    with pytest.raises(sources.SourceError, match="MEDIACLOUD_API_KEY is not set"):
        sources.MediaCloudSource().search(seed, ctx)


def test_gdelt_asks_for_the_window_and_the_seeds_words(site: dict) -> None:
    _Site.asked.clear()
    seed = Seed("Kremlin says drones targeted Putin residence in Novgorod", "Sergei Lavrov said 91 drones were "
                "launched at the residence in the Novgorod region.", DAY, "Meridian Wire")
    ctx = sources.Context([], DAY - timedelta(days=3), DAY + timedelta(days=3), gdelt_url=f"{site['base']}/gdelt")
    found = sources.GdeltSource().search(seed, ctx)
    assert len(found) == 2 and found[0].published == datetime(2025, 12, 29, 21, 5, tzinfo=timezone.utc)
    (asked,) = [parse_qs(urlsplit(p).query) for p in _Site.asked if p.startswith("/gdelt")]
    assert asked["startdatetime"] == ["20251226150000"] and asked["enddatetime"] == ["20260101150000"]
    words = asked["query"][0].split()
    assert {"putin", "novgorod", "kremlin"} <= set(words) and len(words) <= sources.QUERY_TERMS


def test_a_query_seed_reads_the_closest_result_as_the_seed(site: dict, tmp_path: Path) -> None:
    done = subprocess.run([PY, "-m", "parallax.cli", "discover", "Putin residence drone attack Novgorod",
                           "--outlets", str(site["outlets"]), "--sources", "feeds", "--window", "none", "--delay", "0",
                           "--out", str(tmp_path / "story.yaml")], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    story = load_spec(tmp_path / "story.yaml")
    assert len(story.outlets) == 4 and all(o.url and o.url.endswith("/story.html") for o in story.outlets)
    assert "chosen as the seed" in (tmp_path / "story.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, problem", [
    ("- name: A\n  homepage: https://a.example/\n  rss: [https://a.example/rss]\n", "outlets[0].rss: unknown field"),
    ("- name: A\n  feeds: [ftp://a.example/rss]\n", "outlets[0].feeds: expected a list of http(s) URLs"),
    ("- homepage: https://a.example/\n", "outlets[0].name: missing or empty"),
    ("- name: A\n", "has no homepage, feeds or sitemaps"),
    ("- name: A\n  homepage: https://a.example/\n- name: a\n  homepage: https://b.example/\n", "listed twice"),
    ("name: [\n", "not valid YAML at line"),
    ("[]\n", "expected a non-empty list"),
])
def test_a_bad_outlets_file_names_the_entry_and_field(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=problem.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        outlets.load_outlets(path)


def test_the_bundled_outlets_list_is_valid_and_dated() -> None:
    listed = outlets.load_outlets()
    assert len(listed) >= 10 and all(o.feeds or o.sitemaps for o in listed)
    assert "checked:" in outlets.bundled().read_text(encoding="utf-8")
    assert outlets.outlet_for("https://edition.cnn.com/2025/12/29/europe/x", listed).name == "CNN"
    assert outlets.outlet_for("https://unknown.example/x", listed) is None


def test_read_feed_and_sitemap_formats() -> None:
    items = [("A title &amp; more", "https://a.example/1", "<b>Bold</b> summary", DAY)]
    rss, atom = sources.read_feed(_rss(items).encode(), "A"), sources.read_feed(_atom(items).encode(), "A")
    for (c,) in (rss, atom):
        assert (c.title, c.url, c.description, c.published) == ("A title & more", "https://a.example/1", "Bold summary", DAY)
    (s,) = sources.read_sitemap(_news_sitemap([("T", "https://a.example/2", DAY)]).encode(), "A")
    assert (s.title, s.published) == ("T", DAY)
    with pytest.raises(sources.SourceError, match="not a feed"):
        sources.read_feed(b"<html><body>not a feed</body></html>", "A")


def _judged(outlet: str, score: float, url: str = "") -> Judged:
    return Judged(Candidate(outlet, url or f"https://{outlet}.example/{score}", "t"),
                  {k: 0.0 for k in match.FEATURES}, score=score, confirmed=True)


def test_choose_keeps_one_version_per_outlet_above_the_threshold() -> None:
    m = match.Model({}, 0.0, threshold=0.6)
    judged = [_judged("a", 0.9), _judged("a", 0.8), _judged("b", 0.5), _judged("c", 0.7), _judged("seed", 0.99)]
    chosen = match.choose(judged, m, seed_outlet="seed", most=None)
    assert [(j.candidate.outlet, j.score) for j in chosen] == [("a", 0.9), ("c", 0.7)]
    assert "a's closer version is chosen" in judged[1].reason and "a second version" in judged[1].reason
    assert judged[2].reason.startswith("another story (score 0.50 < 0.60")
    assert judged[4].reason == "the seed's own outlet"
    judged = [_judged("a", 0.9), _judged("c", 0.7)]
    assert [j.candidate.outlet for j in match.choose(judged, m, most=1)] == ["a"] and judged[1].reason == "past --max 1"


def test_urls_are_deduplicated_without_tracking_parameters() -> None:
    a = Candidate("A", "https://a.example/x?id=3&utm_source=rss#top", "t", "", None, "feeds")
    b = Candidate("a.example", "https://A.example/x?id=3", "t", "longer description", DAY, "gdelt")
    (only,) = find.dedupe([a, b])
    assert (only.outlet, only.description, only.published, only.source) == ("A", "longer description", DAY, "feeds+gdelt")


def test_window_is_around_the_seeds_date_or_up_to_now() -> None:
    seed = Seed("t", "l", DAY)
    assert find.window_of(seed, timedelta(days=3)) == (DAY - timedelta(days=3), DAY + timedelta(days=3))
    now = datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert find.window_of(Seed("q", query=True), timedelta(days=3), now) == (now - timedelta(days=3), now)
    assert find.window_of(seed, None) == (None, None)


def test_relative_and_non_web_links_are_resolved_or_left_out() -> None:
    items = [("Relative", "/world/story.html", "", DAY), ("Other scheme", "mailto:desk@a.example", "", DAY)]
    got = sources.read_feed(_rss(items).encode(), "A", base="https://a.example/feeds/world.xml")
    assert [c.url for c in got] == ["https://a.example/world/story.html"]
    (s,) = sources.read_sitemap(_news_sitemap([("T", "/2025/12/29/t.html", DAY)]).encode(), "A",
                                base="https://a.example/news.xml")
    assert s.url == "https://a.example/2025/12/29/t.html"
    # a candidate a search service gives without an http(s) address is a note, and the others are judged
    seed = Seed("Kremlin says drones targeted a residence", "The Kremlin said drones targeted a residence.", DAY,
                outlet="Seed Wire", url="https://seed.example/x")
    found = [Candidate("B", "/x.html", "Kremlin says drones targeted a residence", "", DAY, "gdelt"),
             Candidate("C", "https://c.example/y", "Kremlin says drones targeted a residence", "", DAY, "gdelt")]
    done = find.discover(seed, [], [], found=found, read_pages=False)
    assert [j.candidate.url for j in done.judged] == ["https://c.example/y"]
    assert any("without an http(s) address left out" in n and "'/x.html'" in n for n in done.notes)


def test_a_sitemap_index_reads_the_news_and_newest_sitemaps_and_survives_one_failing() -> None:
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<sitemap><loc>https://a.example/{n}.xml</loc>{f'<lastmod>{d}</lastmod>' if d else ''}</sitemap>"
                       for n, d in [("s-2019", "2019-12-31"), ("s-2020", "2020-12-31"), ("s-gone", "2025-12-30"),
                                    ("s-latest", "2025-12-29"), ("s-undated", "")])
             + "</sitemapindex>").encode()
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if url.endswith("s-gone.xml"):
            raise sources.FetchError("A", url, "HTTP 404 Not Found", "check the URL")
        return _news_sitemap([("T " + url.rsplit("/", 1)[-1], url.replace(".xml", ".html"), DAY)]).encode()

    ctx = sources.Context([])
    got = sources.read_sitemap(index, "A", ctx, fetch, base="https://a.example/index.xml")
    assert asked == ["https://a.example/s-gone.xml", "https://a.example/s-latest.xml", "https://a.example/s-2020.xml"]
    assert [c.url for c in got] == ["https://a.example/s-latest.html", "https://a.example/s-2020.html"]
    assert any("https://a.example/s-gone.xml" in n and "HTTP 404" in n for n in ctx.notes)
    assert any("3 of its 5 sitemaps read" in n for n in ctx.notes)
    with pytest.raises(sources.SourceError, match=r"none of the 3 sitemaps it lists could be read \(first: "
                       r"https://a.example/s-gone.xml: HTTP 404"):   # every one failing fails the index, naming them
        sources.read_sitemap(index, "A", sources.Context([]), lambda u: fetch("https://a.example/s-gone.xml"))
    relative = index.replace(b"https://a.example/s-gone.xml", b"/news/s-gone.xml").replace(b"https://a.example/s-2019",
                                                                                               b"s-2019")
    asked.clear()
    sources.read_sitemap(relative, "A", sources.Context([]), fetch, base="https://a.example/maps/index.xml")
    assert asked[0] == "https://a.example/news/s-gone.xml"   # relative <loc>s resolved against the index's address


def test_a_long_listing_keeps_the_items_closest_to_the_seeds_date() -> None:
    items = [Candidate("A", f"https://a.example/{i}", "t", "", DAY - timedelta(days=5000 - i)) for i in range(5000)]
    items.append(Candidate("A", "https://a.example/undated", "t"))
    ctx = sources.Context([], centre=DAY)
    kept = sources.closest(items, ctx, "A's sitemap", most=100)
    assert len(kept) == 100 and kept[0].url == "https://a.example/4999" and "https://a.example/4900" in {c.url for c in kept}
    assert any("5,001 items, the 100 closest in date" in n for n in ctx.notes)


def test_the_seeds_outlet_from_its_site_name_its_title_or_the_option(site: dict, tmp_path: Path) -> None:
    import re

    listed = outlets.load_outlets(site["outlets"])
    html = (EXAMPLE / "meridian-wire.html").read_text(encoding="utf-8")
    bare = re.sub(r'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', "", html)
    page = tmp_path / "saved.html"
    page.write_text(bare.replace('content="Meridian Wire"', 'content="meridian wire"'), encoding="utf-8")
    from parallax.discover import seed as seeds

    assert seeds.read_seed(str(page), listed).outlet == "Meridian Wire"          # og:site_name, as the file spells it
    assert seeds.read_seed(str(page), listed, outlet="MERIDIAN WIRE").outlet == "Meridian Wire"
    nameless = tmp_path / "nameless.html"
    nameless.write_text(re.sub(r'<meta property="og:site_name"[^>]*>', "", bare), encoding="utf-8")
    seed = seeds.read_seed(str(nameless), listed)
    assert seed.outlet == "" and seed.url == ""
    copy = Candidate("Meridian Wire", "https://www.meridianwire.example/x", seed.title, "", DAY, "feeds")
    other = Candidate("Capitol Brief", "https://capitolbrief.example.net/y", "Kremlin says Ukraine drones attacked",
                      "", DAY, "feeds")
    done = find.discover(seed, listed, [], found=[copy, other], read_pages=False, window=None)
    assert done.judged and all(j.candidate.url != copy.url for j in done.judged)   # its own page is not a version
    assert any("taken to be Meridian Wire's" in n for n in done.notes)
    assert seeds.kind_of("/no/such/dir/") == "file" and seeds.kind_of("Putin residence drone") == "query"
    with pytest.raises(seeds.SeedError, match="empty"):
        seeds.read_seed("", listed)


def test_outlets_are_known_by_their_site_and_other_hosts() -> None:
    listed = outlets.load_outlets()
    assert outlets.outlet_for("https://www.cnn.com/2025/12/29/europe/x", listed).name == "CNN"
    assert outlets.outlet_for("https://www.bbc.co.uk/news/articles/x", listed).name == "BBC News"
    two = [outlets.OutletEntry("ABC", "https://abcnews.go.com/"), outlets.OutletEntry("ESPN", "https://espn.go.com/")]
    assert outlets.outlet_for("https://www.go.com/x", two) is None          # two outlets on the site: neither
    assert outlets.outlet_for("https://abcnews.go.com/x", two).name == "ABC"
    blog = [outlets.OutletEntry("Meridian", "https://meridian.substack.com/")]
    assert outlets.outlet_for("https://kyivnotes.substack.com/p/x", blog) is None   # one platform, two outlets
    assert outlets.outlet_for("https://amp.meridian.substack.com/p/x", blog).name == "Meridian"


@pytest.mark.parametrize("sites", ["http://127.0.0.5:8765/", "[https://bbc.co.uk]", "['bad host']", "[com]", "['*.x.com']"])
def test_sites_must_be_host_names(tmp_path: Path, sites: str) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(f"- name: A\n  homepage: https://a.example/\n  sites: {sites}\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"outlets\[0\]\.sites: expected a list of host names"):
        outlets.load_outlets(path)


def test_a_query_no_result_answers_chooses_nothing() -> None:
    found = [Candidate("A", "https://a.example/1", "Kremlin says drones targeted Putin residence", "", DAY, "feeds"),
             Candidate("B", "https://b.example/2", "Putin residence attack claim denied by Kyiv", "", DAY, "feeds")]
    done = find.discover(Seed("volcano eruption in Iceland", query=True), [], [], found=found, read_pages=False,
                         window=None)
    assert done.seed.query and not done.chosen and done.seed_from is None
    assert all("does not carry half the words of the query" in j.reason for j in done.judged)


def test_a_failed_rerun_keeps_the_earlier_spec_and_its_table(site: dict, tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("earlier spec\n", encoding="utf-8")
    (tmp_path / "story.candidates.csv").write_text("earlier table\n", encoding="utf-8")
    lonely = tmp_path / "lonely.yaml"
    lonely.write_text(f"- name: Capitol Brief\n  homepage: https://c.example/\n  feeds: [{site['base']}/capitol-brief/"
                      "feed.xml]\n", encoding="utf-8")
    done = subprocess.run([PY, "-m", "parallax.cli", "discover", "volcano eruption in Iceland", "--outlets", str(lonely),
                           "--sources", "feeds", "--window", "none", "--delay", "0", "--out", str(tmp_path / "story.yaml")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PARALLAX_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 1 and "no result carries the query's words" in done.stderr, done.stderr
    assert (tmp_path / "story.yaml").read_text(encoding="utf-8") == "earlier spec\n"
    assert (tmp_path / "story.candidates.csv").read_text(encoding="utf-8") == "earlier table\n"
    with (tmp_path / "story.candidates.unused.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0])[:4] == ["outlet", "url", "title", "date"]


@pytest.mark.parametrize("make, problem", [
    (lambda p: p / "missing" / "story.yaml", "is not a folder"),
    (lambda p: (p / "afile").write_text("x") and p / "afile" / "story.yaml", "is not a folder"),
    (lambda p: p, "is a folder"),
])
def test_an_unwritable_out_is_refused_before_discovering(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    from parallax.discover import write

    assert problem in write.check_out(make(tmp_path)) and write.check_out(tmp_path / "story.yaml") == ""
    done = subprocess.run([PY, "-m", "parallax.cli", "discover", "anything at all", "--sources", "gdelt",
                           "--gdelt-url", "http://127.0.0.1:9/gdelt", "--out", str(make(tmp_path))],
                          capture_output=True, text=True, timeout=120)   # were --out not checked first: a closed port
    assert done.returncode == 2 and problem in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("answer, problem", [
    ({"articles": {"a": 1}}, "not an article list (dict where"),
    ([1, 2], "not an article list (list where"),
])
def test_gdelt_answers_of_another_shape_are_named(site: dict, answer: object, problem: str) -> None:
    from parallax.acquire.fetch import FetchSettings

    saved = _Site.gdelt
    _Site.gdelt = answer  # type: ignore[assignment]
    try:
        ctx = sources.Context([], settings=FetchSettings(delay=0), gdelt_url=f"{site['base']}/gdelt")
        with pytest.raises(sources.SourceError, match=problem.replace("(", r"\(")):
            sources.GdeltSource().search(Seed("Putin residence drones", "lede", DAY), ctx)
        _Site.gdelt = {"articles": [{"url": 123, "title": "x"}, {"url": "https://a.example/1", "title": "T"}]}
        assert [c.url for c in sources.GdeltSource().search(Seed("Putin residence drones", "lede", DAY), ctx)] == [
            "https://a.example/1"]
    finally:
        _Site.gdelt = saved


def test_small_formats_of_real_listings() -> None:
    latin = ('<?xml version="1.0" encoding="ISO-8859-1"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://a.example/1</loc><news:news>'
             '<news:publication_date>2025-12-29T10:00:00Z</news:publication_date><news:title>Café résumé</news:title>'
             '</news:news></url></urlset>').encode("latin-1")
    assert sources.read_sitemap(latin, "A")[0].title == "Café résumé"
    assert sources._title_from_url("https://a.example/2025/12/29/russia-drone-claim/3") == "russia drone claim"
    assert find.clean_url("https://a.example/x?id=3&utm_source=rss&reference=7#top") == "https://a.example/x?id=3&reference=7"
    assert find.clean_url("https://a.example/x?b=%20c") == "https://a.example/x?b=%20c"   # untouched without tracking
    assert find.window_of(Seed("t", "l", datetime(9999, 12, 31, 12, tzinfo=timezone.utc)), timedelta(days=3),
                          DAY) == (DAY - timedelta(days=3), DAY)
