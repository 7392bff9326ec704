"""Whatever goes wrong at /v, a phone asking for JSON still reads a verdict, and a tenant's browser a page."""

import pytest

from tests import factories

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SAFE_VERDICTS = {"revoked", "suspended", "expired", "not_recognised"}


def _flood_the_booking_check(client, badge, headers) -> list:
    return [
        client.post(f"/v/{badge.token}/booked", data={"postcode": "IP33 3AA", "house": str(n)}, headers=headers)
        for n in range(6)
    ]


def test_a_rate_limited_check_still_answers_with_a_verdict(client, world):
    badge = factories.badge(world.a.operative)

    refused = _flood_the_booking_check(client, badge, JSON)[-1]

    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "rate_limited"
    assert refused.json["verdict"] == "not_recognised"


def test_a_rate_limited_tenant_reads_a_page_telling_them_to_wait_and_not_to_open_the_door(client, world):
    badge = factories.badge(world.a.operative)

    refused = _flood_the_booking_check(client, badge, BROWSER)[-1]

    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Wait a minute, then try again" in page
    assert "You do not have to let anyone in" in page


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v/{token}/booked", 405),  # the booking check is a form post
        ("GET", "/v/{token}/photo.jpg", 404),  # no photo held
        ("GET", "/v/{token}/extra/parts", 404),
        ("DELETE", "/v/{token}", 405),
        ("POST", "/v/{token}", 405),
    ],
)
def test_every_json_error_under_v_carries_a_verdict(client, world, method, path, status):
    badge = factories.badge(world.a.operative)

    answer = client.open(path.format(token=badge.token), method=method, headers=JSON)

    assert answer.status_code == status
    assert answer.json["verdict"] in SAFE_VERDICTS
    assert answer.json["status"] == status


def test_the_short_code_form_in_json_has_a_verdict_too(client):
    body = client.get("/v", headers=JSON).json

    assert body["verdict"] == "not_recognised"


def test_errors_elsewhere_carry_no_verdict(client):
    answer = client.get("/api/v1/no-such-thing", headers=JSON)

    assert answer.status_code == 404
    assert "verdict" not in answer.json


def test_a_verdict_is_never_cached_nor_framed_by_another_site(client, world):
    badge = factories.badge(world.a.operative)

    page = client.get(f"/v/{badge.token}", headers=BROWSER)
    keys = client.get("/.well-known/jwks.json")

    assert page.headers["Cache-Control"] == "no-store"  # after a revoke, the back button shows no old "genuine"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert keys.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("body", ["[1, 2]", '"27"', "{not json", "null"])
@pytest.mark.parametrize("path", ["/v", "/v/{token}/booked"])
def test_a_body_that_is_not_a_json_object_is_a_4xx_with_a_verdict(client, world, path, body):
    badge = factories.badge(world.a.operative)

    answer = client.post(
        path.format(token=badge.token), data=body, headers={**JSON, "Content-Type": "application/json"}
    )

    assert 400 <= answer.status_code < 500
    assert answer.json["verdict"] in SAFE_VERDICTS
