"""Replaces one marked section of BENCHMARKS.md, leaving everyone else's sections alone."""

from __future__ import annotations

from pathlib import Path


def replace_between_markers(document: Path, marker: str, content: str) -> None:
    """Puts `content` between `<!-- marker:begin -->` and `<!-- marker:end -->`."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = document.read_text()
    if begin not in text or end not in text:
        raise RuntimeError(f"{document} has no '{begin}' … '{end}' markers; add them where the section belongs")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    document.write_text(f"{head}{begin}\n{content.rstrip()}\n{end}{tail}")
