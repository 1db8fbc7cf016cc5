"""deploy/nginx/caisse.conf in a real nginx, in front of a real gunicorn, over real TLS.

The site file is rendered as an administrator would fill it in (host name `localhost`, free
ports instead of 80 and 443, a self-signed certificate), wrapped in a minimal main
nginx.conf whose logs and temporary files stay in the test's folder.
"""

import gzip
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from tests.deploy.servers import DEPLOY, REPO, Gunicorn, free_port, wait_for_port
from tests.system_programs import require
from wallet_server.pwa import CSP as PWA_CSP
from wallet_server.pwa import PWA_DIR

#: the names the site's long-cache rule takes for content-hashed
HASHED_NAME = re.compile(r".+\.[0-9a-f]{8,}\.(?:js|mjs|css|png|svg|webp|woff2?)$")
LONG_CACHE = "public, max-age=31536000, immutable"
ACME_TOKEN = "3xAmPl3-t0k3n_for-certbot"


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def one(self, name: str) -> str:
        """The header's value, which must be there exactly once."""
        values = self.headers.get_all(name) or []
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


@dataclass
class Site:
    http_port: int
    https_port: int
    gunicorn: Gunicorn
    hashed_path: str
    pwa_dir: Path

    def get(
        self,
        path: str,
        *,
        https: bool = True,
        headers: dict[str, str] | None = None,
        context: ssl.SSLContext | None = None,
    ) -> Answer:
        if https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "localhost", self.https_port, context=context or insecure_context(), timeout=30
            )
        else:
            connection = http.client.HTTPConnection("localhost", self.http_port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


def insecure_context() -> ssl.SSLContext:
    # the certificate is self-signed for this test: what is checked is nginx, not a CA
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def render_site(template: str, replacements: dict[str, str]) -> str:
    for placeholder, value in replacements.items():
        assert placeholder in template, f"the site file no longer has {placeholder!r}"
        template = template.replace(placeholder, value)
    return template


def make_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return certificate, key


def participant_app_with_a_hashed_file(folder: Path) -> tuple[Path, str]:
    """The participant app's files, and the URL of a content-hashed one.

    No file name is hashed in the app today; the copy gets one, named from its content as a
    build step would name it, so that the long-cache rule is exercised on a real file."""
    pwa = folder / "pwa"
    shutil.copytree(PWA_DIR, pwa)
    hashed = sorted(p for p in pwa.rglob("*") if p.is_file() and HASHED_NAME.fullmatch(p.name))
    if not hashed:
        source = pwa / "app.js"
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
        target = pwa / f"app.{digest}.js"
        shutil.copy(source, target)
        hashed = [target]
    return pwa, "/app/" + hashed[0].relative_to(pwa).as_posix()


def main_configuration(folder: Path, site: Path) -> str:
    temp = folder / "temp"
    temp.mkdir()
    # nginx started by root runs its workers as `nobody`, who could not read this folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    mime_types = Path("/etc/nginx/mime.types")
    include_mime = f"include {mime_types};\n" if mime_types.exists() else ""
    return f"""{user}worker_processes 1;
events {{ worker_connections 128; }}
http {{
    {include_mime}    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    binary = require("nginx", "openssl")  # openssl makes the certificate
    folder = tmp_path_factory.mktemp("nginx")
    pwa, hashed_path = participant_app_with_a_hashed_file(folder)
    (folder / "app").mkdir()
    gunicorn = Gunicorn(folder / "app", CAISSE_PWA_DIR=str(pwa))
    gunicorn.start()

    certificate, key = make_certificate(folder)
    webroot = folder / "webroot"
    (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
    (webroot / ".well-known" / "acme-challenge" / ACME_TOKEN).write_text("challenge-answer\n")
    http_port, https_port = free_port(), free_port()
    ipv6 = ipv6_loopback()
    replacements = {
        "/etc/letsencrypt/live/caisse.example.org/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/caisse.example.org/privkey.pem": str(key),
        "caisse.example.org": "localhost",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{gunicorn.port};",
        "/var/www/letsencrypt": str(webroot),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        # without IPv6 on this machine, the [::] lines are left out
        "listen [::]:80;": f"listen [::1]:{http_port};" if ipv6 else "",
        "listen [::]:443 ssl http2;": f"listen [::1]:{https_port} ssl http2;" if ipv6 else "",
    }
    site_file = folder / "caisse.conf"
    site_file.write_text(render_site((DEPLOY / "nginx" / "caisse.conf").read_text(), replacements))
    main_file = folder / "nginx.conf"
    main_file.write_text(main_configuration(folder, site_file))

    command = [binary, "-p", str(folder), "-c", str(main_file), "-e", str(folder / "error.log")]
    pid = f"pid {folder}/nginx.pid;"
    checked = subprocess.run(
        [*command, "-t", "-g", pid], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    nginx = subprocess.Popen(
        [*command, "-g", f"daemon off; {pid}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(https_port, nginx, "nginx")
        wait_for_port(http_port, nginx, "nginx")
        yield Site(http_port, https_port, gunicorn, hashed_path, pwa)
    finally:
        nginx.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        nginx.wait(30)
        gunicorn.stop()
    assert nginx.returncode == 0, (folder / "error.log").read_text()


def test_plain_http_redirects_to_the_https_address(site):
    answer = site.get("/healthz?x=1", https=False)
    assert answer.status == 301
    assert answer.one("Location") == "https://localhost/healthz?x=1"


def test_a_redirect_never_follows_the_host_header(site):
    answer = site.get("/console/", https=False, headers={"Host": "evil.example"})
    assert answer.status == 301
    assert answer.one("Location") == "https://localhost/console/"


def test_certbot_challenges_stay_on_plain_http(site):
    answer = site.get(f"/.well-known/acme-challenge/{ACME_TOKEN}", https=False)
    assert answer.status == 200
    assert answer.body == b"challenge-answer\n"


def test_healthz_is_proxied_over_https_with_the_security_headers(site):
    answer = site.get("/healthz")
    assert answer.status == 200
    assert b'"status":"ok"' in answer.body.replace(b" ", b"")
    hsts = answer.one("Strict-Transport-Security")
    assert int(re.fullmatch(r"max-age=(\d+).*", hsts).group(1)) >= 31536000
    assert answer.one("X-Content-Type-Options") == "nosniff"
    assert answer.one("Referrer-Policy")
    assert answer.one("X-Frame-Options") == "DENY"
    assert "camera=()" in answer.one("Permissions-Policy")


def test_the_apps_own_security_headers_are_kept_not_doubled(site):
    answer = site.get("/app/")
    assert answer.status == 200
    assert answer.one("Content-Security-Policy") == PWA_CSP
    assert answer.one("Referrer-Policy") == "no-referrer"  # the app's, stricter than nginx's
    assert answer.one("X-Content-Type-Options") == "nosniff"
    console = site.get("/console/login")
    assert console.status == 200
    assert "frame-ancestors" in console.one("Content-Security-Policy")
    assert console.one("X-Frame-Options") == "DENY"
    assert console.one("Referrer-Policy") == "same-origin"


def test_an_unknown_host_name_is_refused(site):
    answer = site.get("/healthz", headers={"Host": "evil.example"})
    assert answer.status == 421


def test_the_client_address_reaches_the_app_and_its_log(site):
    answer = site.get("/healthz?from=proxy", headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status == 200
    # nginx appends the address it saw; the app (CAISSE_TRUSTED_PROXIES=1) takes the last one
    line = '127.0.0.1 203.0.113.9, 127.0.0.1 "GET /healthz?from=proxy HTTP/1.1" 200'
    assert line in site.gunicorn.wait_for_access_log(line)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/app/app.js", PWA_DIR / "app.js"),
        ("/app/style.css", PWA_DIR / "style.css"),
        ("/app/manifest.webmanifest", PWA_DIR / "manifest.webmanifest"),
        ("/console/static/console.css", REPO / "wallet_server/console/static/console.css"),
    ],
)
def test_static_files_are_gzipped_when_asked(site, path, source):
    answer = site.get(path, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.one("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in answer.one("Vary")
    assert gzip.decompress(answer.body) == source.read_bytes()
    plain = site.get(path)
    assert plain.headers.get("Content-Encoding") is None
    assert plain.body == source.read_bytes()


def test_api_answers_are_never_compressed(site):
    # pages and API answers carry secrets next to chosen text: no compression (BREACH)
    answer = site.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert len(answer.body) > 1000
    assert answer.headers.get("Content-Encoding") is None


@pytest.mark.parametrize("path", ["/app/", "/app/index.html", "/app/sw.js", "/app/app.js"])
def test_unhashed_app_files_keep_the_apps_revalidation(site, path):
    answer = site.get(path)
    assert answer.status == 200
    cache_control = answer.one("Cache-Control")
    assert cache_control == "no-cache"
    assert "immutable" not in cache_control


def test_a_content_hashed_file_is_cached_for_a_year(site):
    answer = site.get(site.hashed_path)
    assert answer.status == 200
    assert answer.one("Cache-Control") == LONG_CACHE
    revalidated = site.get(site.hashed_path, headers={"If-None-Match": answer.one("ETag")})
    assert revalidated.status == 304
    assert revalidated.one("Cache-Control") == LONG_CACHE


def test_a_missing_hashed_name_is_not_cached_for_a_year(site):
    answer = site.get("/app/app.0123456789abcdef.js")
    assert answer.status == 404
    assert LONG_CACHE not in (answer.headers.get_all("Cache-Control") or [])


def test_tls_offers_1_2_with_forward_secrecy_and_1_3(site):
    tls12 = insecure_context()
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    tls13 = insecure_context()
    tls13.minimum_version = ssl.TLSVersion.TLSv1_3
    for context, version in ((tls12, "TLSv1.2"), (tls13, "TLSv1.3")):
        with (
            socket.create_connection(("127.0.0.1", site.https_port), timeout=30) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            assert tls.version() == version
            if version == "TLSv1.2":
                assert tls.cipher()[0].startswith("ECDHE-")
