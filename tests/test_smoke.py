def test_login_and_me(client, world):
    from tests.factories import PASSWORD

    r = client.post("/api/v1/auth/login", json={"email": world.a.operative.email, "password": PASSWORD})
    assert r.status_code == 200, r.json
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json['access_token']}"})
    assert me.json["email"] == world.a.operative.email


def test_visits_scoped(client, world, auth_headers):
    r = client.get("/api/v1/visits", headers=auth_headers(world.a.operative))
    assert [v["id"] for v in r.json["items"]] == [str(world.a.visit.id)]
    r = client.get(f"/api/v1/visits/{world.b.visit.id}", headers=auth_headers(world.a.operative))
    assert r.status_code == 404
