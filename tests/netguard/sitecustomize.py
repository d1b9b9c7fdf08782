"""Loaded by every Python started with this folder on PYTHONPATH (tests only).

Refuses any network connection or name lookup that leaves this machine, and
writes each attempt to the file named by PARALLAX_NETGUARD_LOG, so a test can
prove that a run downloaded nothing (NLTK data, public suffix lists, models...).
"""

import os
import socket
import traceback

_LOG = os.environ.get("PARALLAX_NETGUARD_LOG", "")
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "", None}


def _is_local(host):
    if isinstance(host, bytes):
        host = host.decode()
    return host in _LOCAL_NAMES or str(host).startswith("127.")


def _refuse(what):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{what}\n{''.join(traceback.format_stack(limit=12))}\n")
    raise OSError(101, f"network disabled by the test suite: {what}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
