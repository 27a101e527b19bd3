"""`moien heritage images` fetches only what the fetch policy allows: a record (or a provider's redirect) cannot
make moien call loopback, the office network or a cloud metadata endpoint. Real HTTP servers on loopback; since
every test server is on loopback, the "allowed" one is let through by an explicit allow list, and a redirect to
another loopback port not on the list is refused before anything is sent to it."""

from __future__ import annotations

import io
import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from moien.connectors.image_fetch import FetchPolicy, ImageFetcher, ImageFetchError, ImageFetchRefused


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 90, 200)).save(buf, format="PNG")
    return buf.getvalue()


class Server:
    """A web server on 127.0.0.1: ``routes`` maps a path to (status, headers, body); it counts every request."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.routes = routes
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits.append(self.path)
                code, headers, body = owner.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(code)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers and "X-No-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    png = _png()
    other = Server({"/secret.png": (200, {"Content-Type": "image/png"}, png)})
    main = Server({})
    redirect = lambda to: (302, {"Location": to}, b"")  # noqa: E731
    main.routes.update(
        {
            "/pic.png": (200, {"Content-Type": "image/png"}, png),
            "/relative": redirect("/pic.png"),
            "/to-other-port": redirect(f"{other.url}/secret.png"),
            "/to-localhost": redirect(f"http://localhost:{other.port}/secret.png"),
            "/to-10": redirect("http://10.0.0.1/pic.png"),
            "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-file": redirect("file:///etc/passwd"),
            "/loop": redirect("/loop"),
            "/huge": (200, {"Content-Type": "image/png"}, png + b"\0" * 5000),
            "/huge-no-length": (200, {"Content-Type": "image/png", "X-No-Length": "1"}, png + b"\0" * 5000),
        }
    )
    yield main, other
    main.stop()
    other.stop()


def _fetcher(*allow: str, max_bytes: int = 1_000_000) -> ImageFetcher:
    return ImageFetcher(timeout=10, max_bytes=max_bytes, policy=FetchPolicy.allowing(allow))


def test_loopback_is_refused_by_default_and_nothing_is_sent(servers: tuple[Server, Server]) -> None:
    main, _ = servers
    with ImageFetcher(timeout=10) as f, pytest.raises(ImageFetchRefused, match="loopback"):
        f.fetch(f"{main.url}/pic.png")
    assert main.hits == []


def test_allowed_server_gives_its_picture_and_relative_redirects_stay_allowed(servers: tuple[Server, Server]) -> None:
    main, _ = servers
    with _fetcher(f"127.0.0.1:{main.port}") as f:
        assert f.fetch(f"{main.url}/pic.png").suffix == ".png"
        assert f.fetch(f"{main.url}/relative").suffix == ".png"
    assert main.hits == ["/pic.png", "/relative", "/pic.png"]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/to-other-port", "loopback"),  # another loopback port, not on the allow list
        ("/to-localhost", "loopback"),  # the same, by name
        ("/to-10", "private"),
        ("/to-metadata", "link-local"),
        ("/to-file", "http"),
    ],
)
def test_redirects_are_checked_hop_by_hop(servers: tuple[Server, Server], path: str, why: str) -> None:
    main, other = servers
    with _fetcher(f"127.0.0.1:{main.port}") as f, pytest.raises(ImageFetchRefused, match=why):
        f.fetch(f"{main.url}{path}")
    assert other.hits == []  # refused before anything was sent


def test_a_redirect_loop_stops_after_five_hops(servers: tuple[Server, Server]) -> None:
    main, _ = servers
    with _fetcher(f"127.0.0.1:{main.port}") as f, pytest.raises(ImageFetchError, match="redirects"):
        f.fetch(f"{main.url}/loop")
    assert len(main.hits) == 6  # the first request and five redirects


@pytest.mark.parametrize("path", ["/huge", "/huge-no-length"])
def test_download_size_is_capped(servers: tuple[Server, Server], path: str) -> None:
    main, _ = servers
    with _fetcher(f"127.0.0.1:{main.port}", max_bytes=1000) as f, pytest.raises(ImageFetchError) as exc:
        f.fetch(f"{main.url}{path}")
    assert not isinstance(exc.value, ImageFetchRefused)


def test_allowing_a_network_opens_every_port_in_it(servers: tuple[Server, Server]) -> None:
    main, other = servers
    with _fetcher("127.0.0.0/8") as f:
        assert f.fetch(f"{main.url}/to-other-port").suffix == ".png"
    assert other.hits == ["/secret.png"]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    policy = FetchPolicy(resolver=lambda host, port: [address])
    with pytest.raises(ImageFetchRefused):
        policy.check(httpx.URL("https://images.example.lu/a.png"))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(ImageFetchRefused):
        policy.check(httpx.URL(f"http://{host}/a.png"))


def test_a_public_name_passes_and_a_name_with_any_private_address_does_not() -> None:
    public = FetchPolicy(resolver=lambda host, port: ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
    assert public.check(httpx.URL("https://images.example.lu/a.png")) == ipaddress.ip_address("93.184.215.14")
    mixed = FetchPolicy(resolver=lambda host, port: ["93.184.215.14", "127.0.0.1"])
    with pytest.raises(ImageFetchRefused, match="loopback"):
        mixed.check(httpx.URL("https://images.example.lu/a.png"))


def test_allow_list_entries_match_host_port_and_networks() -> None:
    resolver = lambda host, port: ["10.20.1.5"]  # noqa: E731
    url = httpx.URL("http://images.intranet.lu:8080/a.png")
    for entry in ("images.intranet.lu", "images.intranet.lu:8080", "10.20.0.0/16", "10.20.1.5", "10.20.1.5:8080"):
        assert FetchPolicy(allow=(entry,), resolver=resolver).check(url) == ipaddress.ip_address("10.20.1.5")
    for entry in ("images.intranet.lu:9090", "10.30.0.0/16", "other.intranet.lu"):
        with pytest.raises(ImageFetchRefused):
            FetchPolicy(allow=(entry,), resolver=resolver).check(url)


def test_non_http_addresses_are_refused() -> None:
    with ImageFetcher() as f:
        for url in ("file:///etc/passwd", "ftp://example.org/a.png", "gopher://x", "/etc/passwd"):
            with pytest.raises(ImageFetchRefused):
                f.fetch(url)
