"""The chat widget's routes: ``/embed.js``, ``/widget/config``, ``/widget/frame`` and the ``/demo`` intranet page.

The widget itself is one hand-written file, ``static/embed.js`` (a ``<moien-chat>`` custom element in a Shadow
DOM): no build step, no dependencies, nothing fetched from anywhere but the API that served it, so a ministry can
put it under a strict Content-Security-Policy. This module only serves it and gives it what it cannot know by
itself: the assistants, the AI disclosure and every UI string in lb/fr/de/en, from the same tables the other
channels use, so the widget says exactly what the Streamlit app and the API say.

Why the strings live here and not in embed.js: one table for the server-rendered pages (``/demo``, the frame) and
the widget, next to the core's own strings (disclosure, "Sources", "AI-generated"), which it reuses.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from moien.assistants.core.i18n import t
from moien.connectors.channels.access import own_origins
from moien.lang import LANGS, own_name

if TYPE_CHECKING:
    from moien.assistants.core.config import Settings
    from moien.assistants.core.engine import Core
    from moien.connectors.channels.access import Gate

STATIC = Path(__file__).resolve().parent / "static"

#: The widget's own strings (the core's disclosure, "Sources" and "AI-generated" are added from its table).
#: ``{seconds}`` and ``{status}`` are filled in by embed.js.
UI_STRINGS: dict[str, dict[str, str]] = {
    "launcher": {
        "lb": "Chat mat moien",
        "fr": "Discuter avec moien",
        "de": "Mit moien chatten",
        "en": "Chat with moien",
    },
    "close": {"lb": "Zoumaachen", "fr": "Fermer", "de": "Schließen", "en": "Close"},
    "language": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "log": {"lb": "Gespréich", "fr": "Conversation", "de": "Unterhaltung", "en": "Conversation"},
    "you": {"lb": "Dir", "fr": "Vous", "de": "Sie", "en": "You"},
    "input": {"lb": "Är Fro", "fr": "Votre question", "de": "Ihre Frage", "en": "Your question"},
    "hint": {
        "lb": "Enter: schécken · Shift+Enter: nei Zeil",
        "fr": "Entrée : envoyer · Maj+Entrée : nouvelle ligne",
        "de": "Eingabe: senden · Umschalt+Eingabe: neue Zeile",
        "en": "Enter: send · Shift+Enter: new line",
    },
    "send": {"lb": "Schécken", "fr": "Envoyer", "de": "Senden", "en": "Send"},
    "thinking": {
        "lb": "moien denkt no…",
        "fr": "moien réfléchit…",
        "de": "moien denkt nach…",
        "en": "moien is thinking…",
    },
    "writing": {"lb": "moien schreift…", "fr": "moien écrit…", "de": "moien schreibt…", "en": "moien is writing…"},
    "new_tab": {
        "lb": "(mécht eng nei Fënster op)",
        "fr": "(s'ouvre dans un nouvel onglet)",
        "de": "(öffnet sich in einem neuen Tab)",
        "en": "(opens in a new tab)",
    },
    "err_denied": {
        "lb": "Dës Säit däerf den Assistent net benotzen. Sot w.e.g. de Responsabele vun der Säit Bescheed.",
        "fr": "Cette page n'est pas autorisée à utiliser l'assistant. Prévenez les responsables du site.",
        "de": "Diese Seite darf den Assistenten nicht verwenden. Bitte informieren Sie die Verantwortlichen der Website.",
        "en": "This page is not allowed to use the assistant. Please tell the people in charge of the site.",
    },
    "err_network": {
        "lb": "Den Assistent ass net erreechbar, oder dës Säit däerf en net benotzen. Kontrolléiert Är Verbindung "
        "a probéiert et nach eng Kéier.",
        "fr": "L'assistant est injoignable, ou cette page n'est pas autorisée à l'utiliser. Vérifiez votre "
        "connexion et réessayez.",
        "de": "Der Assistent ist nicht erreichbar, oder diese Seite darf ihn nicht verwenden. Prüfen Sie Ihre "
        "Verbindung und versuchen Sie es erneut.",
        "en": "The assistant cannot be reached, or this page is not allowed to use it. Check your connection and "
        "try again.",
    },
    "err_rate": {
        "lb": "Dir hutt ze vill Froen a kuerzer Zäit gestallt. Probéiert et an {seconds} Sekonnen nach eng Kéier.",
        "fr": "Trop de questions en peu de temps. Réessayez dans {seconds} secondes.",
        "de": "Zu viele Fragen in kurzer Zeit. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
        "en": "Too many questions in a short time. Please try again in {seconds} seconds.",
    },
    "err_busy": {
        "lb": "Den Assistent ass am Moment iwwerlaascht. Probéiert et an {seconds} Sekonnen nach eng Kéier.",
        "fr": "L'assistant est surchargé. Réessayez dans {seconds} secondes.",
        "de": "Der Assistent ist gerade überlastet. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
        "en": "The assistant is overloaded. Please try again in {seconds} seconds.",
    },
    "err_too_long": {
        "lb": "Äre Message ass ze laang. Kierzt en w.e.g. a schéckt en nach eng Kéier.",
        "fr": "Votre message est trop long. Raccourcissez-le et renvoyez-le.",
        "de": "Ihre Nachricht ist zu lang. Bitte kürzen Sie sie und senden Sie sie erneut.",
        "en": "Your message is too long. Please shorten it and send it again.",
    },
    "err_unknown": {
        "lb": "Dësen Assistent gëtt et net. Sot w.e.g. de Responsabele vun der Säit Bescheed.",
        "fr": "Cet assistant n'existe pas. Prévenez les responsables du site.",
        "de": "Diesen Assistenten gibt es nicht. Bitte informieren Sie die Verantwortlichen der Website.",
        "en": "This assistant does not exist. Please tell the people in charge of the site.",
    },
    "err_session": {
        "lb": "Äert Gespréich ass ofgelaf. Schéckt Är Fro w.e.g. nach eng Kéier.",
        "fr": "Votre conversation a expiré. Renvoyez votre question.",
        "de": "Ihre Unterhaltung ist abgelaufen. Bitte senden Sie Ihre Frage erneut.",
        "en": "Your conversation has expired. Please send your question again.",
    },
    "err_interrupted": {
        "lb": "D'Äntwert gouf ënnerbrach. Probéiert et w.e.g. nach eng Kéier.",
        "fr": "La réponse a été interrompue. Réessayez.",
        "de": "Die Antwort wurde unterbrochen. Bitte versuchen Sie es erneut.",
        "en": "The answer was interrupted. Please try again.",
    },
    "err_other": {
        "lb": "Et ass e Feeler geschitt ({status}). Probéiert et w.e.g. nach eng Kéier.",
        "fr": "Une erreur s'est produite ({status}). Réessayez.",
        "de": "Es ist ein Fehler aufgetreten ({status}). Bitte versuchen Sie es erneut.",
        "en": "Something went wrong ({status}). Please try again.",
    },
}

#: Strings of the server-rendered pages (the frame's title, the demo page's explanation of the snippet).
PAGE_STRINGS: dict[str, dict[str, str]] = {
    "frame_title": {
        "lb": "Chat mat moien",
        "fr": "Discuter avec moien",
        "de": "Mit moien chatten",
        "en": "Chat with moien",
    },
}

#: What a browser may keep, and for how long before it asks again (with ``If-None-Match``, answered 304):
#: short, so a new release of the widget reaches every intranet page within minutes.
EMBED_CACHE = "public, max-age=300, must-revalidate"

#: The pages this module renders load only what this API serves: a host's copy of the widget gets nothing looser.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)


def widget_lang(value: str | None) -> str:
    """A page's ``lang`` (``lb-LU``, ``fr_BE``, ``ltz``…) as one of moien's four languages; Luxembourgish otherwise.

    Mirrors ``uiLang`` in embed.js, so the server and the widget agree on a page's language.
    """
    primary = (value or "").strip().lower().replace("_", "-").split("-")[0]
    if primary == "ltz":
        return "lb"
    return primary if primary in LANGS else "lb"


def ui_strings(lang: str) -> dict[str, str]:
    """Every string the widget shows, in ``lang``: its own and the core's (sources heading, AI label)."""
    strings = {key: entry[lang] for key, entry in UI_STRINGS.items()}
    strings["sources"] = t("sources", lang)
    strings["ai_label"] = t("ai_label", lang)
    return strings


@dataclass
class _Assets:
    """The static files, read once: they only change with a release, and the ETag is their hash."""

    embed_js: bytes

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.embed_js).hexdigest()[:32] + '"'

    @classmethod
    def load(cls) -> _Assets:
        return cls(embed_js=(STATIC / "embed.js").read_bytes())


def _page(name: str, **values: str) -> str:
    """``static/<name>`` with ``$placeholders`` filled by ``values``, each HTML-escaped (they reach attributes)."""
    template = Template((STATIC / name).read_text(encoding="utf-8"))
    return template.substitute({key: html.escape(value, quote=True) for key, value in values.items()})


def _etag_matches(request: Request, etag: str) -> bool:
    """Whether the browser's cached copy (``If-None-Match``) is the current one."""
    header = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) or header.strip() == "*"


def router(settings: Settings, gate: Gate, core: Core) -> APIRouter:
    """The widget's routes over ``core``'s assistants; ``gate`` says which origins may frame the widget."""
    api = APIRouter(tags=["widget"])
    assets = _Assets.load()
    demo_key: list[str] = []  # filled on the first /demo: the demo site is created only if someone looks

    def config(lang: str) -> dict[str, Any]:
        return {
            "lang": lang,
            "langs": [{"code": code, "name": own_name(code)} for code in LANGS],
            "disclosure": {code: t("disclosure", code) for code in LANGS},
            "strings": {code: ui_strings(code) for code in LANGS},
            "assistants": [
                {
                    "name": name,
                    "title": {code: assistant.title(code) for code in LANGS},
                    "description": {code: assistant.description(code) for code in LANGS},
                }
                for name, assistant in sorted(core.assistants.items(), key=lambda item: (item[1].order, item[0]))
            ],
            "default_assistant": settings.default_assistant,
        }

    @api.get("/embed.js", include_in_schema=False)
    def embed_js(request: Request) -> Response:
        """The widget: cached briefly, revalidated with its ETag (304 when unchanged)."""
        headers = {
            "ETag": assets.etag,
            "Cache-Control": EMBED_CACHE,
            "X-Content-Type-Options": "nosniff",
            # A host page that isolates itself (COEP: require-corp) may still load the script from the API.
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if _etag_matches(request, assets.etag):
            return Response(status_code=304, headers=headers)
        return Response(assets.embed_js, media_type="text/javascript; charset=utf-8", headers=headers)

    @api.get("/widget/config", summary="The widget's assistants, AI disclosure and UI strings in lb/fr/de/en")
    def widget_config(
        request: Request, lang: str | None = Query(default=None, description="The page's language, e.g. lb-LU")
    ) -> JSONResponse:
        """Public and readable from any origin (no credentials).

        Why any origin: it holds nothing secret (the same text as ``/demo``), and a page that is *not* allowed to
        chat must still be able to tell its visitor so, in their language. Chatting itself stays origin-bound.
        A listed origin already gets its own ``Access-Control-Allow-Origin`` from the app's CORS middleware; a
        second one would make the browser refuse the answer, so ``*`` is added only for the others.
        """
        headers = {"Cache-Control": "public, max-age=300", "Vary": "Origin"}
        if not gate.allowed_origin(request.headers.get("origin")):
            headers["Access-Control-Allow-Origin"] = "*"
        return JSONResponse(config(widget_lang(lang)), headers=headers)

    @api.get("/widget/frame", response_class=HTMLResponse, summary="The widget as a full page, for an iframe")
    def widget_frame(
        site: str = Query(description="The site's publishable key (mpk_…)", max_length=200),
        assistant: str = Query(default=settings.default_assistant, max_length=100),
        lang: str | None = Query(default=None, max_length=35),
    ) -> HTMLResponse:
        """For hosts that prefer an iframe to a script: only the pages of *this key's* site may frame it (CSP).

        Inside the frame the widget calls the API from the API's own origin, which the gate accepts for any site
        key; what keeps a site's key on that site's pages is this ``frame-ancestors``, enforced by the browser.
        """
        ui = widget_lang(lang)
        owner = gate.store.site_for_key(site)
        ancestors = " ".join(owner.origins) if owner is not None and owner.origins else "'none'"
        body = _page(
            "frame.html",
            lang=ui,
            title=PAGE_STRINGS["frame_title"][ui],
            site=site,
            assistant=assistant,
        )
        return HTMLResponse(
            body,
            headers={
                "Content-Security-Policy": f"{PAGE_CSP}; frame-ancestors {ancestors}",
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @api.get("/widget/demo.css", include_in_schema=False)
    def demo_css() -> Response:
        return Response((STATIC / "demo.css").read_bytes(), media_type="text/css; charset=utf-8")

    @api.get("/demo", response_class=HTMLResponse, summary="A fictional ministry intranet page with the widget on it")
    def demo() -> HTMLResponse:
        """The widget on an intranet-like page, with the demo site's publishable key and how to embed it."""
        if not settings.api.demo_site:
            return HTMLResponse(
                "<!doctype html><html lang=en><title>moien demo</title><p>The demo page is switched off "
                "(MOIEN_API__DEMO_SITE=false). Embed the widget on your own page: see docs/channels.md.</p>",
                status_code=404,
            )
        if not demo_key:
            demo_key.append(_ensure_demo_site(gate, settings))
        base = settings.api.public_url.rstrip("/") if settings.api.public_url else own_origins(settings)[0]
        snippet = (
            f'<script src="{base}/embed.js" data-site="{demo_key[0]}" data-assistant="{settings.default_assistant}"'
            " async></script>"
        )
        body = _page(
            "demo.html",
            site=demo_key[0],
            assistant=settings.default_assistant,
            snippet=snippet,
            frame_src=f"{base}/widget/frame?site={demo_key[0]}&assistant={settings.default_assistant}&lang=lb",
        )
        return HTMLResponse(
            body,
            headers={
                "Content-Security-Policy": f"{PAGE_CSP}; frame-ancestors 'self'",
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return api


def _ensure_demo_site(gate: Gate, settings: Settings) -> str:
    """The demo site's publishable key, the site created for the API's own origins if it does not exist yet.

    The gate's own store when it exposes one, so the gate sees the new site at once; else the same SQLite file.
    """
    store = getattr(gate, "store", None)
    if store is None:
        from moien.connectors.channels.access import AccessStore

        store = AccessStore(settings.home / "access.sqlite3")
    key: str = store.ensure_demo_site(own_origins(settings))
    return key
