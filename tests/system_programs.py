"""The programs some tests need beyond the virtualenv's Python: where each is looked for, and
the Debian package that brings it.

A test or a fixture says what it needs with `require("nginx", "openssl")`, the one way the
tests do it. Where one is missing the test is skipped, with a reason naming the program and
its package; with CAISSE_TESTS_REQUIRE_PROGRAMS=1 (CI) it fails instead, with the same
words. tests/conftest.py ends the run with one line naming the missing programs and
`make test-deps`, which installs them (scripts/test-deps.sh).

Run by the system's python3 (standard library only, no virtualenv needed),
`python3 tests/system_programs.py --missing-packages` prints the packages of the programs
missing here, one a line: what scripts/test-deps.sh installs.
"""

import glob
import os
import re
import shutil
import sys
from dataclasses import dataclass

import pytest

#: CI sets it: a missing program fails the test instead of skipping it
REQUIRE_VARIABLE = "CAISSE_TESTS_REQUIRE_PROGRAMS"
INSTALL_COMMAND = "make test-deps"


@dataclass(frozen=True)
class Program:
    name: str
    package: str
    #: the tests that need it (for people; `require` calls are what counts)
    needed_by: str
    #: folders looked in after PATH (a user's PATH often lacks /usr/sbin)
    also_in: tuple[str, ...] = ()
    #: an environment variable naming the program instead, and where it is when it is unset
    variable: str | None = None
    default: str | None = None
    #: a library, found by this pattern, rather than a program on PATH
    library: str | None = None

    def find(self) -> str | None:
        if self.library is not None:
            found = sorted(glob.glob(self.library))
            return found[0] if found else None
        if self.variable is not None:
            return shutil.which(os.environ.get(self.variable) or self.default or self.name)
        on_path = shutil.which(self.name)
        if on_path is None and self.also_in:
            return shutil.which(self.name, path=os.pathsep.join(self.also_in))
        return on_path

    def looked_for(self) -> str:
        if self.library is not None:
            return self.library
        if self.variable is not None:
            where = os.environ.get(self.variable) or self.default or self.name
            return f"{where}, set {self.variable} to use another"
        return ", ".join(["PATH", *self.also_in])


PROGRAMS = {
    program.name: program
    for program in (
        Program(
            "chromium",
            "chromium",
            "the browser tests (tests/console, tests/reports/test_pages.py, tests/pwa,"
            " tests/pos_client, tests/till_web)",
            variable="CAISSE_CHROMIUM",
            default="/usr/bin/chromium",
        ),
        Program("nginx", "nginx", "tests/deploy/test_nginx.py", also_in=("/usr/sbin", "/sbin")),
        Program("openssl", "openssl", "tests/deploy/test_nginx.py (its TLS certificate)"),
        Program("pg_dump", "postgresql-client", "tests/backup on PostgreSQL (caisse backup)"),
        Program("pg_restore", "postgresql-client", "tests/backup on PostgreSQL (caisse restore)"),
        Program("systemd-analyze", "systemd", "tests/deploy/test_systemd.py (verify the units)"),
        # a unit's ExecReload=/bin/kill: the test checks that the command exists
        Program("kill", "procps", "tests/deploy/test_systemd.py", also_in=("/usr/bin", "/bin")),
        # no test requires it: `make test-dates` preloads the library
        Program(
            "faketime",
            "faketime",
            "make test-dates",
            library="/usr/lib/*/faketime/libfaketime.so.1",
        ),
    )
}

#: how a reason names the missing programs, read back by the run's summary line
_REASON = re.compile(r"missing programs?: (.+?) — install")
_NAMED = re.compile(r"([\w.-]+) \(Debian package ")


def reason(missing: list[Program]) -> str:
    names = ", ".join(
        f"{program.name} (Debian package {program.package}, looked for: {program.looked_for()})"
        for program in missing
    )
    plural = "s" if len(missing) > 1 else ""
    them = "them" if len(missing) > 1 else "it"
    return f"missing program{plural}: {names} — install {them} with: {INSTALL_COMMAND}"


def missing_in(text: str) -> list[str]:
    """The programs a skip or failure of `require` names in `text` (none for any other)."""
    found = _REASON.search(text)
    return _NAMED.findall(found.group(1)) if found else []


def require(name: str, *others: str) -> str:
    """Where `name` is, once it and `others` are all found; otherwise the test is skipped
    (failed, where CAISSE_TESTS_REQUIRE_PROGRAMS=1) with a reason naming what is missing."""

    missing = [PROGRAMS[each] for each in (name, *others) if PROGRAMS[each].find() is None]
    if missing:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{reason(missing)} ({REQUIRE_VARIABLE}=1)", pytrace=False)
        pytest.skip(reason(missing))
    found = PROGRAMS[name].find()
    assert found is not None
    return found


def main(arguments: list[str]) -> int:
    if arguments in (["--missing-packages"], ["--packages"]):
        everything = arguments == ["--packages"]
        packages = [p.package for p in PROGRAMS.values() if everything or p.find() is None]
        for package in dict.fromkeys(packages):
            print(package)
        return 0
    if arguments == ["--list"]:
        for program in PROGRAMS.values():
            where = program.find() or f"MISSING (looked for: {program.looked_for()})"
            print(f"{program.name:16} {program.package:18} {where}")
        return 0
    print("usage: python3 tests/system_programs.py --missing-packages|--packages|--list")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
