"""DOCX reading through python-docx, after the archive has been checked.

Guarantees:
- Body paragraphs and tables in document order. Paragraph styles "Title" and "Heading N" become
  headings, "List ..." styles and numbered paragraphs become list items; each table row is a
  paragraph, its cells joined by " | " (a merged cell counted once, nested tables folded into
  their cell); the title from the core properties or the Title style.
- The zip is checked by `archives.open_archive` (member count, declared sizes, ratios) before
  python-docx reads it, so a zip bomb is refused before anything is decompressed; python-docx
  parses XML without entity expansion (its parser sets resolve_entities=False).
- Every problem raises `FormatError("not a valid DOCX file: <reason>")`, a reason in words,
  never Python's exception text.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import TYPE_CHECKING

from reader.documents import archives
from reader.documents.formats import Block, FormatError, _join_lines
from reader.documents.html import CELL_SEPARATOR

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table as DocxTable
    from docx.table import _Cell as DocxCell

_HEADING_STYLE = re.compile(r"^Heading\s*(\d)$", re.I)


def _invalid(reason: str) -> FormatError:
    return FormatError(f"not a valid DOCX file: {reason}")


def extract_docx(data: bytes) -> tuple[list[Block], str]:
    """Blocks of a Word document's body paragraphs, and its title."""
    import docx  # python-docx: ~60 ms
    from docx.opc.exceptions import OpcError
    from lxml import etree

    try:
        with archives.open_archive(data) as archive:
            if "word/document.xml" not in archive.infos:
                raise _invalid("word/document.xml is missing (not a Word document)")
        return _blocks(docx.Document(io.BytesIO(data)))
    except archives.ArchiveError as error:
        raise _invalid(str(error)) from None
    except etree.XMLSyntaxError as error:
        raise _invalid(f"broken XML (line {error.lineno})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise _invalid("a member is damaged (bad CRC or compressed data)") from None
    except (KeyError, OpcError):
        raise _invalid("a part it refers to is missing") from None
    except (ValueError, TypeError, AttributeError, IndexError):
        # python-docx assumes well-formed parts; a malformed one fails wherever it is touched
        raise _invalid("a part is malformed") from None


def _blocks(document: Document) -> tuple[list[Block], str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    title = (document.core_properties.title or "").strip()
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}tbl"):
            blocks.extend(Block("paragraph", row) for row in _rows(Table(child, document)))
            continue
        if not child.tag.endswith("}p"):
            continue
        paragraph = Paragraph(child, document)
        text = _join_lines(paragraph.text.split("\n"))
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        heading = _HEADING_STYLE.match(style or "")
        ppr = paragraph._p.pPr
        numbered = ppr is not None and ppr.numPr is not None
        if style == "Title":
            blocks.append(Block("heading", text, 1))
            title = title or text
        elif heading:
            blocks.append(Block("heading", text, int(heading.group(1))))
        elif "List" in (style or "") or numbered:
            blocks.append(Block("list_item", text))
        else:
            blocks.append(Block("paragraph", text))
    return [Block(b.kind, b.text, b.level, n) for n, b in enumerate(blocks, 1)], title


def _rows(table: DocxTable) -> list[str]:
    """Each row with text, its cells joined by `CELL_SEPARATOR`."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):  # python-docx repeats a merged cell
                continue
            seen.append(cell._tc)
            cells.append(_cell_text(cell))
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows


def _cell_text(cell: DocxCell) -> str:
    """A cell's paragraphs, and the cells of tables nested in it, as one line."""
    pieces = [p.text for p in cell.paragraphs]
    for table in cell.tables:
        pieces.extend(CELL_SEPARATOR.join(map(_cell_text, r.cells)) for r in table.rows)
    return _join_lines([line for piece in pieces for line in piece.split("\n")])
