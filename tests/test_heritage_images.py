"""Pictures referenced on the web are copied once by `moien heritage images`; the kiosk then shows the copies
with no network at all, and a picture that cannot be fetched is reported while the others are copied."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from moien.heritage.store import RecordStore


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


class PictureServer:
    """A provider's web server: one picture, one viewer page (HTML, not a picture), the rest 404."""

    def __init__(self) -> None:
        png = _png()
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.hits += 1
                if self.path == "/img/lamp.png":
                    body, ctype, code = png, "image/png", 200
                elif self.path == "/viewer/lamp":
                    body, ctype, code = b"<html><body>viewer</body></html>", "text/html", 200
                else:
                    body, ctype, code = b"not found", "text/plain", 404
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def collection(tmp_path, monkeypatch):
    from moien.assistants.core.config import get_settings
    from moien.heritage.importers import import_path

    server = PictureServer()
    rows = [
        "id;title;image",
        f"L-1;Grubenlampe;{server.url}/img/lamp.png",
        f"L-2;Karbidlampe;{server.url}/viewer/lamp",
        f"L-3;Stollenlampe;{server.url}/img/missing.png",
        "L-4;Postkaart ouni Bild;",
        "L-5;Lampe mat enger futtisser Adress;http://127.0.0.1:port/img/lamp.png",
    ]
    (tmp_path / "lamps.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "lamps.mapping.yml").write_text(
        'format: csv\ndelimiter: ";"\nid: id\nfields:\n  title: {from: title, lang: lb}\n  is_shown_by: image\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    monkeypatch.setenv("MOIEN_HOME", str(home))
    # The picture server runs on loopback, which the fetch policy refuses unless the operator allows it.
    monkeypatch.setenv("MOIEN_HERITAGE__IMAGE_FETCH_ALLOW", json.dumps([f"127.0.0.1:{server.httpd.server_address[1]}"]))
    get_settings.cache_clear()
    store = RecordStore.open(home)
    rep = import_path(store, tmp_path / "lamps.csv", "csv", tmp_path / "lamps.mapping.yml")
    assert rep.new == 5
    yield store, home, server
    store.close()
    server.stop()
    get_settings.cache_clear()


def test_web_pictures_are_shown_offline_after_copying(collection):
    from moien.connectors.image_fetch import FetchPolicy, ImageFetcher
    from moien.heritage.images import cache_images
    from moien.heritage.views import image_path

    store, home, server = collection
    assert image_path(store.get("L-1"), home) is None  # before: the kiosk never fetches by itself
    # The picture server is on loopback, which the default policy refuses (tests/test_image_fetch_policy.py).
    allowed = FetchPolicy.allowing([f"127.0.0.1:{server.httpd.server_address[1]}"])
    refused = cache_images(store, home)
    assert refused.fetched == 0 and refused.refused == 3
    rep = cache_images(store, home, fetcher=ImageFetcher(policy=allowed))
    assert rep.fetched == 1 and rep.records_without_remote == 1
    reasons = {rid: reason for rid, _, reason in rep.failed}
    assert set(reasons) == {"L-2", "L-3", "L-5"}  # one bad address does not stop the others
    assert "text/html" in reasons["L-2"] and "404" in reasons["L-3"] and "not a valid web address" in reasons["L-5"]
    server.stop()  # the network cable pulled
    pic = image_path(store.get("L-1"), home)
    assert pic is not None and pic.read_bytes() == _png()
    assert image_path(store.get("L-2"), home) is None
    assert store.get("L-1").text("is_shown_by").startswith("http://")  # the source value is untouched
    hits = server.hits
    again = cache_images(store, home, fetcher=ImageFetcher(policy=allowed))  # already there: nothing fetched twice
    assert again.already == 1 and again.fetched == 0 and server.hits == hits


def test_images_command_reports_failures_per_record(collection):
    from moien.assistants.heritage.cli import app

    _store, _home, _server = collection
    res = CliRunner().invoke(app, ["images", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["fetched"] == 1 and {f["id"] for f in data["failed"]} == {"L-2", "L-3", "L-5"}
    res = CliRunner().invoke(app, ["images", "--lang", "de"])
    assert res.exit_code == 0 and "Bilder lokal gespeichert" in res.output
