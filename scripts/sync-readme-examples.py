#!/usr/bin/env python3
"""Copies each example file into the Markdown files that show it: the fenced block after a
`<!-- example: PATH -->` marker becomes PATH's text (the kits' tests check they are equal).
Usage: scripts/sync-readme-examples.py [--check]"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "clients/js/README.md", "clients/python/README.md"]
PATTERN = re.compile(r"(<!-- example: (\S+) -->\s*\n```[a-z]*\n)(.*?)(```)", re.S)


def main():
    stale = []
    for doc in DOCS:
        path = ROOT / doc
        text = path.read_text()
        synced = PATTERN.sub(lambda m: m.group(1) + (ROOT / m.group(2)).read_text() + m.group(4), text)
        if synced != text:
            stale.append(doc)
            if "--check" not in sys.argv:
                path.write_text(synced)
    if stale:
        print(("stale: " if "--check" in sys.argv else "updated: ") + ", ".join(stale))
    return 1 if stale and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
