"""Document import throughput: pages per second for moien's parsers (``moien.documents.parsers``).

Inputs are generated here (nothing to download): a PDF of ``--pages`` pages of about 2,000 characters each
(fpdf2), a DOCX and an ODT of the same text under headings with a table every few pages, a Markdown file of the
same text. A DOCX, ODT or Markdown file has no pages: a page is counted as 2,000 characters of text, the size of
one generated PDF page, so the rates compare.

Baselines, so a number means something on another machine:

* ``read bytes``: reading the file, the floor for any parser;
* PDF ``pypdf open``: ``PdfReader`` and page count only (what moien pays before the first page's text);
* PDF ``pypdf layout``: pypdf's ``extraction_mode="layout"`` (keeps columns with spaces; slower, not used);
* DOCX ``python-docx open``: ``docx.Document`` only.

    .venv/bin/python benchmarks/documents_bench.py             # a Markdown table
    .venv/bin/python benchmarks/documents_bench.py --pages 500 --json out.json

Times are the best of ``--repeat`` runs in this process (imports and file generation excluded).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.documents.parsers import Limits, parse_file  # noqa: E402

PAGE_CHARS = 2000
WORDS = (
    "la commune délivre la carte d'identité aux résidents inscrits au registre national des personnes physiques "
    "le montant de la taxe est fixé par règlement grand-ducal et la demande se fait en personne au guichet"
).split()


def _line(page: int, line: int, width: int = 90) -> str:
    words, size, i = [], 0, page * 31 + line * 7
    while size < width:
        word = WORDS[i % len(WORDS)]
        words.append(word)
        size += len(word) + 1
        i += 1
    return " ".join(words)[:width]


def _page_lines(page: int) -> list[str]:
    return [_line(page, n) for n in range(PAGE_CHARS // 90)]


def make_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    for page in range(pages):
        pdf.add_page()
        for n, text in enumerate(_page_lines(page)):
            pdf.text(10, 15 + 10 * n, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def make_docx(pages: int) -> bytes:
    import docx

    document = docx.Document()
    for page in range(pages):
        document.add_heading(f"Section {page + 1}", 1 if page % 5 == 0 else 2)
        lines = _page_lines(page)
        for start in range(0, len(lines), 4):
            document.add_paragraph(" ".join(lines[start : start + 4]))
        if page % 4 == 0:
            table = document.add_table(rows=3, cols=3)
            for r in range(3):
                for c in range(3):
                    table.cell(r, c).text = f"{r}.{c} {WORDS[(page + r + c) % len(WORDS)]}"
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(pages: int) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    odt = OpenDocumentText()
    for page in range(pages):
        odt.text.addElement(H(outlinelevel=1 if page % 5 == 0 else 2, text=f"Section {page + 1}"))
        lines = _page_lines(page)
        for start in range(0, len(lines), 4):
            odt.text.addElement(P(text=" ".join(lines[start : start + 4])))
    out = BytesIO()
    odt.write(out)
    return out.getvalue()


def make_markdown(pages: int) -> bytes:
    parts = []
    for page in range(pages):
        parts.append(f"{'#' if page % 5 == 0 else '##'} Section {page + 1}\n")
        lines = _page_lines(page)
        parts.extend(" ".join(lines[s : s + 4]) + "\n" for s in range(0, len(lines), 4))
    return "\n".join(parts).encode()


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pypdf_open(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def pypdf_layout(path: Path) -> int:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return sum(len(page.extract_text(extraction_mode="layout")) for page in reader.pages)


def docx_open(path: Path) -> int:
    import docx

    return len(docx.Document(str(path)).paragraphs)


def run(pages: int, repeat: int) -> list[dict[str, object]]:
    limits = Limits(max_pages=max(pages, 2000))
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {
            "pdf": make_pdf(pages),
            "docx": make_docx(pages),
            "odt": make_odt(pages),
            "md": make_markdown(pages),
        }
        for fmt, data in inputs.items():
            path = Path(tmp) / f"bench.{fmt}"
            path.write_bytes(data)
            doc = parse_file(path, limits=limits)
            chars = sum(len(s.text) for s in doc.sections)
            counted = pages if fmt == "pdf" else max(1, round(chars / PAGE_CHARS))
            cases: list[tuple[str, Callable[[], object]]] = [
                ("moien parse_file", lambda p=path: parse_file(p, limits=limits)),
                ("read bytes", lambda p=path: p.read_bytes()),
            ]
            if fmt == "pdf":
                cases += [
                    ("pypdf open", lambda p=path: pypdf_open(p)),
                    ("pypdf layout", lambda p=path: pypdf_layout(p)),
                ]
            if fmt == "docx":
                cases.append(("python-docx open", lambda p=path: docx_open(p)))
            ours = 0.0
            for label, fn in cases:
                seconds = best(fn, repeat)
                ours = ours or seconds
                rows.append(
                    {
                        "format": fmt,
                        "case": label,
                        "pages": counted,
                        "bytes": len(data),
                        "seconds": round(seconds, 4),
                        "pages_per_s": round(counted / seconds, 1) if seconds else None,
                        "vs_moien": round(seconds / ours, 3) if ours else None,
                    }
                )
    return rows


def table(rows: list[dict[str, object]]) -> str:
    out = [
        "| format | case | pages | file | seconds | pages/s | time vs moien |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        size = f"{int(str(r['bytes'])) / 1e3:,.0f} kB"
        rate = r["pages_per_s"]
        shown = f"{float(str(rate)):,.0f}" if rate is not None else "—"
        out.append(
            f"| {r['format']} | {r['case']} | {r['pages']} | {size} | {r['seconds']} | {shown} | {r['vs_moien']}× |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = run(args.pages, args.repeat)
    print(
        f"# Document import throughput ({args.pages} pages, best of {args.repeat}; {platform.processor() or platform.machine()}, Python {platform.python_version()})\n"
    )
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
