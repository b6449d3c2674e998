"""RESULTS.md is written by several scripts: each owns a marked section, and the others keep it.

A section runs from `<!-- NAME:start -->` to `<!-- NAME:end -->`; bench.py writes everything outside
the sections and keeps every section when it rewrites the file.
"""

from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"<!-- (?P<name>[a-z-]+):start -->.*?<!-- (?P=name):end -->", re.S)


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(path: Path, name: str, body: str) -> None:
    """Put the named section in the file, replacing the previous one, leaving the rest alone."""
    start, end = markers(name)
    section = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def kept_sections(path: Path) -> list[str]:
    """Every marked section of the file, in order, for a script that rewrites the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [match.group(0) for match in _SECTION.finditer(text)]
