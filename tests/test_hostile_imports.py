"""Hostile files and providers, as an attacker would send them (issue 11, item 8).

Every case is built here in ``tmp_path`` (or served by a real ``http.server`` on 127.0.0.1) and must end
the same way: at once, with a one-line error that says what to do, and with nothing half-written. The
assertions are about behaviour (what was refused, what was stored, how many requests were sent), never
about time; the sizes are chosen so each test stays fast.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from moien.connectors.oaipmh import MAX_REQUESTS, OAIClient, OAIError, OAILoop
from moien.curriculum_graph.importers.case import parse_case
from moien.curriculum_graph.model import CurriculumImportError
from moien.heritage.harvest import harvest, harvest_key
from moien.heritage.i18n import reason_text
from moien.heritage.importers import ImportFailed, Limits, import_path
from moien.heritage.importers.edm import parse_edm_file
from moien.heritage.importers.tabular import Mapping, parse_json_file
from moien.heritage.model import Reason
from moien.heritage.store import RecordStore

CURRICULUM = Path(__file__).parent / "data" / "curriculum"

# ------------------------------------------------------------------------------------------------ EDM


def test_edm_with_nested_entities_is_refused_at_once(tmp_path: Path) -> None:
    levels = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "laughs.rdf"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY e0 "lol">{levels}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:edm="http://www.europeana.eu/schemas/edm/">'
        '<edm:ProvidedCHO rdf:about="http://example.lu/1"><dc:title>&e9;</dc:title></edm:ProvidedCHO></rdf:RDF>',
        encoding="utf-8",
    )
    out = list(parse_edm_file(path))
    assert len(out) == 1 and "ENTITY" in str(out[0]) and "DOCTYPE" in str(out[0])


def test_edm_with_a_harmless_looking_entity_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "one.rdf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY t "Vianden">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:edm="http://www.europeana.eu/schemas/edm/">'
        '<edm:ProvidedCHO rdf:about="http://example.lu/1"><dc:title>&t;</dc:title></edm:ProvidedCHO></rdf:RDF>',
        encoding="utf-8",
    )
    out = list(parse_edm_file(path))
    assert len(out) == 1 and "remove the DOCTYPE" in str(out[0])
    reason = getattr(out[0], "reason", "")
    assert "supprimez le DOCTYPE" in reason_text(reason, "fr") and "läscht den DOCTYPE" in reason_text(reason, "lb")


# ------------------------------------------------------------------------------------------------ OAI-PMH

HEAD = '<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
IDENTIFY = (
    HEAD + "<responseDate>2024-03-01T10:00:00Z</responseDate><Identify><repositoryName>hostile</repositoryName>"
    "<granularity>YYYY-MM-DD</granularity></Identify></OAI-PMH>"
)


def _page(n: int, token: str) -> str:
    rec = (
        f"<record><header><identifier>oai:hostile:{n}</identifier><datestamp>2024-01-01</datestamp></header>"
        '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Postkaart {n}</dc:title></oai_dc:dc></metadata>'
        "</record>"
    )
    return (
        HEAD + "<responseDate>2024-03-01T10:00:00Z</responseDate><ListRecords>"
        f"{rec}<resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>"
    )


class Hostile:
    """A real HTTP server that misbehaves: the same resumption token forever, or garbage ``Retry-After``."""

    def __init__(self) -> None:
        self.requests = 0
        self.retry_after: list[str] = []  # answered with 503 and this header, one per request, before the page
        self.fresh_tokens = False  # a new token every page (an endless list of another kind)
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with owner.lock:
                    owner.requests += 1
                    n = owner.requests
                    pending = owner.retry_after.pop(0) if owner.retry_after and "Identify" not in self.path else None
                if pending is not None:
                    self.send_response(503)
                    self.send_header("Retry-After", pending)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = IDENTIFY if "Identify" in self.path else _page(n, f"t{n}" if owner.fresh_tokens else "same")
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RecordStore]:
    s = RecordStore(tmp_path / "records.sqlite")
    yield s
    s.close()


def test_a_repeated_resumption_token_stops_the_harvest(hostile: Hostile, store: RecordStore) -> None:
    client = OAIClient(hostile.url, retries=0)
    with pytest.raises(ImportFailed, match="resumptionToken 'same' again"):
        harvest(store, hostile.url, client=client)
    assert hostile.requests <= 4  # Identify, the first page, the page that repeated the token
    client.close()


def test_a_request_cap_stops_a_list_that_never_ends(hostile: Hostile) -> None:
    hostile.fresh_tokens = True
    with OAIClient(hostile.url, retries=0, max_requests=7) as client:
        with pytest.raises(OAILoop, match="max_requests"):
            list(client.list_records())
        assert client.requests == 7
    assert hostile.requests == 7


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-inf", "-5", "1e308", "Wed, 21 Oct 2015 07:28:00 GMT", "§"])
def test_garbage_retry_after_gives_a_bounded_wait(value: str) -> None:
    client = OAIClient("http://127.0.0.1:9/oai", backoff=0.5, max_backoff=3.0)
    delay = client.retry_delay(2, value)
    assert 0.0 <= delay <= 3.0
    client.close()


def test_retry_after_nan_is_survived_against_a_real_server(hostile: Hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    import moien.connectors.oaipmh as oaipmh

    waits: list[float] = []
    monkeypatch.setattr(oaipmh.time, "sleep", waits.append)  # record the waits instead of sleeping
    hostile.retry_after = ["NaN", "-3", "99999999999"]
    with OAIClient(hostile.url, retries=5, backoff=0.01, max_backoff=2.0) as client:
        page = client.list_records_page()
    assert len(page.records) == 1
    assert len(waits) == 3 and all(0.0 <= w <= 2.0 for w in waits)


def test_oai_loop_is_an_oai_error() -> None:
    assert issubclass(OAILoop, OAIError)


# ------------------------------------------------------------------------------------------------ CSV / JSON

MAPPING = 'id: id\ndelimiter: ","\nfields:\n  title: {from: title, lang: lb}\n'


def _mapping(tmp_path: Path) -> Path:
    path = tmp_path / "m.yml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_csv_with_one_huge_field_is_refused_and_nothing_stored(tmp_path: Path, store: RecordStore) -> None:
    rows = ["id,title"] + [f"{n},Postkaart {n}" for n in range(1500)] + ['9999,"' + "x" * 300_000 + '"']
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="import again") as exc:
        import_path(store, tmp_path / "big.csv", "csv", _mapping(tmp_path))
    assert "\n" not in str(exc.value)
    assert store.count() == 0


def test_csv_with_invalid_utf8_after_good_rows_stores_nothing(tmp_path: Path, store: RecordStore) -> None:
    good = "id,title\n" + "".join(f"{n},Postkaart vu Klierf {n}\n" for n in range(1000))
    (tmp_path / "bad.csv").write_bytes(good.encode() + b"1000,Caf\xe9 \xff\xfe\n1001,ok\n")
    with pytest.raises(ImportFailed, match="UTF-8") as exc:
        import_path(store, tmp_path / "bad.csv", "csv", _mapping(tmp_path))
    assert "nothing was imported" in str(exc.value)
    assert store.count() == 0


def test_a_good_csv_still_imports(tmp_path: Path, store: RecordStore) -> None:
    (tmp_path / "ok.csv").write_text("id,title\n1,Postkaart\n2,Ansichtskarte\n", encoding="utf-8")
    report = import_path(store, tmp_path / "ok.csv", "csv", _mapping(tmp_path))
    assert report.new == 2 and store.count() == 2


def test_deeply_nested_json_is_refused(tmp_path: Path, store: RecordStore) -> None:
    (tmp_path / "deep.json").write_text('[{"id": "1", "title": ' + "[" * 5000 + "]" * 5000 + "}]", encoding="utf-8")
    with pytest.raises(ImportFailed, match="nested") as exc:
        import_path(store, tmp_path / "deep.json", "json", _mapping(tmp_path))
    assert getattr(exc.value.reason, "code", None) == "json_too_deep"  # said in four languages by the CLI
    (tmp_path / "deep2.json").write_text('[{"id": "1", "title": ' + "[" * 200 + "]" * 200 + "}]", encoding="utf-8")
    with pytest.raises(ImportFailed, match="nested"):
        import_path(store, tmp_path / "deep2.json", "json", _mapping(tmp_path))
    assert store.count() == 0


def test_a_json_array_of_many_nulls_is_refused_by_the_count_limit(tmp_path: Path) -> None:
    path = tmp_path / "nulls.json"
    path.write_text("[" + ",".join(["null"] * 1_000_000) + "]", encoding="utf-8")
    mapping = Mapping.load(_mapping(tmp_path))
    with pytest.raises(ImportFailed, match="1,000,000 entries"):
        next(iter(parse_json_file(path, mapping)))  # refused before a single record is built


def test_many_unreadable_records_stop_the_import(tmp_path: Path, store: RecordStore) -> None:
    path = tmp_path / "nulls.json"
    path.write_text(json.dumps([{"id": "ok", "title": "Postkaart"}] + [None] * 200), encoding="utf-8")
    with pytest.raises(ImportFailed, match="more than 50 records"):
        import_path(store, path, "json", _mapping(tmp_path), limits=Limits(errors=50))
    assert store.count() == 0


def test_a_huge_single_record_is_refused(tmp_path: Path, store: RecordStore) -> None:
    (tmp_path / "huge.jsonl").write_text(
        json.dumps({"id": "1", "title": "ok"}) + "\n" + json.dumps({"id": "2", "title": "x" * 5_000_000}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match="over the limit"):
        import_path(store, tmp_path / "huge.jsonl", "json", _mapping(tmp_path))
    many = {"id": "3", "title": ["y" * 100_000] * 60}  # each value under the field limit, the record over
    (tmp_path / "wide.json").write_text(json.dumps([many]), encoding="utf-8")
    with pytest.raises(ImportFailed, match="the record has"):
        import_path(store, tmp_path / "wide.json", "json", _mapping(tmp_path))
    assert store.count() == 0


# ------------------------------------------------------------------------------------------------ the command line


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``moien heritage`` with its own ``MOIEN_HOME``, so what it stores (or does not) can be read back."""
    from moien.assistants.core.config import get_settings

    home = tmp_path / "home"
    monkeypatch.setenv("MOIEN_HOME", str(home))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def _cli(*args: str) -> tuple[int, str]:
    from moien.assistants.heritage.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def _lang_of(message: str, *names: str) -> str:
    """The language of a message's words (file names, addresses and numbers left out), by moien's identifier."""
    from moien.assistants.core.langid import default_identifier

    for name in names:
        message = message.replace(name, " ")
    words = " ".join(re.findall(r"[^\W\d_]{2,}", message))
    return default_identifier().identify(words).lang


@pytest.mark.parametrize("lang", ["lb", "fr", "de", "en"])
def test_a_limit_error_is_said_in_the_curators_language(tmp_path: Path, cli_home: Path, lang: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text('[{"id": "1", "title": ' + "[" * 100 + "]" * 100 + "}]", encoding="utf-8")
    code, output = _cli("import", str(path), "--format", "json", "--mapping", str(_mapping(tmp_path)), "--lang", lang)
    assert code == 1
    line = _one_line(output)
    assert "deep.json" in line and "64" in line  # which file, and the limit it broke
    assert _lang_of(line, "deep.json") == lang, line
    with closing(RecordStore.open(cli_home)) as store:
        assert store.count() == 0


def test_numbers_in_a_reason_are_grouped_as_each_language_writes_them() -> None:
    reason = Reason("too_many_rows", file="objets.csv", limit=500_000)
    assert "500,000 rows" in str(reason) and "500,000" in reason_text(reason, "en")
    for lang in ("lb", "fr", "de"):  # "500,000" reads as five hundred there
        assert "500\u00a0000" in reason_text(reason, lang)


def test_max_requests_stops_an_endless_provider_and_keeps_the_checkpoint(hostile: Hostile, cli_home: Path) -> None:
    hostile.fresh_tokens = True  # a new resumption token on every page: the list never ends
    code, output = _cli("import", hostile.url, "--max-requests", "5", "--retries", "0", "--lang", "de")
    assert code == 1
    line = _one_line(output)
    assert "max_requests" in line and "--max-requests" in line
    assert _lang_of(line, hostile.url, "max_requests", "--max-requests") == "de", line
    assert hostile.requests == 5  # Identify and four pages; the sixth request was never sent
    key = harvest_key(hostile.url, "oai_dc", None)
    with closing(RecordStore.open(cli_home)) as store:
        # every page read was stored with its checkpoint, nothing of a page that was not
        assert store.count() == 4
        state = store.harvest_state(key)
        assert state is not None and state["status"] == "failed" and state["pages"] == 4 and state["token"] == "t5"
    code, output = _cli("import", hostile.url, "--max-requests", "3", "--retries", "0", "--lang", "en")
    assert code == 1 and "stopped after 3 requests" in _one_line(output)
    with closing(RecordStore.open(cli_home)) as store:  # resumed at the saved token: two more pages, none twice
        assert store.count() == 6
        state = store.harvest_state(key)
        assert state is not None and state["token"] == "t8"


def test_import_help_says_what_max_requests_protects(cli_home: Path) -> None:
    _, output = _cli("import", "--help")
    text = re.sub(r"[\s│╭╮╰╯─]+", " ", output)
    assert "--max-requests" in text and f"{MAX_REQUESTS:,}" in text
    assert "loops its resumption token" in text


# ------------------------------------------------------------------------------------------------ CASE


def _case() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CURRICULUM / "bio_v1.case.json").read_text(encoding="utf-8"))
    return data


def test_case_with_50000_items_without_statement_reports_every_one(tmp_path: Path) -> None:
    data = _case()
    data["CFItems"] += [{"identifier": f"item-{n:05d}", "humanCodingScheme": f"X-{n}"} for n in range(50_000)]
    path = tmp_path / "many.case.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(CurriculumImportError) as exc:
        parse_case(path)
    errors = exc.value.errors  # type: ignore[attr-defined]
    assert len(errors) == 50_000
    assert all(e.field.endswith("fullStatement") for e in errors)
    assert errors[-1].line is not None and errors[-1].line > errors[0].line


def _assoc(ident: str, atype: str, origin: str, dest: str) -> dict[str, Any]:
    return {
        "identifier": ident,
        "associationType": atype,
        "originNodeURI": {"title": origin, "identifier": origin, "uri": f"https://case.example.lu/{origin}"},
        "destinationNodeURI": {"title": dest, "identifier": dest, "uri": f"https://case.example.lu/{dest}"},
    }


@pytest.mark.parametrize("atype", ["isChildOf", "precedes"])
def test_case_cycles_are_reported_with_their_items(tmp_path: Path, atype: str) -> None:
    data = _case()
    a, b, c = (it["identifier"] for it in data["CFItems"][2:5])
    data["CFAssociations"] += [
        _assoc("cyc-1", atype, a, b),
        _assoc("cyc-2", atype, b, c),
        _assoc("cyc-3", atype, c, a),
    ]
    path = tmp_path / "cycle.case.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(CurriculumImportError, match=f"{atype} links form a cycle") as exc:
        parse_case(path)
    message = str(exc.value)
    assert a in message and b in message and c in message


def test_case_self_loop_is_a_cycle(tmp_path: Path) -> None:
    data = _case()
    a = data["CFItems"][1]["identifier"]
    data["CFAssociations"].append(_assoc("self", "precedes", a, a))
    path = tmp_path / "self.case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CurriculumImportError, match=f"{a} → {a}"):
        parse_case(path)


def test_the_clean_case_file_still_reads() -> None:
    pkg = parse_case(CURRICULUM / "bio_v1.case.json")
    assert pkg.items
