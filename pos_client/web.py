"""The cashier's screen: a local web app on 127.0.0.1 (static page + a small JSON API).

It only ever listens on the loopback interface: the till's credential and journal stay on
this machine, and the page needs no connection to work.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request, send_from_directory

from pos_client.messages import message
from pos_client.report import day_report
from pos_client.till import Till

STATIC = Path(__file__).parent / "static"


def create_cashier_app(till: Till) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    @app.before_request
    def only_this_machine() -> Any:
        # Another web site open in the cashier's browser must not take or refund payments:
        # the Host must be the loopback (no DNS rebinding), and a POST must carry our header,
        # which a cross-site page cannot send without a CORS preflight we never grant.
        host = (request.host or "").rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            return jsonify({"code": "forbidden_host"}), 403
        if request.method == "POST" and request.headers.get("X-Caisse-POS") != "1":
            return jsonify({"code": "forbidden_request"}), 403
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        # No inline script anywhere (the scanner's WebAssembly needs 'wasm-unsafe-eval', which
        # compiles code from our own files only); no framing, so no other page can overlay
        # the pay button. No HSTS: the screen is plain HTTP on the loopback by design.
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:;"
            " img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self';"
            " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def index() -> Response:
        return send_from_directory(STATIC, "index.html")

    @app.get("/<path:name>")
    def static_file(name: str) -> Response:
        return send_from_directory(STATIC, name)

    @app.get("/api/status")
    def status() -> Any:
        count, cents = till.journal.pending_totals()
        last_sync = till.files.last_sync()
        return {
            "online": bool(till.online),
            "shop_name": till.pairing.shop_name,
            "device_name": till.pairing.device_name,
            "last_sync_at": last_sync.isoformat() if last_sync else None,
            "unsynced_count": count,
            "unsynced_cents": cents,
            "problems": [
                {
                    "redemption_id": entry.redemption_id,
                    "amount_cents": entry.amount_cents,
                    "captured_at": entry.captured_at.isoformat(),
                    "state": entry.state.value,
                    "message": _problem_words(entry.state.value, entry.server_answer or {}),
                }
                for entry in till.journal.problems()
            ],
        }

    @app.post("/api/pay")
    def pay() -> Any:
        body = _body()
        outcome = till.pay(str(body.get("token", "")), _cents(body.get("amount_cents")))
        return outcome.as_json()

    @app.post("/api/pay-pin")
    def pay_pin() -> Any:
        body = _body()
        outcome = till.pay_by_pin(
            str(body.get("participant_id", "")),
            str(body.get("pin", "")),
            _cents(body.get("amount_cents")),
        )
        return outcome.as_json()

    @app.get("/api/recent")
    def recent() -> Any:
        return {
            "payments": [
                {
                    "redemption_id": entry.redemption_id,
                    "amount_cents": entry.amount_cents,
                    "refunded_cents": till.journal.refunded_cents(entry.redemption_id),
                    "captured_at": entry.captured_at.isoformat(),
                    "mode": entry.mode,
                    "state": entry.state.value,
                }
                for entry in till.journal.recent(20)
            ]
        }

    @app.post("/api/refund")
    def refund() -> Any:
        body = _body()
        outcome = till.refund(str(body.get("redemption_id", "")), _cents(body.get("amount_cents")))
        return {
            "result": "refused"
            if not outcome.accepted
            else ("queued" if outcome.code == "refund_queued" else "accepted"),
            "code": None if outcome.accepted else outcome.code,
            "message": outcome.messages,
        }

    @app.post("/api/problems/<redemption_id>/seen")
    def problem_seen(redemption_id: str) -> Any:
        till.journal.acknowledge(redemption_id)
        return {"ok": True}

    @app.get("/api/report")
    def report() -> Any:
        try:
            day = date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            day = datetime.now().astimezone().date()  # the till's own day
        return {
            **day_report(till.journal, day).as_json(),
            "shop_name": till.pairing.shop_name,
            "device_name": till.pairing.device_name,
        }

    @app.errorhandler(404)
    def not_found(error: Exception) -> Any:
        return jsonify({"code": "not_found"}), 404

    return app


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _cents(value: object) -> int:
    """Integer cents only: a float or a text never becomes money."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _problem_words(state: str, answer: dict[str, Any]) -> dict[str, str]:
    if state == "conflict":
        return message("conflict_paid").as_json()
    words = answer.get("messages")
    if isinstance(words, dict) and words.get("fr") and words.get("en"):
        return {"fr": str(words["fr"]), "en": str(words["en"])}
    return message(str(answer.get("code") or "server_error")).as_json()
