"""Read a multipart upload as a stream with a hard size cap and a pace: the file part is spooled to
disk by the parser (1 MB in memory at most), so a large upload never sits in memory whole, and a
client that sends too slowly is cut off with 408 instead of holding an upload slot for as long as it
likes. Upload slots are counted per tenant as well as per server."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from ragloom.core.errors import (
    InvalidInput,
    PayloadTooLarge,
    ProviderUnavailable,
    TooManyUploads,
    TooSlow,
)
from ragloom.core.models import TenantId
from ragloom.core.streams import CHUNK_BYTES, IncomingFile

from ..settings import HttpSettings

MULTIPART_OVERHEAD = 64 * 1024
MAX_PART_HEADER_BYTES = 4096 + 128  # python-multipart's limit on one header line of a part
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True, slots=True)
class Pace:
    """How slowly a request body may arrive: on average at least `min_bytes_per_second` once
    `grace_seconds` have passed (0: no minimum), never silent for `idle_seconds`, and whole within
    `deadline_seconds`."""

    min_bytes_per_second: int
    grace_seconds: float
    idle_seconds: float
    deadline_seconds: float

    @classmethod
    def of(cls, http: HttpSettings) -> Pace:
        return cls(
            http.upload_min_bytes_per_second,
            http.upload_grace_seconds,
            http.upload_idle_seconds,
            http.upload_deadline_seconds,
        )


class _Pacer:
    """The time left for a body's next piece, and the reason when it does not come in time."""

    def __init__(self, pace: Pace, clock: Callable[[], float]) -> None:
        self._pace, self._clock = pace, clock
        self.started = self.last = clock()
        self.received = 0

    def cutoffs(self) -> list[tuple[float, str]]:
        pace, elapsed = self._pace, max(self._clock() - self.started, 1e-9)
        cutoffs = [
            (
                self.last + pace.idle_seconds,
                f"nothing arrived for {pace.idle_seconds:g} s (http.upload_idle_seconds)",
            ),
            (
                self.started + pace.deadline_seconds,
                f"it took over {pace.deadline_seconds:g} s (http.upload_deadline_seconds)",
            ),
        ]
        if pace.min_bytes_per_second:
            rate = self.received / elapsed
            cutoffs.append(
                (
                    self.started + max(pace.grace_seconds, self.received / pace.min_bytes_per_second),
                    f"it arrived at {rate:.0f} bytes/s, under the minimum of {pace.min_bytes_per_second} "
                    "(http.upload_min_bytes_per_second)",
                )
            )
        return cutoffs

    def arrived(self, size: int) -> None:
        self.received += size
        if size:
            self.last = self._clock()


def _paced(request: Request, limit: int, pace: Pace, clock: Callable[[], float]) -> Request:
    """The same request, whose body stream raises PayloadTooLarge once it passes `limit` bytes and
    TooSlow when its next piece does not arrive in time."""
    pacer = _Pacer(pace, clock)

    async def receive() -> Message:
        due, reason = min(pacer.cutoffs())
        try:
            message = await asyncio.wait_for(request.receive(), max(due - clock(), 0))
        except TimeoutError:
            raise TooSlow(f"the upload was cut off: {reason}") from None
        if message["type"] == "http.request":
            pacer.arrived(len(message.get("body", b"")))
            if pacer.received > limit:
                raise PayloadTooLarge(
                    f"the request is over the maximum upload of {limit - MULTIPART_OVERHEAD} bytes"
                )
        return message

    return Request(request.scope, receive)


def _declared_size(request: Request) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    try:
        return int(declared)
    except ValueError:
        raise InvalidInput("Content-Length is not a number") from None


def _multipart_problem(error: HTTPException) -> str:
    """What is wrong with the body, from the multipart parser's own error (Starlette wraps it in
    errors of its own that say less)."""
    innermost: BaseException = error
    while (inner := innermost.__cause__ or innermost.__context__) is not None:
        innermost = inner
    cause = str(innermost) or str(error.detail)
    if "header size" in cause:
        return (
            f"a part's header line is over {MAX_PART_HEADER_BYTES} bytes: a file name that long is "
            "refused (names are kept to 255 characters); send a shorter one"
        )
    return f"malformed multipart body: {cause}"


def _reader(item: UploadFile) -> IncomingFile:
    async def chunks() -> AsyncIterator[bytes]:
        await item.seek(0)
        while data := await item.read(CHUNK_BYTES):
            yield data

    return IncomingFile(item.filename or "upload", item.content_type, chunks)


@asynccontextmanager
async def read_upload(
    request: Request,
    max_bytes: int,
    pace: Pace,
    field: str = "file",
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[IncomingFile]:
    """The one file of field `field`, spooled; 400 for a malformed or wrong-type body, 413 when too
    big, 408 when it arrives too slowly. The spooled file is removed when the context exits."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise InvalidInput(f"send the document as multipart/form-data with the file in field {field!r}")
    limit = max_bytes + MULTIPART_OVERHEAD
    declared = _declared_size(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge(f"the request is {declared} bytes; the maximum upload is {max_bytes}")
    try:
        form = await _paced(request, limit, pace, clock).form(max_files=1, max_fields=16)
    except HTTPException as error:
        raise InvalidInput(_multipart_problem(error)) from None
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"malformed multipart body: {error}") from None
    try:
        item = form.get(field)
        if not isinstance(item, UploadFile):
            raise InvalidInput(f"multipart field {field!r} with a file is required")
        yield _reader(item)
    finally:
        await form.close()


class UploadSlots:
    """Upload bodies received at once: at most `total` on the server (503 past it) and `per_tenant`
    for any one tenant (429 past it), so one tenant's uploads never take every slot."""

    def __init__(self, total: int, per_tenant: int) -> None:
        self._total, self._per_tenant = total, per_tenant
        self._busy: Counter[TenantId] = Counter()

    @contextmanager
    def taken(self, tenant: TenantId) -> Iterator[None]:
        if self._busy.total() >= self._total:
            raise ProviderUnavailable(
                f"the server is receiving {self._total} uploads already (http.max_concurrent_uploads): "
                "try again shortly"
            )
        if self._busy[tenant] >= self._per_tenant:
            raise TooManyUploads(
                f"this tenant is sending {self._per_tenant} uploads already "
                "(http.max_concurrent_uploads_per_tenant): wait for one to finish",
                retry_after=RETRY_AFTER_SECONDS,
            )
        self._busy[tenant] += 1
        try:
            yield
        finally:
            self._busy[tenant] -= 1
            if not self._busy[tenant]:
                del self._busy[tenant]
