"""Snapshots: the raw bytes of a page plus where and when they came from.

A snapshot is stored as two files, ``<name>.body`` (the bytes as received) and
``<name>.json`` (everything else), both in a cache and in each run's
``snapshots/`` folder, so a run can always be redone from what it read.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Snapshot:
    """One page as read: bytes, origin and metadata."""

    source: str                 # the URL or file path the spec named
    final_url: str | None       # after redirects (None for a file)
    status: int | None          # HTTP status (None for a file)
    fetched_at: str             # ISO 8601, UTC
    content_type: str           # as served, or guessed from the file name
    kind: str                   # "html" or "text"
    body: bytes = field(repr=False)
    charset: str | None = None  # declared by the server, if any
    from_cache: bool = False
    etag: str | None = None            # validators the server sent, for a conditional re-fetch
    last_modified: str | None = None

    @property
    def sha256(self) -> str:
        """The SHA-256 of the body, hex."""
        return hashlib.sha256(self.body).hexdigest()

    @cached_property
    def _decoded(self) -> tuple[str, str]:
        return decode(self.body, self.charset)

    def text(self) -> str:
        """The body decoded to text (see :func:`decode`)."""
        return self._decoded[0]

    def meta(self) -> dict[str, Any]:
        """Everything but the body, JSON-ready."""
        data = asdict(self)
        del data["body"]
        data["sha256"] = self.sha256
        data["bytes"] = len(self.body)
        data["encoding"] = self._decoded[1]
        return data


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def decode(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return ``(text, encoding used)``.

    Order: byte-order mark, the server's charset, a ``<meta charset>`` in the
    first 8 KiB, strict UTF-8, then charset detection (so an undeclared
    windows-1251 page still comes out as Cyrillic).
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name
    candidates = [declared]
    match = _META_CHARSET.search(body[:8192])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _codec(name)
        if codec == "cp1252" and _is_utf8(body):  # a server default, contradicted by the bytes
            return body.decode("utf-8"), "utf-8"
        if codec:
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return body.decode("cp1252", errors="replace"), "cp1252"


def _is_utf8(body: bytes) -> bool:
    """True when the bytes hold non-ASCII text that decodes as UTF-8 (nearly never by chance)."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Pages that say latin-1 almost always mean windows-1252 (as browsers assume).
    return "cp1252" if codec in ("latin-1", "iso8859-1") else codec


def save(snapshot: Snapshot, folder: Path, name: str) -> Path:
    """Write ``name.body`` and ``name.json`` into ``folder`` atomically; return the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / f"{name}.body", snapshot.body)
    meta = json.dumps(snapshot.meta(), indent=2, ensure_ascii=False).encode("utf-8")
    _atomic_write(folder / f"{name}.json", meta)
    return folder / f"{name}.json"


def load(folder: Path, name: str) -> Snapshot | None:
    """Read a snapshot saved by :func:`save`, or None when there is none (or it is damaged)."""
    meta_path, body_path = folder / f"{name}.json", folder / f"{name}.body"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = body_path.read_bytes()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        return None
    fields = {k: meta.get(k) for k in ("source", "final_url", "status", "fetched_at", "content_type", "kind", "charset",
                                       "etag", "last_modified")}
    return Snapshot(body=body, from_cache=True, **fields)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
