"""Files an attacker or a careless admin uploads: built here, in seconds, without a library.

Each is small on disk and expensive to read: a DOCX that unpacks to hundreds of MB, a DOCX
whose XML declares a "billion laughs" DTD, a PDF with 100,000 pages (or one that lies about
its page count), and text beyond the text budget.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARAGRAPH = b"<w:p><w:r><w:t>" + b"bomba " * 160 + b"</w:t></w:r></w:p>"


def bombs(folder: Path) -> list[tuple[Path, str]]:
    """Each bomb an upload must survive, built in ``folder``, with the limit its refusal names."""
    return [
        (docx_zip_bomb(folder / "bomba-zip.docx", unpacked_mb=300), "ingest.max_unpacked_mb"),
        (docx_billion_laughs(folder / "risate.docx"), "declares a DTD"),
        (pdf_with_pages(folder / "centomila-pagine.pdf", pages=100_000), "ingest.max_pdf_pages"),
        (pdf_with_pages(folder / "conta-bugiarda.pdf", pages=100_000, declared=1), "ingest.max_pdf_pages"),
        (huge_text(folder / "testo-enorme.txt", chars=9_000_000), "ingest.max_text_chars"),
    ]


def docx_bytes(text: str = "Il bando chiude il 30 giugno.") -> bytes:
    """A real, small DOCX (python-docx's own template)."""
    document = docx.Document()
    document.add_heading("Bando di prova", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_zip_bomb(path: Path, unpacked_mb: int = 300) -> Path:
    """A valid DOCX whose ``word/document.xml`` is ``unpacked_mb`` MB of paragraphs (about 1 MB packed)."""
    block = _PARAGRAPH * 1024
    repeats = unpacked_mb * 1024 * 1024 // len(block)
    with _docx_copy(path, skip="word/document.xml") as archive, archive.open("word/document.xml", "w") as part:
        part.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode())
        for _ in range(repeats):
            part.write(block)
        part.write(b"</w:body></w:document>")
    return path


def docx_billion_laughs(path: Path) -> Path:
    """A DOCX whose document declares nested entities that expand to 10^9 copies of "lol"."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    with _docx_copy(path, skip="word/document.xml") as archive:
        archive.writestr("word/document.xml", xml)
    return path


def pdf_with_pages(path: Path, pages: int = 100_000, declared: int | None = None) -> Path:
    """A PDF of ``pages`` blank pages whose page tree declares ``declared`` (default: the truth)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (3 + index) for index in range(pages))
    count = pages if declared is None else declared
    objects.append(b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids))
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def huge_text(path: Path, chars: int) -> Path:
    """A plain-text file of ``chars`` characters in short Italian lines."""
    line = "La missione prevede incontri B2B con buyer selezionati.\n"
    path.write_text(line * (chars // len(line) + 1))
    return path


def _docx_copy(path: Path, skip: str) -> zipfile.ZipFile:
    """A zip at ``path`` holding every part of a real DOCX except ``skip`` (the caller writes it)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    for member in source.infolist():
        if member.filename != skip:
            archive.writestr(member, source.read(member))
    return archive
