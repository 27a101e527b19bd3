"""Downloads of collection pictures (``edm:isShownBy``, thumbnails) — an explicit staff action, never at run time.

``moien heritage images`` calls this once, on a machine that may reach the providers; the kiosk then shows
the copies from ``$MOIEN_HOME/heritage/images`` and works with the network cable pulled. Only pictures are
kept (the file's first bytes must be those of a PNG, JPEG, GIF or WebP picture, whatever the server calls
it), up to a size limit.

The addresses come from records, that is from whoever wrote the metadata. Fetched blindly they would let a
record make moien call the machine's own services (``http://127.0.0.1:…``), the office network (``10.…``) or a
cloud's metadata endpoint (``169.254.169.254``) — and store the answer where the kiosk shows it. So every
address, and every redirect, is checked by a :class:`FetchPolicy` first: http(s) only, and its host must resolve
to public addresses only, unless the operator names it in the policy's allow list.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

USER_AGENT = "moien-heritage/0.1 (image cache for offline kiosks; +https://github.com/moien)"
MAX_BYTES = 15 * 1024 * 1024
#: redirects followed per picture (each one checked like the first address)
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
#: file signatures of the formats a browser shows (and Streamlit's st.image takes)
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg", b"GIF87a": ".gif", b"GIF89a": ".gif"}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class ImageFetchError(RuntimeError):
    """A picture could not be fetched; ``str()`` says why in words a curator can act on."""


class ImageFetchRefused(ImageFetchError):
    """moien would not fetch the address at all (its fetch policy): nothing was sent to it. A caller may count
    these apart from failures — they point at a suspicious or internal address in the metadata."""


def _system_resolver(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _why_not_public(ip: IPAddress) -> str | None:
    """Why ``ip`` is not an address on the public internet (None when it is)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _why_not_public(ip.ipv4_mapped)  # ::ffff:127.0.0.1 is loopback too
    for what in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{what}"):
            return what.replace("_", "-")
    if not ip.is_global:  # shared address space (100.64.0.0/10), documentation ranges, …
        return "not public"
    return None


@dataclass(frozen=True)
class FetchPolicy:
    """Which addresses moien may fetch pictures from.

    By default only public internet addresses over http(s). ``allow`` lets an operator open exceptions
    explicitly — a provider on the institution's own network, a test server: each entry is a network
    (``10.20.0.0/16``, ``192.168.1.7``), a host name (``images.intranet.lu``) or a host with a port
    (``127.0.0.1:8080``, ``[::1]:8080``, ``images.intranet.lu:8443``). The check runs on every redirect too,
    and the connection goes to the address that was checked (no second DNS answer can swap it).
    """

    allow: tuple[str, ...] = ()
    max_redirects: int = MAX_REDIRECTS
    resolver: Resolver = field(default=_system_resolver, compare=False, repr=False)

    @classmethod
    def allowing(cls, entries: Iterable[str]) -> FetchPolicy:
        return cls(allow=tuple(e.strip() for e in entries if e and e.strip()))

    def _allowed(self, host: str, port: int, ip: IPAddress) -> bool:
        for entry in self.allow:
            try:
                if ip in ipaddress.ip_network(entry.strip("[]"), strict=False):
                    return True
                continue
            except ValueError:
                pass  # not a network: a host, maybe with a port
            name, _, port_text = entry.rpartition(":")
            if not name or not port_text.isdigit() or (name.count(":") and not name.startswith("[")):
                name, port_text = entry, ""  # no port (a bare IPv6 address was taken as a network above)
            name = name.strip("[]").lower()
            if port_text and int(port_text) != port:
                continue
            if name == host.lower() or name == str(ip):
                return True
        return False

    def check(self, url: httpx.URL) -> IPAddress:
        """The address to connect to for ``url``; :class:`ImageFetchRefused` when the policy forbids it."""
        if url.scheme not in ("http", "https"):
            raise ImageFetchRefused(f"refused: not an http(s) address ({url.scheme or 'no scheme'}): {url}")
        host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS want it
        if not host:
            raise ImageFetchRefused(f"refused: the address names no host: {url}")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in self.resolver(host, port)]
            except (OSError, UnicodeError, ValueError) as exc:
                raise ImageFetchError(f"the host {host} could not be found (DNS: {type(exc).__name__})") from exc
        if not found:
            raise ImageFetchError(f"the host {host} could not be found (DNS gave no address)")
        # every address must pass: a name that also resolves to 127.0.0.1 would otherwise win half the time
        for ip in found:
            why = _why_not_public(ip)
            if why and not self._allowed(host, port, ip):
                raise ImageFetchRefused(
                    f"refused: {host} is a {why} address ({ip}), not the public internet; an operator can allow "
                    "it in the image fetch allow list"
                )
        return found[0]


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
    """Fetches one picture at a time under a :class:`FetchPolicy` (default: public addresses only)."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_bytes: int = MAX_BYTES,
        client: httpx.Client | None = None,
        policy: FetchPolicy | None = None,
    ):
        self.max_bytes = max_bytes
        self.policy = policy or FetchPolicy()
        self._own = client is None
        # redirects are followed here, one checked hop at a time, never by httpx
        self.client = client or httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT, "Accept": "image/*"}
        )

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> ImageFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, url: httpx.URL) -> httpx.Request:
        """A GET for ``url`` sent to the address the policy checked, with the original host name in the
        ``Host`` header and for TLS (SNI and certificate), so a second DNS answer cannot redirect it."""
        ip = self.policy.check(url)
        pinned = url.copy_with(host=str(ip))
        extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
        return self.client.build_request(
            "GET", pinned, headers={"Host": url.netloc.decode("ascii")}, extensions=extensions
        )

    def fetch(self, url: str) -> Picture:
        if not url.startswith(("http://", "https://")):
            raise ImageFetchRefused(f"refused: not an http(s) address: {url}")
        try:
            current = httpx.URL(url)
            for _hop in range(self.policy.max_redirects + 1):
                resp = self.client.send(self._request(current), stream=True)
                try:
                    if resp.status_code in _REDIRECTS and resp.headers.get("location"):
                        current = current.join(resp.headers["location"])
                        continue
                    return self._read(resp)
                finally:
                    resp.close()
            raise ImageFetchError(f"more than {self.policy.max_redirects} redirects (a redirect loop?)")
        except (httpx.InvalidURL, UnicodeError) as exc:  # InvalidURL is not an HTTPError
            raise ImageFetchError(f"not a valid web address ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise ImageFetchError(f"the server could not be reached ({type(exc).__name__})") from exc

    def _read(self, resp: httpx.Response) -> Picture:
        if resp.status_code != 200:
            raise ImageFetchError(f"the server answered HTTP {resp.status_code}")
        try:
            declared = int(resp.headers.get("content-length") or 0)
        except ValueError:
            declared = 0  # a broken header: the size is checked while reading
        if declared > self.max_bytes:
            raise ImageFetchError(
                f"the picture is {declared // 1_000_000} MB, more than the {self.max_bytes // 1_000_000} MB limit"
            )
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:  # a server that lies about (or omits) its length stops here
                raise ImageFetchError(f"the picture is larger than the {self.max_bytes // 1_000_000} MB limit")
            chunks.append(chunk)
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        data = b"".join(chunks)
        suffix = sniff(data)
        if suffix is None:
            what = ctype or "unknown content"
            raise ImageFetchError(
                f"the address gives {what}, not a PNG, JPEG, GIF or WebP picture "
                "(an IIIF or viewer page instead of the image itself?)"
            )
        return Picture(data, suffix, ctype)
