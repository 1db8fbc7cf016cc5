"""The repository's tree, written from the code itself, for the README.

    python scripts/layout.py            print the tree
    python scripts/layout.py --write    put it in README.md, between the layout markers
    python scripts/layout.py --check    fail when README.md's tree is not the code's (make lint)

A Python package or module is described by the first sentence of its docstring; a folder that holds
no Python by `FOLDERS` below. A new top-level folder without a description fails the check, so
the tree a newcomer reads is never older than the code.
"""

import argparse
import ast
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- layout: begin (scripts/layout.py --write) -->"
END = "<!-- layout: end -->"
WIDTH = 100
COLUMN = 24

#: top-level folders, in the order a newcomer meets them; a Python package's own docstring is
#: used when it has one, else the words here
FOLDERS = {
    "wallet_server": "",
    "paytoken": "",
    "offline_rules": "",
    "pos_client": "",
    "locale": "the words of every screen, as gettext catalogues (.po), one folder per language",
    "bench": "",
    "testsupport": "",
    "tests": "mirrors the packages; every database test runs on SQLite and PostgreSQL",
    "deploy": "gunicorn, nginx, systemd units, a container file and the operator's guide",
    "docs": "ARCHITECTURE.md (start here), SECURITY.md",
    "scripts": "vendoring of JavaScript libraries, test-dates, this tree",
}
#: folders that are not part of the project's layout
IGNORED = {"instance", "node_modules", "build", "dist"}


def first_line(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not docstring:
        raise SystemExit(f"layout: {path.relative_to(ROOT)} has no docstring to describe it")
    paragraph = " ".join(docstring.strip().split("\n\n")[0].split())
    # the first sentence: a paragraph can run long, a tree line should not
    sentence_end = paragraph.find(". ")
    return paragraph if sentence_end < 0 else paragraph[: sentence_end + 1]


def entry(name: str, description: str, depth: int) -> list[str]:
    label = "  " * depth + name
    lines = textwrap.wrap(description, WIDTH - COLUMN) or [""]
    if len(label) >= COLUMN - 1:
        return [label, *(" " * COLUMN + line for line in lines)]
    return [label.ljust(COLUMN) + lines[0], *(" " * COLUMN + line for line in lines[1:])]


def package_entries(package: Path, depth: int) -> list[str]:
    """A package's sub-packages, then its modules (not deeper: a slice's folder explains itself)."""
    lines: list[str] = []
    children = sorted(package.iterdir())
    for child in children:
        if child.is_dir() and (child / "__init__.py").is_file() and child.name != "migrations":
            lines += entry(f"{child.name}/", first_line(child / "__init__.py"), depth)
        elif child.is_dir() and child.name == "migrations":
            lines += entry("migrations/", "Alembic migrations (date-prefixed revisions)", depth)
    for child in children:
        if child.suffix == ".py" and child.name not in {"__init__.py", "__main__.py"}:
            lines += entry(child.name, first_line(child), depth)
    return lines


def tree() -> str:
    present = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and not path.name.endswith(".egg-info")
        and path.name not in IGNORED
    }
    unknown = sorted(present - set(FOLDERS))
    if unknown:
        raise SystemExit(f"layout: describe the new folder(s) {unknown} in scripts/layout.py")
    lines: list[str] = []
    for name, words in FOLDERS.items():
        folder = ROOT / name
        if not folder.is_dir():
            continue
        init = folder / "__init__.py"
        lines += entry(f"{name}/", first_line(init) if init.is_file() and not words else words, 0)
        if name == "wallet_server":
            lines += package_entries(folder, 1)
    return "\n".join(["```", *lines, "```"])


def readme_with(layout: str) -> str:
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"layout: README.md lacks the markers {BEGIN!r} and {END!r}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{layout}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update README.md")
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    options = parser.parse_args()
    layout = tree()
    if options.write:
        README.write_text(readme_with(layout), encoding="utf-8")
        return 0
    if options.check:
        if README.read_text(encoding="utf-8") != readme_with(layout):
            print(
                "layout: README.md's tree is not the code's: run `python scripts/layout.py"
                " --write` / l'arborescence du README n'est plus celle du code",
                file=sys.stderr,
            )
            return 1
        print("layout: README.md's tree is the code's")
        return 0
    print(layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
