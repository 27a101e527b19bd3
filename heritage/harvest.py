"""OAI-PMH harvesting: incremental, idempotent, resumable (the HTTP side is ``moien.connectors.oaipmh``).

A harvest is identified by (base URL, metadata prefix, set). Its checkpoint lives in the record store
(``$MOIEN_HOME/heritage/records.sqlite``, table ``harvests``) and is written **in the same transaction**
as the records of each page: after an interruption — a crash, a network failure that outlasts the
retries, Ctrl+C — the checkpoint names the resumption token of exactly the next page, so running the
same command again continues there; nothing is lost and nothing is written twice (upserts are keyed on
the OAI identifier and skip unchanged records anyway).

* A completed harvest remembers the ``responseDate`` of its first page; the next run asks only for
  records changed since (``from``), unless ``from``/``until`` are given or ``restart`` is set.
* An expired token (``badResumptionToken``) when resuming restarts the same list from its beginning;
  records already stored are skipped as unchanged.
* Deleted records (``<header status="deleted">``) are kept as tombstones, not erased.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from moien.connectors.oaipmh import OAIClient, OAIError, OAILoop, OAIUnavailable
from moien.heritage.importers import ImportFailed, ImportReport
from moien.heritage.importers.dc import record_from_oai
from moien.heritage.model import Reason, RecordError, now_iso
from moien.heritage.store import RecordStore

# The connector's stable error codes → the reasons moien says in four languages (the connector imports no
# moien.heritage, so the translation happens here).
_LOOPS = {"tooManyRequests": "oai_too_many_requests", "resumptionTokenLoop": "oai_token_loop"}
_UNAVAILABLE = {"http_status": "oai_http_status", "not_oai": "oai_not_oai", "failed": "oai_failed"}


def _said(exc: OAIError | OAIUnavailable) -> str:
    """The connector's error as a ``Reason`` when its code is known, else its English text."""
    if isinstance(exc, OAILoop) and exc.code in _LOOPS:
        return Reason(_LOOPS[exc.code], **exc.params)
    if isinstance(exc, OAIUnavailable) and exc.code in _UNAVAILABLE:
        return Reason(_UNAVAILABLE[exc.code], **exc.params)
    return str(exc)


def harvest_key(url: str, prefix: str, set_spec: str | None) -> str:
    return hashlib.sha1(f"{url}\n{prefix}\n{set_spec or ''}".encode()).hexdigest()[:20]


def _granular(date: str | None, granularity: str) -> str | None:
    """A ``responseDate`` cut to the repository's datestamp granularity (day or second)."""
    if not date:
        return None
    return date[:10] if granularity == "YYYY-MM-DD" else date


def harvest(
    store: RecordStore,
    url: str,
    *,
    prefix: str = "oai_dc",
    set_spec: str | None = None,
    from_: str | None = None,
    until: str | None = None,
    restart: bool = False,
    client: OAIClient | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    max_pages: int | None = None,
) -> ImportReport:
    """Harvest ``url`` into ``store``; raises ``ImportFailed`` (with the checkpoint saved) on failure."""
    if prefix != "oai_dc":
        raise ImportFailed(Reason("oai_prefix_unsupported", prefix=prefix))
    started = time.perf_counter()
    own = client is None
    client = client or OAIClient(url)
    key = harvest_key(url, prefix, set_spec)
    report = ImportReport(format="oai-pmh", origin=url)
    try:
        try:
            ident = client.identify()
        except (OAIUnavailable, OAIError) as exc:
            raise ImportFailed(Reason("oai_identify_failed", url=url, detail=_said(exc))) from exc
        granularity = ident.get("granularity", "YYYY-MM-DD")
        state = store.harvest_state(key)
        token = None
        if state and state["status"] != "done" and state["token"] and not restart:
            token = state["token"]
            report.resumed = True
            from_, until = state["from_date"], state["until_date"]
            done_records, done_pages = state["records"], state["pages"]
        else:
            if not from_ and not restart and state and state["status"] == "done":
                from_ = _granular(state["last_response_date"], granularity)
            done_records, done_pages = 0, 0
            with store.transaction() as db:
                store.save_harvest_state(
                    db,
                    key,
                    url=url,
                    prefix=prefix,
                    set_spec=set_spec,
                    from_date=from_,
                    until_date=until,
                    token=None,
                    pages=0,
                    records=0,
                    status="running",
                    started_at=now_iso(),
                )
        first_response_date = state["last_response_date"] if report.resumed and state else None
        pages_this_run = 0
        while True:
            try:
                page = client.list_records_page(prefix=prefix, from_=from_, until=until, set_spec=set_spec, token=token)
            except OAIError as exc:
                if exc.code == "badResumptionToken" and report.resumed and token:
                    # The repository forgot the token: list again from the start (stored records are skipped).
                    report.errors.append((f"resumptionToken {token}", Reason("oai_token_expired")))
                    token, report.resumed = None, False
                    continue
                # the pages read so far stay stored with their checkpoint (the next token): nothing half-written
                _fail(store, key)
                if isinstance(exc, OAILoop):
                    raise ImportFailed(_said(exc)) from exc
                detail = " ".join(exc.message.split())  # the provider's text, kept on the error's one line
                raise ImportFailed(Reason("oai_error", url=url, error=exc.code, detail=detail)) from exc
            except OAIUnavailable as exc:
                _fail(store, key)
                raise ImportFailed(
                    Reason("oai_stopped", detail=_said(exc), pages=done_pages, records=done_records)
                ) from exc
            if first_response_date is None:
                first_response_date = page.response_date or now_iso()
            records = []
            for n, el in enumerate(page.records, 1):
                report.read += 1
                try:
                    records.append(record_from_oai(el, url))
                except RecordError as exc:
                    rid = exc.record_id if exc.record_id != "?" else f"page {done_pages + 1}, record {n}"
                    report.errors.append((rid, exc.reason))
            done_pages += 1
            done_records += len(page.records)
            pages_this_run += 1
            with store.transaction() as db:
                report.add(store.upsert(records, db))
                store.save_harvest_state(
                    db,
                    key,
                    token=page.token,
                    pages=done_pages,
                    records=done_records,
                    status="running" if page.token else "done",
                    last_response_date=first_response_date,
                )
            report.pages = pages_this_run
            if progress:
                progress(done_records, page.complete_list_size)
            if not page.token:
                break
            token = page.token
            if max_pages and pages_this_run >= max_pages:
                break
        report.seconds = time.perf_counter() - started
        return report
    finally:
        if own:
            client.close()


def _fail(store: RecordStore, key: str) -> None:
    with store.transaction() as db:
        store.save_harvest_state(db, key, status="failed")
