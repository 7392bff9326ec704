from marshmallow import Schema, fields, validate

from server.schemas.common import StrictSchema


class LoginSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    device_id = fields.String(validate=validate.Length(min=1, max=100))


class TokensSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    expires_in = fields.Integer(metadata={"description": "Seconds the access token is good for."})
    token_type = fields.String()
