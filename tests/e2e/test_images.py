"""Images end to end on the shipped embedded profile: a fact written only in a picture is answered
and cited to that picture; a decompression bomb fails with the limit named, the service unharmed."""

from __future__ import annotations

from tests.e2e.scenario import upload
from tests.helpers.images import encoded, png_bomb, sign
from tests.helpers.runtime import parse_sse, wait_for_status


async def test_a_fact_written_only_in_an_image_is_answered_and_cited(client):
    notice = sign(
        ["Harbour crane safety notice", "The crane lifts at most 40 tonnes."], small="Gate code 7731"
    )
    created = await upload(client, "crane-notice.webp", encoded(notice, "WEBP"), "application/octet-stream")
    assert created.status_code == 201, created.text
    assert created.json()["media_type"] == "image/webp"
    document = await wait_for_status(client, created.json()["id"])
    assert document["status"] == "ready", document.get("error")
    response = await client.post(
        "/v1/query", json={"question": "How many tonnes can the harbour crane lift?"}
    )
    done = parse_sse(response.text)[-1][1]
    assert "40 tonnes" in done["answer"] and not done["no_answer"]
    assert done["citations"][0]["source"] == "crane-notice.webp"
    assert done["citations"][0]["media_type"] == "image/webp"
    boxes = done["citations"][0]["boxes"]
    assert boxes and all(len(box) == 4 and box[0] < box[2] and box[1] < box[3] for box in boxes)


async def test_a_decompression_bomb_fails_naming_the_limit(client):
    bomb = await upload(client, "huge.png", png_bomb(30_000, 30_000), "image/png")
    assert bomb.status_code == 201, bomb.text
    failed = await wait_for_status(client, bomb.json()["id"])
    assert failed["status"] == "failed" and "max_pixels" in failed["error"], failed
    assert (await client.get("/readyz")).status_code == 200


async def test_without_an_image_embedder_ragloom_says_so_once_at_start(caplog, client):
    said = [r for r in caplog.get_records("setup") if "no image embedder is configured" in r.getMessage()]
    assert len(said) == 1 and said[0].levelname == "WARNING"
    assert "adapters.image_embedder: open_clip" in said[0].getMessage()
