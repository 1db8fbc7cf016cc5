"""No console page or form answers a server error, whatever is typed.

Hypothesis throws odd values (digits of other scripts, huge numbers, nothing, NUL and control
characters, very long text, days in year 1 and 9999, negative numbers, SQL-ish text) at every
parameter of every console GET route, path and query string alike, and at every field of
every form the console renders: logged in as an admin, and as a shop manager for isolation.

Nothing here lists the parameters by hand. The query parameters a page reads are found by
watching it read them (`RecordingArgs`), the fields of a form by parsing the rendered page and
the path parameters from the URL map, so a new page, parameter or field is fuzzed as soon as it
exists. Each field is first tried alone with each of the known troublemakers (`NASTY`, as
explicit examples), then hypothesis draws values for all of them at once.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule

from tests.console_pages import ConsoleClient
from tests.payments import new_till, new_wallet
from tests.pos.test_devices_and_conflicts import double_spend
from tests.reimbursements.shopping import GOOD_IBAN, pay_through_api, set_bank_details
from wallet_server import clock
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PosDevice, RefusedCapture
from wallet_server.pos.pin import set_pin
from wallet_server.shops.models import Shop
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key
from wallet_server.users import operations as users_operations
from wallet_server.users.models import Role
from wallet_server.vouchers.operations import issue_sheet

#: values that broke, or could break, a page: tried on every parameter and field on its own
NASTY = (
    "²",  # str.isdigit() says yes, int() says no
    "٣٤",  # Arabic-Indic digits: int() reads them
    "9" * 25,  # beyond any database integer; in an amount field, 10²⁵ euros
    "-1",
    "",
    "\x00",
    "9999-12-31",
    "0001-01-01",
    "9999-12",
    "0001-01",
    "x" * 3000,
)
#: POST routes that no rendered form reaches, and why they are left out
NOT_FUZZED = {
    "console.logout": "ends the session the other requests need",
}
#: static files only: every other GET route of the console is fuzzed
SKIPPED_GETS = {"console.static"}

_READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """Request arguments that note which names a view asked for."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        _READ.add(key)
        return super().get(key, default, type)

    def __getitem__(self, key: Any) -> Any:
        _READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        _READ.add(str(key))
        return super().__contains__(key)


def odd_text() -> st.SearchStrategy[str]:
    """Strings a person, a broken browser or an attacker might send."""
    printable_or_not = st.characters(blacklist_categories=("Cs",))  # no lone surrogates
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(printable_or_not, max_size=30),
        st.from_regex(r"[0-9²³¹٠-٩０-９]{1,30}", fullmatch=True),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
            lambda d: d.isoformat()[:7]
        ),
        st.sampled_from(["' OR 1=1 --", "1; DROP TABLE audit_log", "%", "_", "\\", "NaN"]),
    )


@dataclass
class Target:
    """One request to fuzz: its method, path (with `{name}` holes) and the values that work."""

    method: str
    endpoint: str
    path: str
    #: path parameters and the value that reaches a real page
    path_values: dict[str, str]
    #: query parameters or form fields and the value the page sent or rendered
    #: (None: a query parameter sent only when fuzzed)
    fields: dict[str, str | None] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.path_values, *self.fields]

    def send(self, client: ConsoleClient, odd: dict[str, str | None]) -> Any:
        path = self.path.format(
            **{
                name: quote(odd[name] if odd.get(name) is not None else value, safe="")
                for name, value in self.path_values.items()
            }
        )
        values = {
            name: odd[name] if odd.get(name) is not None else valid
            for name, valid in self.fields.items()
        }
        sent = {name: value for name, value in values.items() if value is not None}
        if self.method == "GET":
            return client.get(path, query_string=sent)
        return client.post(path, sent)


def _hole(rule: Rule) -> str:
    """/console/shops/<shop_public_id>/tills/<int(max=…):device_id> → …/{shop_public_id}/…"""
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule)


class FormReader(HTMLParser):
    """The POST forms of a page: their action and fields with the values they carry."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attr.get("method", "get").lower() == "post":
                self._form = {}
                self.forms.append((attr.get("action", ""), self._form))
            return
        if self._form is None or not attr.get("name") or attr["name"] == "csrf_token":
            return
        name = attr["name"]
        if tag in ("input", "button"):
            if attr.get("type") in ("checkbox", "radio") and "checked" not in attr:
                self._form.setdefault(name, "")
            else:
                self._form.setdefault(name, attr.get("value", ""))
        elif tag == "select":
            self._select = name
            self._form.setdefault(name, "")
        elif tag == "option" and self._select and not self._form.get(self._select):
            self._form[self._select] = attr.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self._form.setdefault(name, "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class World:
    shop: str
    other_shop: str
    participant: str
    till: int
    sheet: int
    conflict: int
    refused: int
    batch: int
    admin_id: int
    manager: ConsoleClient | None = None

    def path_values(self, rule: Rule, as_manager: bool = False) -> dict[str, str]:
        shops = rule.endpoint.startswith(("console.shop", "console.till", "console.reimb"))
        real = {
            "shop_public_id": self.shop,
            "public_id": self.shop if shops else self.participant,
            "device_id": str(self.till),
            "sheet_id": str(self.sheet),
            "number": "1",
            "conflict_id": str(self.conflict),
            "refused_id": str(self.refused),
            "batch_id": str(self.batch),
            "run_id": "1",
            "user_id": str(self.admin_id + 1),
            "series": "shops",
        }
        return {name: real[name] for name in rule.arguments}


@pytest.fixture
def cheap_passwords(monkeypatch) -> None:
    """Every fuzzed login checks a password: argon2 at its real cost would take most of the
    run. The hashes made here are cheap; what a login does with them is the same."""
    monkeypatch.setattr(
        users_operations, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def _one_code_twice(client, wallet, till) -> None:
    code = client.post("/api/v1/me/tokens", json={"offline": True}, headers=wallet.headers())
    captures = [
        {
            "redemption_id": f"odd-input-twice-{n}",
            "token": code.json["token"],
            "amount_cents": 500,
            "captured_at": clock.now().isoformat(),
            "mode": "offline",
        }
        for n in range(2)
    ]
    synced = client.post(
        "/api/v1/pos/redemptions/batch", json={"redemptions": captures}, headers=till.headers()
    )
    assert [r["status"] for r in synced.json["results"]] == ["accepted", "rejected"]


@pytest.fixture
def world(cheap_passwords, console_app, console_login, sessions) -> tuple[ConsoleClient, World]:
    admin = console_login(Role.ADMIN)
    client = console_app.test_client()
    wallet = new_wallet(sessions, balance=50_000)
    till = new_till(sessions, client, name="La Cagette")
    other = new_till(sessions, client, name="Le Fournil")
    pay_through_api(client, wallet, till, 1_234)
    set_bank_details(sessions, till.shop_public_id, iban=GOOD_IBAN, holder="SCOP Cagette")
    double_spend(client, sessions, new_wallet(sessions, balance=10_000))
    _one_code_twice(client, new_wallet(sessions, balance=10_000), till)  # a refused capture
    settings_ = console_app.extensions["caisse.settings"]
    with sessions() as session:
        person = session.query(Participant).filter_by(public_id=wallet.public_id).one()
        set_pin(person, "2468")
        person.pin_failures = 5  # locked: the page then offers its unlock form
        sheet = issue_sheet(
            session,
            person,
            value_cents=500,
            count=2,
            signer=current_signing_key(session, KeyStore(settings_.key_dir)),
            settings=settings_.tokens,
            actor="user:test",
        )
        session.commit()
        sheet_id = sheet.id
        shop = session.query(Shop).filter_by(public_id=till.shop_public_id).one()

        device_id = session.query(PosDevice).filter_by(shop_id=shop.id).first().id
        conflict_id = session.query(Conflict).first().id
        refused_id = session.query(RefusedCapture).first().id
        manager_shop = shop
        session.expunge(manager_shop)
    policy = admin.post(
        "/console/allocations/policy",
        {"effective_month": clock.this_month(), "amount": "100", "mode": "add"},
    )
    assert policy.status_code == 302, policy.get_data(as_text=True)
    today = clock.today().isoformat()
    prepared = admin.post(
        "/console/reimbursements/batches",
        {"payout_period_end": today, "payout_execution_date": today},
    )
    assert prepared.status_code == 302, prepared.get_data(as_text=True)
    batch_id = int(prepared.headers["Location"].rstrip("/").split("/")[-1])
    console_login(Role.COORDINATOR)  # someone else on the accounts page
    found = World(
        shop=till.shop_public_id,
        other_shop=other.shop_public_id,
        participant=wallet.public_id,
        till=device_id,
        sheet=sheet_id,
        conflict=conflict_id,
        refused=refused_id,
        batch=batch_id,
        admin_id=admin.user.id,
    )
    found.manager = console_login(Role.SHOP_MANAGER, shop=manager_shop)
    console_app.request_class = type(
        "RecordingRequest", (console_app.request_class,), {"parameter_storage_class": RecordingArgs}
    )
    return admin, found


def _get_targets(app, client: ConsoleClient, world: World) -> list[Target]:
    """Every console GET route, with the query parameters its page was seen to read."""
    targets = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or "GET" not in rule.methods:
            continue
        if rule.endpoint in SKIPPED_GETS:
            continue
        target = Target("GET", rule.endpoint, _hole(rule), world.path_values(rule))
        _READ.clear()
        response = target.send(client, {})
        assert response.status_code < 500, (rule.rule, response.status_code)
        # the month of the allocation preview: the page that carries the run's form
        target.fields = {name: clock.this_month() if name == "month" else None for name in _READ}
        targets.append(target)
    return targets


def _form_targets(
    app, client: ConsoleClient, world: World, pages: list[Target], *, every_form: bool = True
) -> list[Target]:
    """Every POST form the console's pages render, once per route, with its fields' values."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, Target] = {}
    rendered = [(page.path.format(**page.path_values), page.send(client, {})) for page in pages]
    # the login form is shown only to someone logged out
    rendered.append(("/console/login", app.test_client().get("/console/login")))
    for page_path, response in rendered:
        reader = FormReader()
        reader.feed(response.get_data(as_text=True))
        for action, fields in reader.forms:
            path = urlsplit(action).path or page_path
            rule, values = adapter.match(path, method="POST", return_rule=True)
            if rule.endpoint in found or rule.endpoint in NOT_FUZZED:
                continue
            if values.get("user_id") == world.admin_id:
                continue  # the admin would lock themselves out; the other account's form is used
            real = {name: str(value) for name, value in values.items()}
            found[rule.endpoint] = Target("POST", rule.endpoint, _hole(rule), real, dict(fields))
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("console.") and "POST" in rule.methods
    }
    if every_form:
        assert posts - set(found) - set(NOT_FUZZED) == set(), "a console form was not found"
    return list(found.values())


def _fuzz(client: ConsoleClient, target: Target, examples: int, *, path_only: bool) -> None:
    names = target.names()
    alone = list(target.path_values) if path_only else names
    odd = st.fixed_dictionaries({name: st.one_of(st.none(), odd_text()) for name in names})

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(odd=odd)
    def never_a_server_error(odd: dict[str, str | None]) -> None:
        response = target.send(client, odd)
        assert response.status_code < 500, (target.method, target.path, odd)

    fuzz: Callable[[], None] = never_a_server_error
    for name in alone:  # each field alone with each troublemaker, the others as rendered
        for value in NASTY:
            fuzz = example(odd={n: value if n == name else None for n in names})(fuzz)
    fuzz()


def _fuzz_all(
    client: ConsoleClient, targets: list[Target], examples: int, *, path_only: bool = False
) -> None:
    failures = []
    for target in targets:
        try:
            _fuzz(client, target, examples, path_only=path_only)
        except Exception as error:  # every target's failure, not only the first one's
            failures.append(f"{target.method} {target.path}: {str(error)[:300]}")
    assert not failures, "server errors:\n" + "\n".join(failures)
    assert client.get("/console/participants").status_code in (200, 403), "logged out midway"


def test_no_console_parameter_or_field_makes_a_server_error(console_app, world):
    admin, found = world
    pages = _get_targets(console_app, admin, found)
    forms = _form_targets(console_app, admin, found, pages)
    assert len(pages) > 35 and len(forms) > 30
    _fuzz_all(admin, pages + forms, examples=8)


def test_no_odd_value_makes_a_server_error_for_a_shop_manager(console_app, world):
    _admin, found = world
    assert found.manager is not None
    pages = _get_targets(console_app, found.manager, found)
    forms = _form_targets(console_app, found.manager, found, pages, every_form=False)
    # the fields are the admin's test's; here, reaching another shop's pages and forms
    _fuzz_all(found.manager, pages + forms, examples=3, path_only=True)
