"""Security headers on every response of the server: API, participant app, console.

A page that chose its own policy (the console, the participant app) keeps it: these are
the floor for everything else. Strict-Transport-Security only over HTTPS: sent over plain
HTTP it would be ignored at best, and would lock a demo on http:// out at worst.
"""

from flask import Flask, Response, request

#: HTML nobody gave a policy (a redirect's body, an error page): no inline script or style
HTML_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: JSON and files: nothing in them may run, load or be framed
OTHER_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(app: Flask) -> None:
    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        headers["Content-Security-Policy"] = (
            HTML_POLICY if response.mimetype == "text/html" else OTHER_POLICY
        )
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; frame-ancestors 'none'"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    return response
