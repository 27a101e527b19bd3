"""Downloads of collection pictures (``edm:isShownBy``, thumbnails) — an explicit staff action, never at run time.

``moien heritage images`` calls this once, on a machine that may reach the providers; the kiosk then shows
the copies from ``$MOIEN_HOME/heritage/images`` and works with the network cable pulled. Only pictures are
kept (the file's first bytes must be those of a PNG, JPEG, GIF or WebP picture, whatever the server calls
it), up to a size limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

USER_AGENT = "moien-heritage/0.1 (image cache for offline kiosks; +https://github.com/moien)"
MAX_BYTES = 15 * 1024 * 1024
#: file signatures of the formats a browser shows (and Streamlit's st.image takes)
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg", b"GIF87a": ".gif", b"GIF89a": ".gif"}


class ImageFetchError(RuntimeError):
    """A picture could not be fetched; ``str()`` says why in words a curator can act on."""


@dataclass
class Picture:
    data: bytes
    suffix: str  # .png .jpg .gif .webp
    content_type: str


def sniff(data: bytes) -> str | None:
    for sig, suffix in _SIGNATURES.items():
        if data.startswith(sig):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


class ImageFetcher:
    def __init__(self, *, timeout: float = 30.0, max_bytes: int = MAX_BYTES, client: httpx.Client | None = None):
        self.max_bytes = max_bytes
        self._own = client is None
        self.client = client or httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT, "Accept": "image/*"}
        )

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> ImageFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> Picture:
        if not url.startswith(("http://", "https://")):
            raise ImageFetchError(f"not an http(s) address: {url}")
        try:
            with self.client.stream("GET", url) as resp:
                if resp.status_code != 200:
                    raise ImageFetchError(f"the server answered HTTP {resp.status_code}")
                try:
                    declared = int(resp.headers.get("content-length") or 0)
                except ValueError:
                    declared = 0  # a broken header: the size is checked while reading
                if declared > self.max_bytes:
                    raise ImageFetchError(
                        f"the picture is {declared // 1_000_000} MB, more than the "
                        f"{self.max_bytes // 1_000_000} MB limit"
                    )
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ImageFetchError(f"the picture is larger than the {self.max_bytes // 1_000_000} MB limit")
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        except (httpx.InvalidURL, UnicodeError) as exc:  # InvalidURL is not an HTTPError
            raise ImageFetchError(f"not a valid web address ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise ImageFetchError(f"the server could not be reached ({type(exc).__name__})") from exc
        data = b"".join(chunks)
        suffix = sniff(data)
        if suffix is None:
            what = ctype or "unknown content"
            raise ImageFetchError(
                f"the address gives {what}, not a PNG, JPEG, GIF or WebP picture "
                "(an IIIF or viewer page instead of the image itself?)"
            )
        return Picture(data, suffix, ctype)
