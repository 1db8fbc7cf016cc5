"""Every refusal as JSON: a stable code, the message in the client's language, and both."""

from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, current_app, g, jsonify
from werkzeug.exceptions import HTTPException

from paytoken import TokenError
from wallet_server.db import is_unstorable_text
from wallet_server.errors import DomainError
from wallet_server.ledger import LedgerError, is_retryable
from wallet_server.messages import message, messages_for

_STATUS_BY_CODE = {
    "invalid_credentials": 401,
    "session_expired": 401,
    "authentication_required": 401,
    "forbidden": 403,
    "not_found": 404,
    "account_not_found": 404,
    "hold_not_found": 404,
    "participant_not_found": 404,
    "shop_not_found": 404,
    "idempotency_conflict": 409,
    "hold_already_resolved": 409,
    "account_exists": 409,
    "username_taken": 409,
    "busy_retry": 503,
    "bad_request": 400,
    "device_not_recognized": 401,
    "shop_not_approved": 403,
    "wrong_pin": 403,
    "pin_locked": 423,
    "token_already_used": 409,
    "too_many_tokens": 409,
    "redemption_not_found": 404,
    "token_not_found": 404,
    "token_not_outstanding": 409,
    "device_not_found": 404,
    "participant_not_active": 403,
    "rate_limited": 429,
    "request_too_large": 413,
}
#: details a client may see (never internal ids or account codes)
_PUBLIC_DETAILS = frozenset({"attempts_left", "outstanding", "max_cents"})


def status_for(code: str) -> int:
    """The HTTP status a refusal code is answered with (422 unless listed)."""
    return _STATUS_BY_CODE.get(code, 422)


def error_response(
    code: str,
    status: int | None = None,
    *,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    lang = g.get("lang", "fr")
    body: dict[str, Any] = {
        "code": code,
        "message": message(code, lang),
        "messages": messages_for(code),
    }
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status or status_for(code)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: APIFlask) -> None:
    @app.errorhandler(LedgerError)
    def ledger_refusal(error: LedgerError) -> Response:
        return error_response(error.code)

    @app.errorhandler(TokenError)
    def token_refusal(error: TokenError) -> Response:
        return error_response(error.code)

    @app.errorhandler(DomainError)
    def domain_refusal(error: DomainError) -> Response:
        if getattr(error, "persist", False):
            g.commit_refusal = True
        details = {k: v for k, v in error.details.items() if k in _PUBLIC_DETAILS}
        return error_response(error.code, details=details or None)

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
