"""Every refusal as JSON: a stable code, the message in the client's language, and both."""

from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, current_app, g, jsonify
from werkzeug.exceptions import HTTPException

from wallet_server.db import is_unstorable_text
from wallet_server.ledger import is_retryable
from wallet_server.messages import message, messages_for
from wallet_server.refusals import DEFAULT_STATUS, Refusal

#: The web layer's own codes: what it answers by itself, around any operation (a malformed or
#: unauthenticated request, a missing page, a limit, a busy database). A refusal raised by an
#: operation carries its status (`Refusal.status`, declared beside the codes it raises).
_WEB_STATUS = {
    "bad_request": 400,
    "authentication_required": 401,
    "device_not_recognized": 401,
    "forbidden": 403,
    "not_found": 404,
    "idempotency_conflict": 409,
    "request_too_large": 413,
    "rate_limited": 429,
    "internal_error": 500,
    "busy_retry": 503,
}
#: details a client may see (never internal ids or account codes)
_PUBLIC_DETAILS = frozenset({"attempts_left", "outstanding", "max_cents"})


def error_response(
    code: str,
    status: int | None = None,
    *,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON answer for `code`, with `status` (by default, that of a web layer's code)."""
    lang = g.get("lang", "fr")
    body: dict[str, Any] = {
        "code": code,
        "message": message(code, lang),
        "messages": messages_for(code),
    }
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status or _WEB_STATUS.get(code, DEFAULT_STATUS)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: APIFlask) -> None:
    @app.errorhandler(Refusal)
    def refused(error: Refusal) -> Response:
        if error.persist:
            g.commit_refusal = True
        details = {k: v for k, v in error.details.items() if k in _PUBLIC_DETAILS}
        return error_response(error.code, error.status, details=details or None)

    @app.error_processor
    def http_error(error: HTTPError) -> Response:
        # apiflask's validation and abort() errors: keep our shape
        code = {
            400: "bad_request",
            401: "authentication_required",
            403: "forbidden",
            404: "not_found",
            409: "idempotency_conflict",
            413: "request_too_large",
        }.get(error.status_code, "bad_request")
        if error.status_code >= 500:
            code = "internal_error"
        details = error.detail if error.detail else None
        response = error_response(code, error.status_code, details=details)
        for name, value in dict(error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            status = error.code or 500
            return error_response(
                {404: "not_found", 405: "bad_request", 413: "request_too_large"}.get(
                    status, "bad_request"
                )
                if status < 500
                else "internal_error",
                status,
            )
        if is_retryable(error):
            return error_response("busy_retry", 503, headers={"Retry-After": "1"})
        if is_unstorable_text(error):
            return error_response("bad_request", 400)
        current_app.logger.exception("unhandled error")
        return error_response("internal_error", 500)
