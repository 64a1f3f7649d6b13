"""Profile changes, avatars and the start of an account deletion."""

import io
import uuid

from PIL import Image
from sqlalchemy import select
from user_test_helpers import image_bytes, join, join_and_login

from greenmarket.infra.images import MAX_UPLOAD_BYTES
from greenmarket.infra.messaging.tables import OUTBOX
from greenmarket.user.models import users


def media_path(settings, url: str):
    assert url.startswith("/media/avatars/") and url.endswith(".jpg")
    return settings.media_root / url.removeprefix("/media/")


async def test_patch_changes_text_fields_with_korean(client):
    me = await join_and_login(client, 1)
    response = await client.patch(f"/api/user/{me['id']}", data={"nickname": "새싹농부", "address2": "강남구"})
    assert response.status_code == 200
    user = response.json()["user"]
    assert (user["nickname"], user["address1"], user["address2"]) == ("새싹농부", "서울특별시", "강남구")
    assert (await client.get(f"/api/user/{me['id']}")).json()["nickname"] == "새싹농부"


async def test_patch_requires_a_token_and_is_self_only(client, new_client):
    me = await join_and_login(client, 1)
    async with new_client() as anonymous:
        assert (await anonymous.patch(f"/api/user/{me['id']}", data={"nickname": "남의것"})).status_code == 401
    other = await join(client, 2)
    response = await client.patch(f"/api/user/{other['id']}", data={"nickname": "남의것"})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    response = await client.patch(f"/api/user/{other['id']}", files={"profileImage": ("a.png", image_bytes())})
    assert response.status_code == 403


async def test_patch_validates_fields(client):
    me = await join_and_login(client, 1)
    for data in ({"nickname": "가" * 31}, {"nickname": "x"}, {"address1": ""}, {"address2": "구" * 31}):
        response = await client.patch(f"/api/user/{me['id']}", data=data)
        assert response.status_code == 422, data
        assert response.json()["errors"][0]["field"] in data
    json_body = await client.patch(f"/api/user/{me['id']}", json={"nickname": "제이슨"})
    assert json_body.status_code == 415
    not_a_file = await client.patch(f"/api/user/{me['id']}", data={"profileImage": "hello"})
    assert not_a_file.status_code == 422


async def test_a_deleted_account_is_gone_for_its_old_token(client, app):
    me = await join_and_login(client, 1)
    async with app.state.user_service.sessionmaker() as session, session.begin():
        await session.execute(users.update().where(users.c.id == me["id"]).values(status="DELETED"))
    assert (await client.patch(f"/api/user/{me['id']}", data={"nickname": "유령"})).status_code == 404
    assert (await client.delete(f"/api/user/{me['id']}")).status_code == 404
    assert (await client.get("/api/user/auth")).status_code == 401


async def test_avatar_is_reencoded_to_256px_without_exif_and_the_old_file_is_deleted(client, settings):
    me = await join_and_login(client, 1)
    first = await client.patch(
        f"/api/user/{me['id']}",
        files={"profileImage": ("photo.gif", image_bytes("JPEG", (1024, 768), exif=True), "image/gif")},
    )
    assert first.status_code == 200, first.text
    first_url = first.json()["user"]["profileImageUrl"]
    stored = media_path(settings, first_url)
    with Image.open(io.BytesIO(stored.read_bytes())) as image:
        assert image.format == "JPEG" and max(image.size) == 256 and image.size == (256, 192)
        assert not image.getexif() and b"SecretCam" not in stored.read_bytes()

    second = await client.patch(
        f"/api/user/{me['id']}", files={"profileImage": ("p.png", image_bytes("PNG", (100, 100)), "image/png")}
    )
    second_url = second.json()["user"]["profileImageUrl"]
    assert second_url != first_url
    assert media_path(settings, second_url).exists() and not stored.exists()
    assert (await client.get(f"/api/user/{me['id']}")).json()["profileImageUrl"] == second_url


async def test_avatar_refuses_non_images_and_oversized_files(client, settings):
    me = await join_and_login(client, 1)
    fake = await client.patch(
        f"/api/user/{me['id']}", files={"profileImage": ("cat.png", b"<?php echo 'hi'; ?>", "image/png")}
    )
    assert fake.status_code == 415 and fake.headers["content-type"] == "application/problem+json"
    huge = await client.patch(
        f"/api/user/{me['id']}", files={"profileImage": ("big.png", b"\0" * (MAX_UPLOAD_BYTES + 1), "image/png")}
    )
    assert huge.status_code == 413
    avatars = settings.media_root / "avatars"
    assert not avatars.exists() or not any(avatars.iterdir())
    assert (await client.get(f"/api/user/{me['id']}")).json()["profileImageUrl"] is None


async def test_delete_starts_the_deletion_saga_once(client, app):
    me = await join_and_login(client, 1)
    response = await client.delete(f"/api/user/{me['id']}")
    assert response.status_code == 202
    saga_id = response.json()["sagaId"]
    uuid.UUID(saga_id)
    again = await client.delete(f"/api/user/{me['id']}")
    assert again.status_code == 409

    async with app.state.user_service.sessionmaker() as session:
        row = (await session.execute(select(users.c.status, users.c.deletion_saga_id))).one()
        events = (await session.execute(select(OUTBOX.c.topic, OUTBOX.c.envelope).order_by(OUTBOX.c.id))).all()
    assert (row.status, row.deletion_saga_id) == ("DELETING", saga_id)
    requested = [e for t, e in events if e["type"] == "AccountDeletionRequested"]
    assert len(requested) == 1 and events[-1].topic == "user.events"
    assert requested[0]["payload"] == {"userId": me["id"], "sagaId": saga_id}
    assert requested[0]["aggregateId"] == str(me["id"])


async def test_delete_is_self_only_and_needs_a_token(client, new_client):
    me = await join_and_login(client, 1)
    other = await join(client, 2)
    assert (await client.delete(f"/api/user/{other['id']}")).status_code == 403
    async with new_client() as anonymous:
        assert (await anonymous.delete(f"/api/user/{me['id']}")).status_code == 401
