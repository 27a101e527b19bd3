"""OAI-PMH harvesting against a real HTTP server written here (stdlib ``http.server`` on 127.0.0.1).

The server pages ListRecords with resumption tokens, honours from/until/set, reports deletions, and can
be told to fail: transiently (HTTP 503, a body cut off mid-XML) or for good from a given page on. The
harvester must retry the first kind, stop on the second with its checkpoint saved, resume from the
exact next page when run again, and never store a record twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from moien.connectors.oaipmh import OAIClient
from moien.heritage.harvest import harvest, harvest_key
from moien.heritage.importers import ImportFailed
from moien.heritage.store import RecordStore

OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    "<responseDate>{date}</responseDate><request>{base}</request>"
)
LANG_TITLES = [
    ("fr", "Carte postale de Vianden n° {n}"),
    ("de", "Ansichtskarte von Echternach Nr. {n}"),
    ("lb", "Postkaart vu Klierf Nummer {n}"),
    ("en", "Postcard of Wiltz number {n}"),
]


class OAIServer:
    """A small OAI-PMH 2.0 repository (oai_dc) over HTTP, with switchable failures."""

    def __init__(self, n_records: int = 23, page_size: int = 5) -> None:
        self.page_size = page_size
        self.records = {}
        for n in range(1, n_records + 1):
            lang, title = LANG_TITLES[n % 4]
            self.records[f"oai:test.example.lu:{n:04d}"] = {
                "datestamp": f"2024-01-{(n % 28) + 1:02d}",
                "sets": ["cartes"] if n % 2 else ["photos"],
                "title": title.format(n=n),
                "lang": lang,
                "deleted": False,
                "date": f"vers {1890 + n}",
            }
        self.response_date = "2024-03-01T10:00:00Z"
        self.requests: list[dict] = []
        self.transient: Counter = Counter()  # page number → how many 503s before it answers
        self.truncate: Counter = Counter()  # page number → how many cut-off bodies before it answers
        self.down_from_page: int | None = None  # from this page on, HTTP 500 (until set back to None)
        self.forget_tokens = False  # answer badResumptionToken to every token
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_GET(self):
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                with server.lock:
                    server.requests.append(params)
                status, body = server.answer(params)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                if status == 503:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> OAIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- protocol -----------------------------------------------------------------------------------
    def _head(self) -> str:
        return OAI_HEAD.format(date=self.response_date, base=self.url)

    def _error(self, code: str, text: str) -> tuple[int, str]:
        return 200, f'{self._head()}<error code="{code}">{escape(text)}</error></OAI-PMH>'

    def _record(self, rid: str, r: dict) -> str:
        sets = "".join(f"<setSpec>{s}</setSpec>" for s in r["sets"])
        if r["deleted"]:
            return f'<record><header status="deleted"><identifier>{rid}</identifier><datestamp>{r["datestamp"]}</datestamp>{sets}</header></record>'
        return (
            f"<record><header><identifier>{rid}</identifier><datestamp>{r['datestamp']}</datestamp>{sets}</header>"
            '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title xml:lang="{r["lang"]}">{escape(r["title"])}</dc:title>'
            f"<dc:date>{r['date']}</dc:date><dc:type>Image</dc:type>"
            "<dc:rights>http://creativecommons.org/publicdomain/mark/1.0/</dc:rights>"
            "</oai_dc:dc></metadata></record>"
        )

    def matching(self, frm: str | None, until: str | None, set_spec: str | None) -> list[str]:
        out = []
        for rid, r in sorted(self.records.items()):
            if frm and r["datestamp"] < frm[:10]:
                continue
            if until and r["datestamp"] > until[:10]:
                continue
            if set_spec and set_spec not in r["sets"]:
                continue
            out.append(rid)
        return out

    def answer(self, params: dict) -> tuple[int, str]:
        verb = params.get("verb")
        if verb == "Identify":
            return 200, (
                f"{self._head()}<Identify><repositoryName>Test archive</repositoryName><baseURL>{self.url}"
                "</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>archive@example.lu</adminEmail>"
                "<earliestDatestamp>2024-01-01</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
                "<granularity>YYYY-MM-DD</granularity></Identify></OAI-PMH>"
            )
        if verb == "ListSets":
            return 200, (
                f"{self._head()}<ListSets><set><setSpec>cartes</setSpec><setName>Cartes postales</setName></set>"
                "<set><setSpec>photos</setSpec><setName>Photos</setName></set></ListSets></OAI-PMH>"
            )
        if verb != "ListRecords":
            return self._error("badVerb", f"illegal verb {verb}")
        token = params.get("resumptionToken")
        if token:
            if set(params) != {"verb", "resumptionToken"}:
                return self._error("badArgument", "resumptionToken is an exclusive argument")
            if self.forget_tokens:
                return self._error("badResumptionToken", "unknown or expired token")
            try:
                page_s, frm, until, set_spec = token.split("|")
                page = int(page_s)
            except ValueError:
                return self._error("badResumptionToken", token)
        else:
            if params.get("metadataPrefix") != "oai_dc":
                return self._error("cannotDisseminateFormat", "only oai_dc")
            page, frm, until, set_spec = 1, params.get("from", ""), params.get("until", ""), params.get("set", "")
        if self.down_from_page is not None and page >= self.down_from_page:
            return 500, "<html>Internal Server Error</html>"
        if self.transient[page] > 0:
            self.transient[page] -= 1
            return 503, "busy"
        ids = self.matching(frm or None, until or None, set_spec or None)
        if not ids:
            return self._error("noRecordsMatch", "no records")
        chunk = ids[(page - 1) * self.page_size : page * self.page_size]
        more = page * self.page_size < len(ids)
        next_token = f"{page + 1}|{frm}|{until}|{set_spec}" if more else ""
        rt = (
            (
                f'<resumptionToken completeListSize="{len(ids)}" cursor="{(page - 1) * self.page_size}">'
                f"{escape(next_token)}</resumptionToken>"
            )
            if (more or page > 1)
            else ""
        )
        body = (
            f"{self._head()}<ListRecords>{''.join(self._record(i, self.records[i]) for i in chunk)}{rt}"
            "</ListRecords></OAI-PMH>"
        )
        if self.truncate[page] > 0:
            self.truncate[page] -= 1
            return 200, body[: len(body) // 2]  # the connection died mid-response
        return 200, body

    def list_requests(self) -> list[dict]:
        return [r for r in self.requests if r.get("verb") == "ListRecords"]


@pytest.fixture
def server():
    with OAIServer() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    s = RecordStore.open(tmp_path)
    yield s
    s.close()


def client_for(server: OAIServer, retries: int = 3) -> OAIClient:
    return OAIClient(server.url, retries=retries, backoff=0.01, max_backoff=0.05, timeout=10)


def stored_ids(store: RecordStore) -> list[str]:
    return [r[0] for r in store.connect().execute("SELECT id FROM records")]


def test_full_harvest_pages_through_every_resumption_token(server, store):
    report = harvest(store, server.url, client=client_for(server))
    assert report.new == 23 and report.pages == 5 and not report.errors
    assert sorted(stored_ids(store)) == sorted(server.records)
    lists = server.list_requests()
    assert lists[0] == {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    assert all(set(r) == {"verb", "resumptionToken"} for r in lists[1:])  # the token is an exclusive argument
    rec = store.get("oai:test.example.lu:0005")
    assert rec.provenance.format == "oai_dc" and rec.provenance.origin == server.url
    assert rec.provenance.datestamp == "2024-01-06" and rec.provenance.sets == ["cartes"]
    assert rec.values("title")[0].lang == "de"  # LANG_TITLES[5 % 4]


def test_transient_failures_are_retried(server, store):
    server.transient[2] = 2  # HTTP 503 twice on page 2
    server.truncate[4] = 1  # page 4 once cut off mid-XML
    report = harvest(store, server.url, client=client_for(server))
    assert report.new == 23 and not report.errors
    pages = [r.get("resumptionToken", "1|").split("|")[0] for r in server.list_requests()]
    assert pages.count("2") == 3 and pages.count("4") == 2


def test_interrupted_harvest_resumes_without_duplicates(server, store, tmp_path):
    server.down_from_page = 3  # the server breaks down after two pages, for longer than the retries
    with pytest.raises(ImportFailed, match="run the same command again to resume"):
        harvest(store, server.url, client=client_for(server, retries=2))
    assert len(stored_ids(store)) == 10
    state = store.harvest_state(harvest_key(server.url, "oai_dc", None))
    assert state["status"] == "failed" and state["token"].startswith("3|") and state["pages"] == 2
    assert (tmp_path / "heritage" / "records.sqlite").is_file()  # the checkpoint lives under $MOIEN_HOME

    server.down_from_page = None
    before = len(server.list_requests())
    report = harvest(store, server.url, client=client_for(server))
    assert report.resumed
    resumed = server.list_requests()[before:]
    assert resumed[0] == {"verb": "ListRecords", "resumptionToken": state["token"]}  # straight to page 3
    assert all(not r.get("resumptionToken", "").startswith(("1|", "2|")) for r in resumed)
    assert report.new == 13 and report.unchanged == 0
    ids = stored_ids(store)
    assert len(ids) == len(set(ids)) == 23
    assert store.harvest_state(harvest_key(server.url, "oai_dc", None))["status"] == "done"


def test_next_harvest_is_incremental_and_updates_changed_records(server, store):
    harvest(store, server.url, client=client_for(server))
    server.records["oai:test.example.lu:0007"].update(
        title="Carte postale de Vianden n° 7 (restaurée)", datestamp="2024-03-02"
    )
    server.records["oai:test.example.lu:0008"].update(deleted=True, datestamp="2024-03-02")
    server.response_date = "2024-03-05T10:00:00Z"
    before = len(server.list_requests())
    report = harvest(store, server.url, client=client_for(server))
    first = server.list_requests()[before]
    assert first["from"] == "2024-03-01"  # the responseDate of the last complete harvest, at day granularity
    assert report.updated == 2 and report.new == 0 and report.deleted == 1
    assert store.get("oai:test.example.lu:0007").text("title").endswith("(restaurée)")
    assert store.get("oai:test.example.lu:0008").deleted  # a tombstone: kept, marked deleted
    assert store.count() == 22 and store.count(include_deleted=True) == 23


def test_sets_and_dates_are_sent_and_honoured(server, store):
    report = harvest(
        store, server.url, set_spec="photos", from_="2024-01-05", until="2024-01-20", client=client_for(server)
    )
    first = server.list_requests()[0]
    assert first == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "photos",
        "from": "2024-01-05",
        "until": "2024-01-20",
    }
    assert report.new == len(server.matching("2024-01-05", "2024-01-20", "photos")) > 0


def test_expired_token_restarts_the_list_without_duplicates(server, store):
    server.down_from_page = 2
    with pytest.raises(ImportFailed):
        harvest(store, server.url, client=client_for(server, retries=1))
    server.down_from_page = None
    server.forget_tokens = True  # the repository restarted and forgot every token…
    with pytest.raises(ImportFailed, match="badResumptionToken"):
        harvest(store, server.url, client=client_for(server))  # …the list restarts, then page 2 fails again
    server.forget_tokens = False
    report = harvest(store, server.url, client=client_for(server))
    ids = stored_ids(store)
    assert len(ids) == len(set(ids)) == 23
    assert report.new + report.unchanged >= 18


def test_identify_and_list_sets(server):
    with client_for(server) as c:
        info = c.identify()
        assert info["repositoryName"] == "Test archive" and info["granularity"] == "YYYY-MM-DD"
        assert [s["setSpec"] for s in c.list_sets()] == ["cartes", "photos"]


def test_unreachable_endpoint_is_a_clear_error(store):
    with pytest.raises(ImportFailed, match="Identify failed"):
        harvest(store, "http://127.0.0.1:9/oai", client=OAIClient("http://127.0.0.1:9/oai", retries=1, backoff=0.01))


def test_cli_imports_from_a_url(server, tmp_path, monkeypatch):
    from moien.assistants.core.config import get_settings
    from moien.assistants.heritage.cli import app

    monkeypatch.setenv("MOIEN_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        server.transient[1] = 1
        result = CliRunner().invoke(app, ["import", server.url, "--json"])
        assert result.exit_code == 0, result.output
        assert '"new": 23' in result.stdout
        again = CliRunner().invoke(app, ["import", server.url, "--lang", "en"])
        assert again.exit_code == 0 and "0 new" in again.stdout
    finally:
        get_settings.cache_clear()
