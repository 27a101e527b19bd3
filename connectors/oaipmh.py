"""The HTTP side of OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html), with httpx.

``OAIClient`` speaks the six verbs and follows resumption tokens; what a page holds is left to the
caller (``moien.heritage.harvest`` turns oai_dc records into heritage records and keeps the checkpoint).

Transient failures are retried with exponential backoff: connection errors and timeouts, HTTP 429/5xx
(honouring ``Retry-After``, capped), and a response body that is not well-formed XML (a server that
died mid-response). Protocol errors the repository reports (``<error code="…">``) are not transient and
raise ``OAIError`` at once, except ``noRecordsMatch``, which is an empty list.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from lxml import etree

log = logging.getLogger("moien.oaipmh")

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"oai": OAI}
USER_AGENT = "moien-heritage/0.1 (OAI-PMH harvester; +https://github.com/moien)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
#: Requests one client sends at most (every verb, retries included): a provider that pages forever with
#: ever-new tokens is stopped rather than hammered. Large enough for millions of records at 100 a page.
MAX_REQUESTS = 200_000


class OAIError(RuntimeError):
    """An error the repository reported (badArgument, badResumptionToken, cannotDisseminateFormat…)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"OAI-PMH error {code}: {message}".strip())
        self.code = code
        self.message = message


class OAILoop(OAIError):
    """The provider keeps paging without end (a repeated resumption token, or too many requests).

    ``code`` (``resumptionTokenLoop`` or ``tooManyRequests``) and ``params`` (``url`` and ``token`` or
    ``requests``) are stable, so a caller can say it in its user's language; the message is English.
    """

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(code, message)
        self.params = params


class OAIUnavailable(RuntimeError):
    """The endpoint could not be reached (or kept failing) after every retry.

    ``code`` (``http_status``, ``not_oai``, ``failed``, or ``unavailable`` when none was given) and ``params``
    let a caller say it in its user's language; ``str(exc)`` is the English message.
    """

    def __init__(self, message: str, code: str = "unavailable", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass
class Page:
    records: list[etree._Element]
    token: str | None
    complete_list_size: int | None = None
    cursor: int | None = None
    response_date: str | None = None
    raw_bytes: int = 0
    headers_only: list[etree._Element] = field(default_factory=list)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


class OAIClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        client: httpx.Client | None = None,
        max_requests: int | None = MAX_REQUESTS,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {base_url}")
        self.base_url = base_url
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT, "Accept": "text/xml"}
        )
        self.max_requests = max_requests
        self.requests = 0
        self.last_response_bytes = 0
        self._tokens: set[str] = set()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> OAIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------------
    def _wait(self, attempt: int, retry_after: str | None = None) -> None:
        time.sleep(self.retry_delay(attempt, retry_after))

    def retry_delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before the next try: the server's ``Retry-After`` when it is sane, else backoff.

        ``Retry-After`` comes from the provider and may be anything: ``NaN`` (which ``time.sleep`` refuses
        with a traceback), ``inf``, a negative or huge number, an HTTP date or garbage. Only a finite
        number of seconds is honoured, clamped to ``[0, max_backoff]``; anything else falls back to the
        exponential backoff, so a hostile header can neither crash the harvest nor stall it for hours.
        """
        delay: float = min(self.backoff * float(2 ** min(attempt, 30)), self.max_backoff)
        if retry_after:
            try:
                value = float(retry_after.strip()[:32])
            except ValueError:
                return delay
            if math.isfinite(value):
                return min(max(value, 0.0), self.max_backoff)
        return delay

    def request(self, verb: str, **params: str | None) -> etree._Element:
        """One OAI-PMH request (retried when transient); returns the ``OAI-PMH`` root element."""
        query = {"verb": verb, **{k: v for k, v in params.items() if v}}
        last = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                log.info("retrying %s (attempt %d): %s", verb, attempt + 1, last)
            if self.max_requests is not None and self.requests >= self.max_requests:
                raise OAILoop(
                    "tooManyRequests",
                    f"{self.base_url}: stopped after {self.requests} requests (the limit, max_requests); "
                    "the provider may be paging without end — harvest a set or a date range (--set, --from)",
                    url=self.base_url,
                    requests=self.requests,
                )
            self.requests += 1
            try:
                resp = self.client.get(self.base_url, params=query)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                if attempt < self.retries:
                    self._wait(attempt)
                continue
            if resp.status_code in RETRY_STATUS:
                last = f"HTTP {resp.status_code}"
                if attempt < self.retries:
                    self._wait(attempt, resp.headers.get("Retry-After"))
                continue
            if resp.status_code >= 400:
                raise OAIUnavailable(
                    f"{self.base_url} answered HTTP {resp.status_code} to {verb}",
                    "http_status",
                    url=self.base_url,
                    status=resp.status_code,
                    verb=verb,
                )
            try:
                root = etree.fromstring(resp.content, _xml_parser())
            except etree.XMLSyntaxError as exc:
                last = f"response is not well-formed XML ({exc.msg})"
                if attempt < self.retries:
                    self._wait(attempt)
                continue
            if etree.QName(root).namespace != OAI:
                raise OAIUnavailable(
                    f"{self.base_url} is not an OAI-PMH 2.0 endpoint (root element {root.tag})",
                    "not_oai",
                    url=self.base_url,
                    root=str(root.tag),
                )
            err = root.find("oai:error", NS)
            if err is not None:
                raise OAIError(err.get("code", "unknown"), (err.text or "").strip())
            self.last_response_bytes = len(resp.content)
            return root
        raise OAIUnavailable(
            f"{self.base_url} failed {self.retries + 1} times for {verb}: {last}",
            "failed",
            url=self.base_url,
            tries=self.retries + 1,
            verb=verb,
            last=last,
        )

    # -- verbs --------------------------------------------------------------------------------------
    def identify(self) -> dict[str, Any]:
        root = self.request("Identify")
        ident = root.find("oai:Identify", NS)
        out: dict[str, Any] = {}
        for child in ident if ident is not None else []:
            name = etree.QName(child).localname
            if name == "description":
                continue
            value = (child.text or "").strip()
            if name in out:
                out[name] = out[name] if isinstance(out[name], list) else [out[name]]
                out[name].append(value)
            else:
                out[name] = value
        return out

    def list_metadata_formats(self) -> list[dict[str, str]]:
        root = self.request("ListMetadataFormats")
        return [
            {etree.QName(c).localname: (c.text or "").strip() for c in fmt}
            for fmt in root.iterfind("oai:ListMetadataFormats/oai:metadataFormat", NS)
        ]

    def _check_token(self, sent: str | None, received: str | None) -> None:
        """Stop when a list hands back a resumption token it already gave: the next pages would loop forever.

        The tokens of the list being read are remembered (a request without a token starts a new list).
        """
        if not sent:
            self._tokens.clear()
        else:
            self._tokens.add(sent)
        if received and received in self._tokens:
            raise OAILoop(
                "resumptionTokenLoop",
                f"{self.base_url} returned the resumptionToken {received[:80]!r} again, so the list would never "
                "end; nothing more was requested. Report it to the provider, or harvest a set or date range",
                url=self.base_url,
                token=received[:80],
            )

    def list_sets(self) -> list[dict[str, str]]:
        sets: list[dict[str, str]] = []
        token = None
        self._tokens.clear()
        while True:
            try:
                root = self.request("ListSets", resumptionToken=token)
            except OAIError as exc:
                if exc.code == "noSetHierarchy":
                    return []
                raise
            for s in root.iterfind("oai:ListSets/oai:set", NS):
                sets.append(
                    {
                        "setSpec": (s.findtext("oai:setSpec", "", NS)).strip(),
                        "setName": (s.findtext("oai:setName", "", NS)).strip(),
                    }
                )
            sent, token = token, (root.findtext("oai:ListSets/oai:resumptionToken", "", NS) or "").strip() or None
            self._check_token(sent, token)
            if not token:
                return sets

    def list_records_page(
        self,
        *,
        prefix: str = "oai_dc",
        from_: str | None = None,
        until: str | None = None,
        set_spec: str | None = None,
        token: str | None = None,
    ) -> Page:
        """One page of ListRecords; with ``token`` only the token is sent, as the protocol requires."""
        try:
            if token:
                root = self.request("ListRecords", resumptionToken=token)
            else:
                root = self.request("ListRecords", metadataPrefix=prefix, set=set_spec, until=until, **{"from": from_})
        except OAIError as exc:
            if exc.code == "noRecordsMatch":
                return Page(records=[], token=None)
            raise
        lr = root.find("oai:ListRecords", NS)
        records = lr.findall("oai:record", NS) if lr is not None else []
        rt = lr.find("oai:resumptionToken", NS) if lr is not None else None
        next_token = (rt.text or "").strip() if rt is not None and rt.text else None
        self._check_token(token, next_token)

        def _int(v: str | None) -> int | None:
            return int(v) if v and v.isdigit() else None

        return Page(
            records=records,
            token=next_token,
            complete_list_size=_int(rt.get("completeListSize")) if rt is not None else None,
            cursor=_int(rt.get("cursor")) if rt is not None else None,
            response_date=(root.findtext("oai:responseDate", "", NS) or "").strip() or None,
            raw_bytes=self.last_response_bytes,
        )

    def list_records(self, **kwargs: Any) -> Iterator[Page]:
        """Every page, following resumption tokens until the list is complete."""
        token = kwargs.pop("token", None)
        while True:
            page = self.list_records_page(token=token, **kwargs)
            yield page
            if not page.token:
                return
            token = page.token

    def get_record(self, identifier: str, prefix: str = "oai_dc") -> etree._Element | None:
        root = self.request("GetRecord", identifier=identifier, metadataPrefix=prefix)
        return root.find("oai:GetRecord/oai:record", NS)
