"""Fetch one web page or file for import: http(s) only, under the same address policy as picture downloads.

The address comes from whoever runs the import, but a page may redirect anywhere: every hop is checked by
:class:`moien.connectors.image_fetch.FetchPolicy` (public addresses only, unless the operator allows a host — an
intranet, say) and the connection goes to the address that was checked. Size and time are bounded, so a
never-ending or huge response stops with a one-line reason.
"""

from __future__ import annotations

import time

import httpx

from moien.connectors.image_fetch import FetchPolicy, ImageFetchError
from moien.documents.model import DocumentError

USER_AGENT = "moien-documents/0.1 (document import requested by staff)"
MAX_BYTES = 50 * 1024 * 1024
TIMEOUT_S = 30.0
_REDIRECTS = (301, 302, 303, 307, 308)
#: Content type → the suffix the parsers know it by (the name decides the parser when the content is ambiguous).
_SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/akn+xml": ".xml",
}


def _name(url: httpx.URL, content_type: str) -> str:
    """A file name for the parsers: the URL's last path part, with the content type's suffix when it has none."""
    last = str(url.path).rstrip("/").rsplit("/", 1)[-1] or str(url.host)
    suffix = _SUFFIXES.get(content_type, "")
    return last if "." in last.rsplit("/", 1)[-1] and not last.endswith((".php", ".aspx", ".jsp")) else last + suffix


def _ctype(resp: httpx.Response) -> str:
    return str(resp.headers.get("content-type", "")).split(";")[0].strip().lower()


def _read(resp: httpx.Response, url: str, max_bytes: int, timeout: float, deadline: float) -> bytes:
    """The body, stopped at ``max_bytes`` or the deadline (a server that lies about its length stops here too)."""
    if resp.status_code != 200:
        raise DocumentError(url, "http_status", "check_address", status=resp.status_code)
    chunks, size = [], 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise DocumentError(url, "url_too_big", "download_file", limit_mb=max_bytes // 1_000_000)
        if time.monotonic() > deadline:
            raise DocumentError(url, "url_slow", "try_later", seconds=round(timeout))
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_url(
    url: str, *, policy: FetchPolicy | None = None, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_S
) -> tuple[bytes, str]:
    """The bytes at ``url`` and a file name for them; :class:`DocumentError` (one line) when it cannot be had."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + timeout
    try:
        current = httpx.URL(url)
        with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
            for _hop in range(policy.max_redirects + 1):
                ip = policy.check(current)
                pinned = current.copy_with(host=str(ip))
                ext = {"sni_hostname": current.raw_host.decode("ascii")} if current.scheme == "https" else {}
                request = client.build_request(
                    "GET", pinned, headers={"Host": current.netloc.decode("ascii")}, extensions=ext
                )
                resp = client.send(request, stream=True)
                try:
                    if resp.status_code in _REDIRECTS and resp.headers.get("location"):
                        current = current.join(resp.headers["location"])
                        continue
                    return _read(resp, url, max_bytes, timeout, deadline), _name(current, _ctype(resp))
                finally:
                    resp.close()
            raise DocumentError(url, "url_redirects", "check_address", limit=policy.max_redirects)
    except ImageFetchError as exc:  # the policy's refusal or a DNS failure, in English words (kept as the detail)
        raise DocumentError(url, "url_refused", "check_address", detail=str(exc)) from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise DocumentError(url, "url_invalid", "check_address", detail=type(exc).__name__) from exc
    except httpx.HTTPError as exc:
        raise DocumentError(url, "url_unreachable", "try_later", detail=type(exc).__name__) from exc
