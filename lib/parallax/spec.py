"""The story spec: a YAML file naming a story and the outlets' versions of it.

``load_spec`` validates everything before any work starts and raises one
:class:`~parallax.errors.SpecError` naming the field and the fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from parallax.errors import SpecError, first_control
from parallax.thresholds import value as limit

STORY_ID = re.compile(r"^[a-z0-9-]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")
PAGE_SUFFIXES = (".html", ".htm", ".txt")
STORY_FIELDS = {"story", "title", "language", "outlets", "lexicons"}
OUTLET_FIELDS = {"name", "key", "url", "file", "language"}
REQUIRED_STORY_FIELDS = ("story", "outlets")
SPEC_MAX_BYTES = 1_000_000      # a spec names outlets and files; 200 outlets take about 20 KB
LEXICON_MAX_BYTES = 5_000_000   # a word list a spec points to
NAME_MAX_CHARS = 200            # an outlet's name labels charts; the longest real names are about 60
KEY_MAX_CHARS = 64              # story ids and outlet keys name folders and files (file systems allow 255 bytes)
YAML_MAX_DEPTH = 20             # nesting of mappings and lists (a spec needs 3)
_USERINFO = re.compile(r"(?<=//)[^/?#@\s]*@")


@dataclass(frozen=True)
class Outlet:
    """One outlet's version of the story: a URL to fetch or a saved page."""

    key: str
    name: str
    url: str | None = None
    file: Path | None = None
    language: str | None = None

    @property
    def source(self) -> str:
        """The URL, or the saved page's path, as a string."""
        return self.url if self.url else str(self.file)


@dataclass(frozen=True)
class Story:
    """A validated story spec."""

    story: str
    title: str
    outlets: tuple[Outlet, ...]
    language: str | None = None
    path: Path | None = None
    lexicons: dict[str, Path] = field(default_factory=dict)  # lexicon name -> file replacing or adding it

    def lexicon_files(self, overrides: dict[str, str] | None = None) -> dict[str, str]:
        """Lexicon name -> file: the spec's ``lexicons:``, replaced or added to by ``overrides`` (--lexicon)."""
        return {**{k: str(v) for k, v in self.lexicons.items()}, **(overrides or {})}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (for run.json)."""
        data = asdict(self)
        data["path"] = str(self.path) if self.path else None
        data["lexicons"] = {k: str(v) for k, v in self.lexicons.items()}
        data["outlets"] = [
            {**asdict(o), "file": str(o.file) if o.file else None} for o in self.outlets
        ]
        return data


_CYRILLIC = dict(zip("абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя",
                     "a b v g g d e ye yo zh z i i yi y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" ")))


def slugify(name: str) -> str:
    """An outlet key derived from its name: ``"The Kyiv Herald"`` -> ``"the-kyiv-herald"``,
    ``"Le Télégramme"`` -> ``"le-telegramme"``, ``"Новая газета"`` -> ``"novaya-gazeta"``."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in name.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _plain(label: str, field_name: str, text: str) -> str:
    """A name or title as one line: runs of white space (a YAML line break, a tab) become one space;
    a control character (an ANSI escape, NUL) or a bidirectional override is refused."""
    text = " ".join(text.split())
    bad = first_control(text)
    if bad is not None:
        raise SpecError(label, field_name, f"holds the control character U+{ord(bad):04X}",
                        "write it as plain text (no terminal colours or direction overrides)")
    return text


def _cut(key: str, most: int) -> str:
    """``key`` cut to at most ``most`` characters, at a "-" when there is one."""
    if len(key) <= most:
        return key
    head = key[:most + 1]
    return (head.rsplit("-", 1)[0] if "-" in head[1:] else key[:most]).strip("-")


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@`` (for messages)."""
    return _USERINFO.sub("***@", url)


def without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` removed (for what is stored or requested)."""
    return _USERINFO.sub("", url)


class _StrictLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice (PyYAML keeps the last one silently), aliases
    (``*name``: a few hundred bytes of nested aliases expand to billions of nodes) and nesting
    deeper than :data:`YAML_MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed; write the value out",
                                              self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > YAML_MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {YAML_MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def load_spec(path: str | Path) -> Story:
    """Read and validate a story spec file.

    Raises:
        SpecError: the file is missing, is not YAML, or a field is wrong.
    """
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise SpecError(label, "file", "no such spec file", "check the path (specs are YAML files)")
    text = read_capped(path, label, "file", SPEC_MAX_BYTES,
                       "a spec only names the story and its outlets: keep pages in saved files ('file:')")
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"line {where.line + 1}" if where else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(label, line, f"not valid YAML ({problem})", "fix the YAML syntax there") from None
    return parse_spec(data, base_dir=path.parent, label=label, path=path.resolve())


def check_size(path: Path, label: str, field_name: str, max_bytes: int, fix: str) -> None:
    """Raise a SpecError unless ``path`` is a regular file of at most ``max_bytes``."""
    if not path.exists():
        raise SpecError(label, field_name, "no such file", "check the path")
    if not path.is_file():
        raise SpecError(label, field_name, "not a regular file", "give the path of a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(label, field_name, f"cannot read the file ({exc.strerror})", "check its permissions") from None
    if size > max_bytes:
        raise SpecError(label, field_name, f"the file is {size:,} bytes, over the {max_bytes:,}-byte cap", fix)


def read_capped(path: Path, label: str, field_name: str, max_bytes: int, fix: str) -> str:
    """The UTF-8 text of a file a user hands in, read only when it is a regular file of at most
    ``max_bytes`` (checked before reading, and while reading: the file may grow)."""
    check_size(path, label, field_name, max_bytes, fix)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SpecError(label, field_name, f"cannot read the file ({exc.strerror})", "check its permissions") from None
    if len(raw) > max_bytes:
        raise SpecError(label, field_name, f"the file is over the {max_bytes:,}-byte cap", fix)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(label, field_name, "not UTF-8 text", "save it as UTF-8") from None


def self_contained(text: str, base_dir: Path) -> str:
    """The spec ``text`` with its relative ``file:`` and ``lexicons:`` paths made absolute against
    ``base_dir``, so that a copy of it kept in a run folder reads the same files (for reruns)."""
    data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader)
    if not isinstance(data, dict):
        return text

    def absolute(value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return value
        path = Path(value).expanduser()
        return value if path.is_absolute() else str((base_dir / path).resolve())

    for item in data.get("outlets") or []:
        if isinstance(item, dict) and "file" in item:
            item["file"] = absolute(item["file"])
    if isinstance(data.get("lexicons"), dict):
        data["lexicons"] = {name: absolute(file) for name, file in data["lexicons"].items()}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def parse_spec(data: Any, base_dir: Path, label: str = "spec", path: Path | None = None) -> Story:
    """Validate spec data already loaded from YAML; file paths resolve against ``base_dir``."""
    if not isinstance(data, dict):
        raise SpecError(label, "(top level)", "not a mapping", "start with 'story:', 'title:' and 'outlets:'")
    _no_unknown(label, "(top level)", data, STORY_FIELDS)
    for name in REQUIRED_STORY_FIELDS:
        if data.get(name) in (None, ""):
            raise SpecError(label, name, "missing", f"add '{name}:' ({_HINTS[name]})")
    story_id = data["story"]
    if not isinstance(story_id, str) or not STORY_ID.match(story_id):
        raise SpecError(
            label, "story", f"{story_id!r} is not a valid id",
            "use only lowercase letters, digits and '-', e.g. 'drone-claim'",
        )
    if len(story_id) > KEY_MAX_CHARS:
        raise SpecError(label, "story", f"the id is {len(story_id):,} characters, more than {KEY_MAX_CHARS}",
                        "use a short id, e.g. 'drone-claim' (it names the story's folder)")
    title = data.get("title") or story_id
    if not isinstance(title, str):
        raise SpecError(label, "title", "not text", "write the story's title as plain text")
    title = _plain(label, "title", title)
    language = _language(label, "language", data.get("language"))
    outlets_data = data["outlets"]
    if not isinstance(outlets_data, list):
        raise SpecError(label, "outlets", "not a list", "list outlets as '- name: ...' entries")
    if len(outlets_data) < 2:
        raise SpecError(
            label, "outlets", f"{len(outlets_data)} outlet(s)",
            "list at least two outlets: Parallax compares versions of a story",
        )
    most = int(limit("story.max_outlets"))
    if len(outlets_data) > most:
        raise SpecError(
            label, "outlets", f"{len(outlets_data)} outlets, more than the {most} a story compares at once "
            "(claim matching compares every pair of sentences: memory grows with the square of the story)",
            f"split it into specs of at most {most} outlets (e.g. by region or language) and compare the runs with "
            "'parallax summary'",
        )
    outlets = [_outlet(label, i, item, base_dir) for i, item in enumerate(outlets_data)]
    seen: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, outlet in enumerate(outlets):
        if outlet.name in names:
            raise SpecError(
                label, f"outlets[{i}].name", f"{outlet.name!r} is also the name of outlets[{names[outlet.name]}]",
                "give each outlet its own name (charts and tables show it), e.g. 'Meridian Wire (Russian edition)'",
            )
        names[outlet.name] = i
        if outlet.key in seen:
            raise SpecError(
                label, f"outlets[{i}].key", f"key {outlet.key!r} is also used by outlets[{seen[outlet.key]}]",
                "give one of them a distinct 'key:' or name",
            )
        seen[outlet.key] = i
    lexicons = _lexicons(label, data.get("lexicons"), base_dir)
    return Story(story=story_id, title=title, outlets=tuple(outlets), language=language, path=path,
                 lexicons=lexicons)


def _lexicons(label: str, data: Any, base_dir: Path) -> dict[str, Path]:
    """``lexicons: {loaded: my-loaded-terms.txt}``: word lists that replace or add to the bundled ones."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SpecError(label, "lexicons", "not a mapping",
                        "write one 'name: file.txt' per line, e.g. 'loaded: lexicons/loaded.txt'")
    out = {}
    for name, file in data.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise SpecError(label, f"lexicons.{name}", "not a valid lexicon name",
                            "use lowercase letters, digits, '-' or '_' (hedging, intensifiers, loaded, attribution...)")
        if not isinstance(file, str) or not file.strip():
            raise SpecError(label, f"lexicons.{name}", "not a file path", "give the word list's path, relative to the spec")
        path = (base_dir / file).resolve()
        if not path.is_file():
            raise SpecError(label, f"lexicons.{name}", f"no such file: {path}",
                            "check the path (relative to the spec file); one term per line")
        check_size(path, label, f"lexicons.{name}", LEXICON_MAX_BYTES, "a word list holds one term per line")
        out[name] = path
    return out


_HINTS = {
    "story": "an id of lowercase letters, digits and '-', used in paths",
    "outlets": "a list of at least two outlets, each with 'name:' and 'url:' or 'file:'",
    "name": "the outlet's name as shown in charts",
}


def _no_unknown(label: str, where: str, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise SpecError(
            label, f"{where}.{unknown[0]}" if where != "(top level)" else unknown[0],
            "unknown field", f"remove it or use one of: {', '.join(sorted(allowed))}",
        )


def _language(label: str, field_name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):  # YAML 1.1 reads no, on, yes, off as booleans
        raise SpecError(label, field_name, f"YAML read the code as {value}", "quote the language code, e.g. language: \"no\"")
    if not isinstance(value, str) or not LANGUAGE.match(value):
        raise SpecError(label, field_name, f"{value!r} is not a language code", "use an ISO 639-1 code such as 'en' or 'es'")
    return value.replace("-", "_")


def _outlet(label: str, index: int, item: Any, base_dir: Path) -> Outlet:
    where = f"outlets[{index}]"
    if not isinstance(item, dict):
        raise SpecError(label, where, "not a mapping", "write each outlet as 'name:' plus 'url:' or 'file:'")
    _no_unknown(label, where, item, OUTLET_FIELDS)
    name = item.get("name")
    if isinstance(name, (int, float)) and not isinstance(name, bool):  # name: 1843
        name = str(name)
    if not isinstance(name, str) or not name.strip():
        raise SpecError(label, f"{where}.name", "missing", "add 'name:' (the outlet's name as shown in charts)")
    name = _plain(label, f"{where}.name", name)
    if len(name) > NAME_MAX_CHARS:
        raise SpecError(label, f"{where}.name", f"the name is {len(name):,} characters, more than {NAME_MAX_CHARS}",
                        "give the outlet's name as charts should show it (put notes in a YAML comment)")
    key = item.get("key")
    if key is None:
        key = _cut(slugify(name), KEY_MAX_CHARS)
        if not key:
            raise SpecError(label, f"{where}.name", f"no key can be derived from {name!r}", "add 'key:' of lowercase letters, digits and '-'")
    elif not isinstance(key, str) or not STORY_ID.match(key):
        raise SpecError(label, f"{where}.key", f"{key!r} is not a valid key", "use only lowercase letters, digits and '-'")
    elif len(key) > KEY_MAX_CHARS:
        raise SpecError(label, f"{where}.key", f"the key is {len(key):,} characters, more than {KEY_MAX_CHARS}",
                        "use a shorter key (it names the outlet's files in the run folder)")
    url, file = item.get("url"), item.get("file")
    if (url is None) == (file is None):
        problem = "has both 'url' and 'file'" if url is not None else "has neither 'url' nor 'file'"
        raise SpecError(label, where, f"{name} {problem}", "give exactly one: 'url:' to fetch or 'file:' for a saved page")
    language = _language(label, f"{where}.language", item.get("language"))
    if url is not None:
        try:
            parsed = urlparse(str(url))
            parsed.port  # noqa: B018  (raises on a bad port or IPv6 literal)
        except ValueError:
            raise SpecError(label, f"{where}.url", f"{redact(str(url))!r} is not a valid URL",
                            "copy the address from the browser's address bar") from None
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SpecError(label, f"{where}.url", f"{redact(str(url))!r} is not an http(s) URL",
                            "write the full address, starting with https://")
        if "@" in parsed.netloc:
            raise SpecError(label, f"{where}.url", f"{redact(str(url))!r} holds a user name or password",
                            "remove 'user:password@': Parallax keeps no credentials in specs or outputs; "
                            "put them in ~/.netrc ('machine HOST login USER password PASS'), which the fetcher "
                            "reads, or save the page from a browser and use 'file:'")
        return Outlet(key=key, name=name, url=str(url), language=language)
    path = Path(str(file)).expanduser()
    if not path.is_absolute():
        path = (base_dir / path).resolve()
    if path.suffix.lower() not in PAGE_SUFFIXES:
        raise SpecError(label, f"{where}.file", f"{file!r} is not a saved page", "use a .html, .htm or .txt file")
    if path.is_dir():
        raise SpecError(label, f"{where}.file", f"{file!r} is a folder, not a saved page ({path})",
                        "give the page file itself (a browser's 'Save page as' writes NAME.html beside a NAME_files folder)")
    if not path.is_file():
        raise SpecError(label, f"{where}.file", f"{file!r} does not exist (looked for {path})", "fix the path; it is relative to the spec file")
    return Outlet(key=key, name=name, file=path, language=language)
