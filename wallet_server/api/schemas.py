"""Request and response schemas; they are also the OpenAPI spec."""

from apiflask import Schema
from apiflask.fields import DateTime, Integer, Nested, String
from apiflask.validators import Length, Regexp


class HealthOut(Schema):
    status = String(required=True)
    database = String(required=True)


class LoginIn(Schema):
    username = String(required=True, validate=Length(1, 80))
    password = String(required=True, validate=Length(1, 200))
    totp = String(required=True, validate=Regexp(r"^\s*\d{3}\s?\d{3}\s*$"))


class UserOut(Schema):
    id = Integer(required=True)
    username = String(required=True)
    display_name = String(required=True)
    role = String(required=True)
    shop_id = Integer(allow_none=True)


class LoginOut(Schema):
    token = String(required=True)
    expires_at = DateTime(required=True)
    user = Nested(UserOut, required=True)
