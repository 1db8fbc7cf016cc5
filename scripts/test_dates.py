"""`make test-dates`: the date-sensitive tests, run with every process's clock moved to an instant.

For each instant, pytest runs on SQLite with libfaketime preloaded (Debian package
`faketime`) and `FAKETIME` set to a *relative* offset in seconds, chosen so that the run
starts at that instant. The environment passes to every child, so the CLI subprocesses,
gunicorn and its workers and the tills the tests start all read the same moved clock; an
absolute `FAKETIME="@…"` would restart the clock at that instant in each new process instead.

Python's timed waits need two settings, both found by running the suite this way:
- the monotonic clock stays real (`FAKETIME_DONT_FAKE_MONOTONIC=1`): when libfaketime moves it
  too, every timed lock wait (`threading.Event.wait(timeout)`, `queue.get(timeout=…)`, a
  `threading.Timer`) waits for the whole offset, days, because `sem_clockwait` gets a deadline
  on the moved clock that libfaketime does not translate back;
- with the monotonic clock real, Python 3.11's `time.sleep` fails with EINVAL, because
  libfaketime translates its absolute monotonic deadline as if it were on the moved clock;
  `scripts/faketime_site/sitecustomize.py`, first on PYTHONPATH for these runs only, makes
  `time.sleep` wait on `select` with a relative timeout instead.

    python scripts/test_dates.py [INSTANT ...] [-- PYTEST ARGS]

An instant is ISO 8601 in UTC (`2027-10-31T00:59:40Z`). Without instants, the default list
below runs: month and year ends, 29 February and both Europe/Paris DST switches. Instants
run side by side, as many as the machine has cores (TEST_DATES_JOBS=N to choose), each run's
output printed whole when it ends.
"""

import glob
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from subprocess import STDOUT, Popen
from typing import IO
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SLEEP_SHIM = ROOT / "scripts" / "faketime_site"

#: each a few seconds before a boundary of the fund's calendar (Europe/Paris), so the run
#: crosses it; the hour after a local midnight of the 1st is the hour in which the fund's
#: month and the UTC month differ
DEFAULT_INSTANTS = (
    "2027-01-31T22:59:40Z",  # 23:59:40 on 31 January in Paris: a month's last seconds
    "2027-01-31T23:59:40Z",  # 00:59:40 on 1 February in Paris, still January in UTC
    "2028-02-29T22:59:40Z",  # 23:59:40 on 29 February 2028 in Paris: a leap day ends
    "2027-03-28T00:59:40Z",  # 01:59:40 CET: clocks jump to 03:00 CEST 20 s later
    "2027-10-31T00:59:40Z",  # 02:59:40 CEST: clocks fall back to 02:00 CET 20 s later
    "2028-12-31T22:59:50Z",  # 23:59:50 on New Year's Eve in Paris
)

#: the date-sensitive part of the suite: whatever decides or shows a day, a month or an expiry
DATE_SENSITIVE = (
    "tests/test_clock.py",
    "tests/test_cli.py",
    "tests/allocations",
    "tests/contributions",
    "tests/participants",
    "tests/reports",
    "tests/reimbursements",
    "tests/vouchers",
    "tests/paytoken",
    "tests/pos",
    "tests/pos_client",
)

#: browser tests need Chromium and are not date-sensitive beyond what the API tests cover;
#: the race tests (many processes on one code) are about locks, and their dates are the
#: dishonest-till and redemption tests' (they cost half a minute per instant)
DESELECT = (
    "tests/pos_client/test_cashier_browser.py",
    # the dashboard's charts drawn in Chromium: Chromium under libfaketime stalls loading a page
    "tests/reports/test_pages.py::test_dashboard_draws_its_four_charts_in_chromium_within_the_csp",
    "tests/pos/test_redemption_race.py",
    "tests/pos/test_window_race.py",
)

LIBRARY_GLOBS = (
    "/usr/lib/*/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
)


def libfaketime() -> str:
    for pattern in LIBRARY_GLOBS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    sys.exit(
        "test-dates : libfaketime introuvable / not found. "
        "Installez-le / install it: make test-deps (Debian package: faketime)"
    )


def parse_instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        sys.exit(
            f"test-dates : instant invalide / invalid instant {text!r}"
            " (ISO 8601 in UTC, e.g. 2027-10-31T00:59:40Z)"
        )
    return moment.astimezone(UTC)


def shifted_environment(library: str, moment: datetime) -> dict[str, str]:
    offset = round(moment.timestamp() - time.time())
    env = {
        key: value
        for key, value in os.environ.items()
        # SQLite is enough here, and a PostgreSQL server's own clock is not ours to move
        if key != "TEST_DATABASE_URL"
    }
    preload = " ".join(filter(None, [library, os.environ.get("LD_PRELOAD", "")]))
    python_path = os.pathsep.join(filter(None, [str(SLEEP_SHIM), os.environ.get("PYTHONPATH", "")]))
    env.update(
        LD_PRELOAD=preload,
        FAKETIME=f"{offset:+d}",
        FAKETIME_DONT_FAKE_MONOTONIC="1",
        PYTHONPATH=python_path,
    )
    return env


def check_the_clock_moved(env: dict[str, str], moment: datetime) -> None:
    """A child sees the instant: otherwise the run would test today and pass for nothing."""
    seen = subprocess.run(
        [sys.executable, "-c", "import time; time.sleep(0.01); print(time.time())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if abs(float(seen) - moment.timestamp()) > 60:
        sys.exit(
            f"test-dates : l'horloge n'a pas bougé / the clock did not move"
            f" (a child process reads {datetime.fromtimestamp(float(seen), UTC):%FT%TZ})"
        )


def start_at(
    library: str, moment: datetime, pytest_args: list[str], log: IO[bytes]
) -> Popen[bytes]:
    """pytest with every clock moved to `moment`, its output into `log` (printed when it ends:
    two runs side by side would interleave their lines)."""
    env = shifted_environment(library, moment)
    check_the_clock_moved(env, moment)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *(f"--deselect={path}" for path in DESELECT),
        *(pytest_args or DATE_SENSITIVE),
    ]
    # the command is this Python running pytest on the arguments its own user gave
    return Popen(command, env=env, cwd=ROOT, stdout=log, stderr=STDOUT)  # noqa: S603


def main(argv: list[str]) -> int:
    instants, _, pytest_args = (
        (argv[: argv.index("--")], "--", argv[argv.index("--") + 1 :])
        if "--" in argv
        else (argv, "", [])
    )
    moments = [parse_instant(text) for text in (instants or DEFAULT_INSTANTS)]
    library = libfaketime()
    zone = ZoneInfo(os.environ.get("CAISSE_TIMEZONE") or "Europe/Paris")
    # Each instant's run is one pytest, mostly on one core: as many side by side as there are
    # cores (each its own process, SQLite files and clock), which halves CI's time on two.
    jobs = max(1, int(os.environ.get("TEST_DATES_JOBS") or os.cpu_count() or 1))
    pending = list(enumerate(moments, 1))
    running: list[tuple[int, datetime, Popen[bytes], IO[bytes], float]] = []
    outcomes: dict[int, tuple[datetime, int, float]] = {}
    with ExitStack() as logs:  # each run's output, until it is printed
        while pending or running:
            while pending and len(running) < jobs:
                number, moment = pending.pop(0)
                log = logs.enter_context(tempfile.TemporaryFile())
                process = start_at(library, moment, pytest_args, log)
                running.append((number, moment, process, log, time.monotonic()))
            time.sleep(0.5)
            for entry in [entry for entry in running if entry[2].poll() is not None]:
                running.remove(entry)
                number, moment, process, log, started = entry
                local = moment.astimezone(zone)
                print(
                    f"\n=== test-dates {number}/{len(moments)}: {moment:%Y-%m-%dT%H:%M:%SZ}"
                    f" ({zone.key} {local:%Y-%m-%d %H:%M:%S %Z}) ===",
                    flush=True,
                )
                log.seek(0)
                sys.stdout.buffer.write(log.read())
                sys.stdout.flush()
                outcomes[number] = (moment, process.returncode, time.monotonic() - started)
    print("\n=== test-dates: summary ===")
    for _, (moment, status, seconds) in sorted(outcomes.items()):
        verdict = "passed" if status == 0 else f"FAILED (exit {status})"
        print(f"  {moment:%Y-%m-%dT%H:%M:%SZ}  {verdict}  {seconds:.0f} s")
    return 0 if all(status == 0 for _, status, _ in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
