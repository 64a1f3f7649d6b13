"""Sign-up, the email check and public profiles (CONTRACT §User)."""

from user_test_helpers import PASSWORD, join, join_and_login, join_body

PUBLIC_KEYS = {"id", "nickname", "address1", "address2", "profileImageUrl", "createdAt", "tradeCount", "reviewCount"}


async def test_join_answers_201_with_the_user_and_round_trips_korean(client):
    response = await client.post(
        "/api/user/join",
        json=join_body(email="Kim@Example.com", nickname="김초록", address1="부산광역시", address2="해운대구"),
    )
    assert response.status_code == 201
    user = response.json()["user"]
    assert set(user) == PUBLIC_KEYS | {"email", "role"}
    assert (user["nickname"], user["address1"], user["address2"]) == ("김초록", "부산광역시", "해운대구")
    assert user["email"] == "kim@example.com" and user["role"] == "user"
    assert user["createdAt"].endswith("Z") and user["tradeCount"] == 0
    assert PASSWORD not in response.text and "argon2" not in response.text
    assert "set-cookie" not in response.headers  # joining does not sign in
    profile = (await client.get(f"/api/user/{user['id']}")).json()
    assert profile["nickname"] == "김초록" and profile["address2"] == "해운대구"


async def test_join_refuses_a_taken_email_whatever_its_case(client):
    await join(client, 1)
    response = await client.post("/api/user/join", json=join_body(1, email="USER1@example.com"))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_join_validates_every_field(client):
    cases = {
        "email": [{"email": "not-an-email"}, {"email": "a" * 40 + "@example.com"}],
        "password": [{"password": "short"}, {"password": "p" * 73}],
        "nickname": [{"nickname": "김"}, {"nickname": "가" * 31}, {"nickname": "   "}],
        "address1": [{"address1": ""}, {"address1": "서" * 31}],
        "address2": [{"address2": "구" * 31}],
    }
    for field, overrides in cases.items():
        for override in overrides:
            response = await client.post("/api/user/join", json=join_body(**override))
            assert response.status_code == 422, (override, response.text)
            assert field in [e["field"] for e in response.json()["errors"]]
    missing = {k: v for k, v in join_body().items() if k != "nickname"}
    assert (await client.post("/api/user/join", json=missing)).status_code == 422


async def test_malformed_json_is_a_422_problem(client):
    response = await client.post(
        "/api/user/join", content=b'{"email": "a@b.co",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    broken = await client.post("/api/user/login", content=b"[1,2", headers={"content-type": "application/json"})
    assert broken.status_code == 422


async def test_valid_tells_whether_an_email_is_registered(client):
    await join(client, 1)
    assert (await client.get("/api/user/valid", params={"email": "user1@example.com"})).json() == {"exists": True}
    assert (await client.get("/api/user/valid", params={"email": "User1@Example.com"})).json() == {"exists": True}
    assert (await client.get("/api/user/valid", params={"email": "nobody@example.com"})).json() == {"exists": False}
    assert (await client.get("/api/user/valid")).status_code == 422
    assert (await client.get("/api/user/valid", params={"email": "nope"})).status_code == 422


async def test_public_profile_hides_the_email_unless_it_is_you(client, new_client):
    me = await join_and_login(client, 1)
    async with new_client() as stranger:
        public = await stranger.get(f"/api/user/{me['id']}")
        assert public.status_code == 200
        assert set(public.json()) == PUBLIC_KEYS
        assert "user1@example.com" not in public.text
    own = (await client.get(f"/api/user/{me['id']}")).json()
    assert own["email"] == "user1@example.com" and own["role"] == "user"


async def test_profile_errors(client):
    assert (await client.get("/api/user/999999")).status_code == 404
    assert (await client.get("/api/user/abc")).status_code == 422


async def test_profiles_by_ids_keep_the_order_and_skip_unknown_ids(client):
    first, second = await join(client, 1), await join(client, 2)
    response = await client.get("/api/user", params={"ids": f"{second['id']},999999,{first['id']},{second['id']}"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [second["id"], first["id"]]
    assert all(set(item) == PUBLIC_KEYS for item in items)
    assert "@" not in response.text and "password" not in response.text.lower()


async def test_profiles_by_ids_validate_the_list(client):
    for ids in ["", "1,x", "-1", ",".join(str(i) for i in range(1, 102)), "99999999999"]:
        response = await client.get("/api/user", params={"ids": ids})
        assert response.status_code == 422, ids
    assert (await client.get("/api/user")).status_code == 422
    hundred = ",".join(str(i) for i in range(1, 101))
    assert (await client.get("/api/user", params={"ids": hundred})).status_code == 200
