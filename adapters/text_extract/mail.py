"""E-mail (.eml, the standard library's `email`): the headers that matter (from, to, cc, date,
subject) and the names of the attachments as the first lines, then the body (plain text, else HTML)
and any forwarded message (attached whole) under its file name. The subject is the title. Every other
attachment is handed on, to be ingested as a document of its own linked to the message. Names and
addresses in the headers are text like any other: the scrubber masks them before indexing."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from collections.abc import Callable, Iterator
from email.message import EmailMessage, MIMEPart

from ragloom.core.errors import ExtractionFailed
from ragloom.core.media import safe_filename
from ragloom.core.models import Attachment, Extraction, Segment
from ragloom.core.text import normalize_space

from .formats import Budget

Parse = Callable[[bytes, str, Budget], Extraction]
_HEADERS = ("From", "To", "Cc", "Date", "Subject")
MAX_NESTING = 3  # a message attached to a message attached to a message ...


def _header_lines(message: EmailMessage) -> list[str]:
    lines = []
    for name in _HEADERS:
        try:
            value = message.get(name)
        except (ValueError, TypeError, IndexError):  # a header the parser cannot make sense of
            value = message.get_all(name, failobj=[None])[0]
        if value:
            lines.append(_field(name, " ".join(str(value).split())))
    return lines


def _field(name: str, value: str) -> str:
    """A header as a line that ends as a sentence does, so a short message's body is read as its own
    sentence rather than as one more line of a list."""
    return f"{name}: {value}" if value.endswith((".", "!", "?")) else f"{name}: {value}."


def _body(part: MIMEPart | None, budget: Budget, parse: Parse) -> str:
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        return "\n\n".join(s.text for s in parse(content.encode("utf-8"), "text/html", budget).segments)
    budget.add_text(content)
    return normalize_space(content)


def mail(data: bytes, budget: Budget, parse: Parse, depth: int = 0) -> Extraction:
    """The message's headers and body as its text, a forwarded message (attached whole) read into it,
    and every other attachment handed on to be ingested as a document of its own."""
    if depth > MAX_NESTING:
        raise ExtractionFailed(f"the e-mail nests messages over {MAX_NESTING} deep")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except (ValueError, TypeError, IndexError, LookupError) as error:
        raise ExtractionFailed(f"the e-mail could not be read: {error}") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ExtractionFailed("the e-mail could not be read: it has no headers")
    try:
        body_part = message.get_body(preferencelist=("plain", "html"))
        head = _header_lines(message)
        body = _body(body_part, budget, parse)
    except (LookupError, ValueError) as error:  # an unknown charset, a broken transfer encoding
        raise ExtractionFailed(f"the e-mail's body could not be read: {error}") from None
    parts = list(_attachments(message, body_part))
    limit = budget.settings.max_attachments
    if len(parts) > limit:
        raise ExtractionFailed(
            f"the e-mail has {len(parts)} attachments, over the limit of {limit} "
            "(plugins.media_extractor.text.max_attachments)"
        )
    files: list[Attachment] = []
    forwarded: list[Segment] = []
    for part in parts:
        found = _attachment(part, budget, parse, depth)
        if isinstance(found, Attachment):
            files.append(found)
        else:
            forwarded += found.segments
            files += found.attachments
    if files:
        head.append(_field("Attachments", ", ".join(file.filename for file in files)))
    segments = [Segment(normalize_space("\n\n".join([*head, body]))), *forwarded]
    subject = " ".join(str(message.get("Subject") or "").split()) or None
    return Extraction([s for s in segments if s.text], title=subject, attachments=files)


def _attachments(part: MIMEPart, body: MIMEPart | None) -> Iterator[MIMEPart]:
    """The part's attachments. A part made of parts (a message a mailing list wrapped with its footer,
    say) is no file: its attachments come instead, and its text unless that is the message's body."""
    for found in part.iter_attachments():
        if found.get_content_maintype() != "multipart" or not found.is_multipart():
            yield found
            continue
        text = found.get_body(preferencelist=("plain", "html"))
        if text is not None and text is not body:
            yield text
        yield from _attachments(found, body)


def _data(part: MIMEPart) -> bytes:
    """The part's bytes as sent (text in its own charset); a message/* part the parser split into
    blocks (a bounce's delivery-status) as those blocks."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    return b"".join(block.as_bytes() for block in part.iter_parts())


def _attachment(part: MIMEPart, budget: Budget, parse: Parse, depth: int) -> Attachment | Extraction:
    """A forwarded message, read (its text headed by its file name); any other file as it came."""
    name = safe_filename(part.get_filename() or "attachment")
    if part.get_content_type() != "message/rfc822":
        charset = part.get_content_charset()
        declared = part.get_content_type() + (f"; charset={charset}" if charset else "")
        return Attachment(name, declared, _data(part))
    try:
        content = part.get_content()
    except (LookupError, ValueError, KeyError) as error:
        return Extraction([Segment(f"Attachment {name}: could not be decoded ({error}).")])
    found = mail(content.as_bytes(), budget, parse, depth + 1)
    segments = [Segment(f"Attachment {name}:\n\n{s.text}") for s in found.segments]
    return dataclasses.replace(found, segments=segments)
