"""Articles as analysts hold them: files, folders, manifests, HTML pages, each with its metadata.

An analyst's pile is a folder of scraped pages and text files, or a spreadsheet exported from a
news database. Every article comes out as one `Article` whose text is what the extractor reads
(statement offsets index it) and whose metadata (date, source, url, title) follows each statement
into the output and the report. HTML goes through trafilatura (the `[report]` extra), which finds
the main text and the page's own date, title and site name; plain text may carry the same fields
in a front-matter block:

    ---
    title: Kremlin rejects claims over ferry
    date: 2026-03-04
    source: Harbour Wire
    url: https://example.org/ferry
    ---
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from stance.data import decode_text, looks_like_html, read_bytes
from stance.errors import StanceError

METADATA: tuple[str, ...] = ("date", "source", "url", "title")
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".json")
ARTICLE_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<block>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_FIELD = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Article:
    """One article: the text statements are found in, and where it came from."""

    id: str
    text: str
    path: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    title: str = ""


def article_id(text: str) -> str:
    """A stable id from the text alone, so the same article gets the same id on every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def make_article(text: str, path: str = "", **metadata: str) -> Article:
    """An Article with its metadata checked: a date must start YYYY-MM-DD, other fields are free."""
    fields = {key: str(metadata.get(key) or "").strip() for key in METADATA}
    if fields["date"]:
        if not _DATE.match(fields["date"]):
            raise StanceError(f"{path or '<article>'}: date {fields['date']!r} is not YYYY-MM-DD")
        fields["date"] = fields["date"][:10]
    given = str(metadata.get("id") or "").strip()
    return Article(id=given or article_id(text), text=text, path=path, **fields)


def split_front_matter(raw: str, path: str = "") -> tuple[dict[str, str], str]:
    """(metadata, body) of a plain-text article; the body is what offsets index."""
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw.removeprefix("\ufeff")
    fields: dict[str, str] = {}
    for number, line in enumerate(match.group("block").splitlines(), start=2):
        if not line.strip():
            continue
        field = _FIELD.match(line)
        if not field:
            raise StanceError(f"{path}: line {number}: front matter needs 'key: value', got {line.strip()!r}")
        fields[field.group("key").lower()] = field.group("value").strip().strip("\"'")
    return fields, raw[match.end() :]


def html_article(html: str, path: str = "") -> tuple[dict[str, str], str]:
    """(metadata, main text) of a web page, paragraphs separated by blank lines; needs trafilatura."""
    try:
        import trafilatura
    except ImportError:
        raise StanceError(
            f"{path}: an HTML page; reading HTML needs the report extra: pip install 'stance[report]'"
        ) from None
    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    page: dict = {} if found is None else found if isinstance(found, dict) else found.as_dict()
    if not str(page.get("text") or "").strip():
        raise StanceError(f"{path}: no article text found in this HTML page")
    text = "\n\n".join(line.strip() for line in str(page["text"]).splitlines() if line.strip()) + "\n"
    fields = {"date": "date", "source": "sitename", "url": "url", "title": "title"}
    return {ours: str(page.get(theirs) or "") for ours, theirs in fields.items()}, text


def _decode(path: Path | None) -> str:
    """The text of a file or (None) standard input, decoded strictly (stance.data's rules)."""
    return decode_text(*read_bytes(path))


def _read(path: Path | None, overrides: dict[str, str] | None = None) -> Article:
    return article_from_text(_decode(path), str(path) if path is not None else "<stdin>", overrides)


def article_from_text(raw: str, path: str, overrides: dict[str, str] | None = None) -> Article:
    """An Article from a file's text: HTML through trafilatura, else plain text with optional front matter."""
    if looks_like_html(raw[:8192].encode("utf-8")) or Path(path).suffix.lower() in HTML_SUFFIXES:
        metadata, body = html_article(raw, path)
    else:
        metadata, body = split_front_matter(raw, path)
    # A manifest's columns win over what the page says of itself: the analyst's record is the reference.
    metadata |= {key: value for key, value in (overrides or {}).items() if value}
    return make_article(body, path, **metadata)


def _manifest_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    text = _decode(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Read as a stream, not line by line: an article's text is a quoted cell over many lines, and
        # its paragraph breaks are what the extractor reads. A row is named by the line it starts on.
        reader = csv.DictReader(io.StringIO(text, newline=""))
        ended = 1
        for row in reader:
            yield ended + 1, {key: value or "" for key, value in row.items() if key is not None}
            ended = reader.line_num
        return
    if suffix == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise StanceError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
        if not isinstance(rows, list):
            raise StanceError(f"{path}: a JSON manifest is an array of objects")
        numbered: Iterable[tuple[int, object]] = enumerate(rows, start=1)
    else:
        numbered = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    numbered.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise StanceError(f"{path}: line {number}: not valid JSON ({error.msg})") from None
    for number, item in numbered:
        if not isinstance(item, dict):
            raise StanceError(f"{path}: row {number}: expected an object with 'text' or 'path'")
        yield number, {str(key): "" if value is None else str(value) for key, value in item.items()}


def read_manifest(path: Path) -> Iterator[Article]:
    """Articles listed in a CSV/JSONL/JSON table: each row has `text` or `path` (relative to the table)."""
    found = False
    for number, row in _manifest_rows(path):
        found = True
        where = f"{path}: {'line' if path.suffix.lower() != '.json' else 'row'} {number}"
        metadata = {key: row.get(key, "") for key in (*METADATA, "id")}
        if row.get("text", "").strip():
            try:
                yield make_article(row["text"], f"{path}#{number}", **metadata)
            except StanceError as error:
                raise StanceError(f"{where}: {str(error).split(': ', 1)[-1]}") from None
        elif row.get("path", "").strip():
            target = (path.parent / row["path"]).resolve() if not Path(row["path"]).is_absolute() else Path(row["path"])
            if not target.is_file():
                raise StanceError(f"{where}, column 'path': no such file {row['path']!r}")
            article = _read(target, metadata)
            yield replace(article, id=metadata["id"]) if metadata["id"] else article
        else:
            raise StanceError(f"{where}: the row has neither 'text' nor 'path'")
    if not found:
        raise StanceError(f"{path}: the manifest lists no articles")


def _folder_files(folder: Path, pattern: str | None) -> list[Path]:
    if pattern:
        return sorted(p for p in folder.glob(pattern) if p.is_file())
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)


def read_articles(inputs: Iterable[str | Path], pattern: str | None = None) -> Iterator[Article]:
    """Every article in the inputs, in order: files, folders (recursive, `pattern` a glob), manifests, '-'.

    A `.csv`, `.jsonl` or `.json` input is a manifest; a folder yields its article files
    (`.txt`, `.md`, `.html`, ...) or those that match `pattern` (e.g. '**/*.html').
    """
    for raw in inputs:
        if str(raw) == "-":
            yield _read(None)
            continue
        path = Path(raw)
        if path.is_dir():
            files = _folder_files(path, pattern)
            if not files:
                raise StanceError(
                    f"{path}: no article files in this folder (looked for {pattern or ', '.join(ARTICLE_SUFFIXES)})"
                )
            for file in files:
                yield _read(file)
        elif path.suffix.lower() in MANIFEST_SUFFIXES:
            yield from read_manifest(path)
        else:
            yield _read(path)
