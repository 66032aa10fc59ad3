"""The README examples are the files the tests run: each fenced block after a
`<!-- example: PATH -->` marker in README.md must equal that file, verbatim."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def examples(markdown):
    return re.findall(r"<!-- example: (\S+) -->\s*\n```[a-z]*\n(.*?)```", markdown, re.S)


def test_readme_python_example_is_the_test_file():
    found = dict(examples((ROOT / "README.md").read_text()))
    assert "clients/python/tests/test_example.py" in found
    for path, code in found.items():
        assert code == (ROOT / path).read_text(), path


def test_kit_readme_examples_are_the_test_files():
    found = examples((ROOT / "clients/python/README.md").read_text())
    assert found
    for path, code in found:
        assert code == (ROOT / path).read_text(), path
