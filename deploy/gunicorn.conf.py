"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py`.

The application's own settings come from the environment (wallet_server/config.py); the few
values here that an administrator may want to change are read from CAISSE_BIND,
CAISSE_WORKERS, CAISSE_FORWARDED_ALLOW_IPS and CAISSE_LOG_LEVEL.
"""

import os

wsgi_app = "wallet_server.wsgi:app"

#: loopback only: nginx on the same machine is the one door in (a container sets 0.0.0.0:8000)
bind = [os.environ.get("CAISSE_BIND", "127.0.0.1:8000")]


def _default_workers() -> int:
    # The CPUs this process may run on (a systemd CPUAffinity or a container's cpuset), not
    # every CPU of the host.
    cores = len(os.sched_getaffinity(0))
    # Each sync worker holds a database connection while it works; past a few workers the
    # ledger's row locks, not the CPU, set the pace, and PostgreSQL's default 100
    # connections must also serve the timers, the CLI and the backups.
    return min(2 * cores + 1, 8)


workers = int(os.environ.get("CAISSE_WORKERS") or _default_workers())
#: sync workers: every request is short database work; nothing here waits on a slow client,
#: since nginx buffers requests and responses (and opens a connection per request: a sync
#: worker does not keep connections alive)
worker_class = "sync"

#: a request running longer than this is killed and its worker replaced (its transaction is
#: rolled back by PostgreSQL); allocation runs go to a background thread, never this long
timeout = 60
#: on SIGTERM or a reload, in-flight requests get this long to finish
graceful_timeout = 30

# Preload off: each worker imports the app and builds its own engine and connection pool
# after the fork, so no database socket is ever shared between processes, and a reload
# (SIGHUP, `systemctl reload caisse-server`) starts workers on newly installed code.
preload_app = False

#: the heartbeat file of each worker: on a RAM file system, a slow disk never makes the
#: arbiter think a busy worker is dead
_SHM = "/dev/shm"  # noqa: S108 (a file per worker, made and owned by gunicorn itself)
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

#: X-Forwarded-Proto is believed from nginx on the loopback only; the app's own
#: CAISSE_TRUSTED_PROXIES decides about X-Forwarded-For and -Host
forwarded_allow_ips = os.environ.get("CAISSE_FORWARDED_ALLOW_IPS", "127.0.0.1")

proc_name = "caisse-server"
loglevel = os.environ.get("CAISSE_LOG_LEVEL", "info")
#: to stdout and stderr: journald (or the container runtime) timestamps and keeps them
accesslog = "-"
errorlog = "-"
#: peer (nginx: 127.0.0.1), the client as nginx saw it, request, status, bytes, milliseconds,
#: user agent; the referrer is left out, since a page address may carry a participant's id
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
