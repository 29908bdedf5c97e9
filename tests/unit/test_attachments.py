"""An e-mail's attachments become documents of their own, linked to the message: listed under it,
found and cited on their own, stored once, counted against the quota, and deleted with it. Through
the real bootstrap with in-memory adapters."""

import dataclasses
from datetime import UTC, datetime

import pytest

from ragloom.contracts.testing.blob_store import read_bytes
from ragloom.core.errors import Conflict, NotFound
from ragloom.core.models import DEFAULT_TENANT, AnswerDone, Attachment, DocumentStatus, IngestJob, Modality
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from tests.helpers import documents as made
from tests.helpers.runtime import memory_settings

T = DEFAULT_TENANT
FARES = (
    "fares.csv",
    "text/csv; charset=windows-1252",
    "Route,Adult single\nInchmurran,£17.85\nFennick Isle,£12.40\n".encode("cp1252"),
)
NOTES = ("notes.txt", "text/plain", b"The gangway is closed for repairs until Friday.")
PROGRAM = ("tool.exe", "application/octet-stream", b"MZ\x90\x00binary")


def message(subject="Winter timetable", attachments=(FARES, NOTES, PROGRAM)):
    return made.mail(subject, "From January the first ferry leaves at 07:15.", attachments=list(attachments))


@pytest.fixture
def settings(tmp_path):
    return memory_settings(tmp_path)


async def upload(runtime, name, data):
    service = await runtime.documents()
    result = await service.upload(T, IncomingFile.from_bytes(name, data))
    await runtime.lifecycle.wait_idle()
    return await service.get(T, result.document.id)


async def test_attachments_are_documents_linked_to_their_message(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        mail = await upload(runtime, "winter.eml", message())
        service = await runtime.documents()
        assert (mail.status, mail.parent_id) == (DocumentStatus.READY, None)
        attached = await service.list(T, parent_id=mail.id)
        assert sorted(d.filename for d in attached) == ["fares.csv", "notes.txt"]  # not the program
        assert {(d.status, d.parent_id) for d in attached} == {(DocumentStatus.READY, mail.id)}
        assert len(await service.list(T)) == 3
        with pytest.raises(NotFound):
            await service.list(T.__class__("someone-else"), parent_id=mail.id)
        answer = await runtime.answer()
        done = [e async for e in answer.answer(T, "How much is an adult single fare to Inchmurran?")][-1]
        assert isinstance(done, AnswerDone) and "£17.85" in done.answer  # read in its own charset
        assert done.citations[0].source == "fares.csv"
        done = [e async for e in answer.answer(T, "When does the first ferry leave from January?")][-1]
        assert "07:15" in done.answer and done.citations[0].source == "winter.eml"
        indexed = done.citations[0].text  # the headers are scrubbed like any text
        assert "Subject: Winter timetable." in indexed and "<EMAIL_ADDRESS>" in indexed
        assert "Ailsa" not in indexed and "harbour.example" not in indexed


async def test_an_attachment_is_stored_once_however_often_it_comes(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        first = await upload(runtime, "winter.eml", message())
        again = await upload(runtime, "reply.eml", message("Re: Winter timetable", [FARES]))
        service = await runtime.documents()
        assert await service.list(T, parent_id=again.id) == []  # its fares are the first message's
        # A job run again (its process died after the message was read, before it was ready) adds
        # nothing.
        units = await runtime.units()
        async with units(T) as transaction:
            read = await transaction.documents.get(T, first.id, for_update=True)
            await transaction.documents.save(dataclasses.replace(read, status=DocumentStatus.PROCESSING))
            await transaction.commit()
        await (await runtime.get("ingest")).run(IngestJob(T, first.id, Modality.TEXT))
        assert (await service.get(T, first.id)).status == DocumentStatus.READY
        assert len(await service.list(T, parent_id=first.id)) == 2
        assert len(await service.list(T)) == 4


async def test_deleting_the_message_deletes_its_attachments(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        mail = await upload(runtime, "winter.eml", message())
        service = await runtime.documents()
        attached = await service.list(T, parent_id=mail.id)
        index, blobs = await runtime.get("vector_index"), await runtime.get("blob_store")
        assert all([await index.count(T, d.id) for d in attached])
        kept = await upload(runtime, "kept.txt", b"An unrelated note about the harbour lights.")
        await service.delete(T, mail.id)
        for document in [mail, *attached]:
            assert await index.count(T, document.id) == 0
            with pytest.raises(NotFound):
                await service.get(T, document.id)
            with pytest.raises(NotFound):
                await read_bytes(blobs, T, document.blob_key)
        assert [d.id for d in await service.list(T)] == [kept.id]


async def test_a_message_being_deleted_takes_no_attachments(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        mail = await upload(runtime, "winter.eml", message(attachments=[]))
        units = await runtime.units()
        async with units(T) as transaction:
            read = await transaction.documents.get(T, mail.id, for_update=True)
            deleting = await transaction.documents.save(
                read.moved_to(DocumentStatus.DELETING, datetime.now(UTC))
            )
            await transaction.commit()
        service = await runtime.documents()
        with pytest.raises(Conflict, match="takes no attachments"):
            await service.upload(T, IncomingFile.from_bytes(*FARES[::2]), parent=deleting)
        assert await service.attach(deleting, [Attachment(*NOTES)]) == []
        assert [d.id for d in await service.list(T)] == [mail.id]
        assert [key async for key, _ in (await runtime.get("blob_store")).keys(T, "")] == [mail.blob_key]


async def test_attachments_past_the_quota_are_left_and_the_message_is_kept(tmp_path):
    settings = memory_settings(tmp_path, quotas={"max_documents": 2})
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        mail = await upload(runtime, "winter.eml", message())
        service = await runtime.documents()
        assert mail.status == DocumentStatus.READY
        assert len(await service.list(T, parent_id=mail.id)) == 1
        assert len(await service.list(T)) == 2
