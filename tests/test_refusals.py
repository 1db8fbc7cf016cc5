"""One kind of refusal: each carries its HTTP status, declared beside the codes it raises."""

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiflask import APIFlask
from flask import g

from paytoken import TokenError
from wallet_server.ledger import LedgerError
from wallet_server.messages import message
from wallet_server.pos.pin import WrongPin
from wallet_server.refusals import DEFAULT_STATUS, Refusal
from wallet_server.web.errors import error_response, register_error_handlers

ROOT = Path(__file__).resolve().parents[1]

#: The status of every refusal code not answered 422, as the web layer's central table gave
#: them before each moved beside its code: no answer's status changes by accident.
NOT_422 = {
    "invalid_credentials": 401,
    "session_expired": 401,
    "authentication_required": 401,
    "device_not_recognized": 401,
    "forbidden": 403,
    "participant_not_active": 403,
    "shop_not_approved": 403,
    "wrong_pin": 403,
    "account_not_found": 404,
    "hold_not_found": 404,
    "participant_not_found": 404,
    "shop_not_found": 404,
    "redemption_not_found": 404,
    "token_not_found": 404,
    "device_not_found": 404,
    "idempotency_conflict": 409,
    "hold_already_resolved": 409,
    "account_exists": 409,
    "username_taken": 409,
    "token_already_used": 409,
    "too_many_tokens": 409,
    "token_not_outstanding": 409,
    "pin_locked": 423,
}
#: The codes the web layer answers by itself, with their statuses (internal_error always went
#: with an explicit 500; its table now says so too).
WEB_STATUS = {
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


def _sources(package: str) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield module, ast.parse(path.read_text())


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _refusal_classes() -> dict[str, type[Refusal]]:
    """Every refusal class of the code base, by name (their modules imported)."""
    defined: dict[str, str] = {}  # class name → its module
    bases = {"Refusal"}
    trees = list(_sources("wallet_server"))
    while True:
        found = {
            node.name: module
            for module, tree in trees
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and bases & {_name(b) for b in node.bases}
        }
        if found.keys() <= defined.keys():
            break
        defined |= found
        bases |= found.keys()
    classes = {name: getattr(importlib.import_module(m), name) for name, m in defined.items()}
    assert all(issubclass(cls, Refusal) for cls in classes.values())
    return classes


def _literal_codes(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_codes(node.body) + _literal_codes(node.orelse)
    return []


def _raised(package: str, names: set[str]) -> set[tuple[str, str]]:
    """(class name, code) of every refusal built with a literal code in `package`."""
    return {
        (name, code)
        for _, tree in _sources(package)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (name := _name(node.func)) in names and node.args
        for code in _literal_codes(node.args[0])
    }


def test_there_is_one_kind_of_refusal():
    assert issubclass(LedgerError, Refusal)
    assert not issubclass(TokenError, Refusal)  # paytoken is the till's too: it knows no server


def test_every_refusal_is_answered_with_the_status_it_had():
    classes = _refusal_classes()
    raised = _raised("wallet_server", set(classes))
    # codes passed through: a pay code's own refusals, and the offline rules' (which include
    # the pay code's), raised again at the server's boundary
    offline = {code for _, code in _raised("offline_rules", {"OfflineRefusal"})}
    raised |= {("RedemptionError", code) for code in TokenError.CODES}
    raised |= {("CaptureRefused", code) for code in offline | TokenError.CODES}
    assert len(raised) > 150
    assert ("CaptureRefused", "token_already_used") in raised
    changed = {
        (name, code): classes[name].STATUS.get(code, DEFAULT_STATUS)
        for name, code in raised
        if classes[name].STATUS.get(code, DEFAULT_STATUS) != NOT_422.get(code, DEFAULT_STATUS)
    }
    assert changed == {}


def test_every_declared_status_is_an_http_error_status_of_a_code_with_words():
    declared = {
        (cls.__name__, code, status)
        for cls in _refusal_classes().values()
        for code, status in cls.STATUS.items()
    }
    assert len(declared) >= len(NOT_422)
    for name, code, status in declared:
        assert 400 <= status <= 599, (name, code)
        assert message(code, "fr") != code and message(code, "en") != code, (name, code)
    assert DEFAULT_STATUS == 422


def test_the_ledger_declares_statuses_for_its_own_codes_only():
    assert set(LedgerError.STATUS) <= LedgerError.CODES


def test_a_refusal_answers_its_class_status_and_a_subclass_inherits_it():
    assert LedgerError("hold_not_found").status == 404
    assert LedgerError("insufficient_funds").status == 422
    assert WrongPin("wrong_pin", attempts_left=2).status == 403
    assert Refusal("invalid_request").status == 422


def test_the_web_layer_answers_its_own_codes_with_their_status():
    app = APIFlask(__name__)
    with app.test_request_context():
        for code, status in WEB_STATUS.items():
            assert error_response(code).status_code == status, code
            assert message(code, "fr") != code and message(code, "en") != code, code
        assert error_response("not_found", 405).status_code == 405


def test_a_refused_request_is_answered_with_the_status_and_public_details_only():
    app = APIFlask(__name__)
    register_error_handlers(app)
    committed: list[bool] = []

    @app.get("/pin")
    def pin() -> None:
        raise WrongPin("pin_locked", attempts_left=0)

    @app.get("/ledger")
    def ledger() -> None:
        raise LedgerError("hold_not_found", hold_id="hold:secret")

    @app.after_request
    def remember(response):  # type: ignore[no-untyped-def]
        committed.append(g.get("commit_refusal", False))
        return response

    client = app.test_client()
    locked = client.get("/pin")
    assert (locked.status_code, locked.json["code"]) == (423, "pin_locked")
    assert locked.json["details"] == {"attempts_left": 0}
    missing = client.get("/ledger")
    assert (missing.status_code, missing.json["code"]) == (404, "hold_not_found")
    assert "details" not in missing.json
    assert committed == [True, False]  # only the PIN's failure count is kept


def _application_imports(source: Path) -> set[str]:
    """What a module imports of the application's own packages, as dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    own = {"wallet_server", "paytoken", "pos_client", "offline_rules"}
    return {name for name in names if name.split(".")[0] in own}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        # the kernel every refusal is built on: anything may import it
        ("wallet_server/refusals.py", set()),
        # the ledger: the clock, its tables' base, and the refusal kernel
        (
            "wallet_server/ledger",
            {
                "wallet_server.ledger",
                "wallet_server.clock",
                "wallet_server.orm",
                "wallet_server.refusals",
            },
        ),
        # pay codes are the till's too: they know nothing of the server
        ("paytoken", {"paytoken"}),
    ],
)
def test_shared_kernels_import_nothing_else_of_the_application(package, allowed):
    path = ROOT / package
    sources = [path] if path.is_file() else sorted(path.rglob("*.py"))
    imported = set().union(*(_application_imports(source) for source in sources))
    outside = {n for n in imported if not any(n == ok or n.startswith(f"{ok}.") for ok in allowed)}
    assert outside == set()
