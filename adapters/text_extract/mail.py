"""E-mail (.eml, the standard library's `email`): the headers that matter (from, to, cc, date,
subject) as the first lines, the body (plain text, else HTML), then each attachment in a format
ragloom reads, as text of the message under its file name. The subject is the title. Names and
addresses in the headers are text like any other: the scrubber masks them before indexing."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.media import detect_media_type, resolve_media_type, safe_filename
from ragloom.core.models import Extraction, Segment
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
            lines.append(f"{name}: {' '.join(str(value).split())}")
    return lines


def _body(message: EmailMessage, budget: Budget, parse: Parse) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        return "\n\n".join(s.text for s in parse(content.encode("utf-8"), "text/html", budget).segments)
    budget.add_text(content)
    return normalize_space(content)


def mail(data: bytes, budget: Budget, parse: Parse, depth: int = 0) -> Extraction:
    if depth > MAX_NESTING:
        raise ExtractionFailed(f"the e-mail nests messages over {MAX_NESTING} deep")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except (ValueError, TypeError, IndexError, LookupError) as error:
        raise ExtractionFailed(f"the e-mail could not be read: {error}") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ExtractionFailed("the e-mail could not be read: it has no headers")
    try:
        head = _header_lines(message)
        body = _body(message, budget, parse)
    except (LookupError, ValueError) as error:  # an unknown charset, a broken transfer encoding
        raise ExtractionFailed(f"the e-mail's body could not be read: {error}") from None
    segments = [Segment(normalize_space("\n\n".join([*head, body])))]
    limits = budget.settings
    for count, attachment in enumerate(message.iter_attachments(), start=1):
        if count > limits.max_attachments:
            raise ExtractionFailed(
                f"the e-mail has over {limits.max_attachments} attachments "
                "(plugins.media_extractor.text.max_attachments)"
            )
        segments += _attachment(attachment, budget, parse, depth)
    subject = " ".join(str(message.get("Subject") or "").split()) or None
    return Extraction([s for s in segments if s.text], title=subject)


def _attachment(part: EmailMessage, budget: Budget, parse: Parse, depth: int) -> list[Segment]:
    """An attachment's text, each segment headed by its file name; a format ragloom does not read
    is named and left out."""
    name = safe_filename(part.get_filename() or "attachment")
    try:
        content = part.get_content()
    except (LookupError, ValueError, KeyError) as error:
        return [Segment(f"Attachment {name}: could not be decoded ({error}).")]
    if isinstance(content, EmailMessage):
        data, media_type = content.as_bytes(), "message/rfc822"
    else:
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        media_type = resolve_media_type(detect_media_type(name, part.get_content_type()), data[:4096])
    if media_type.startswith("image/"):
        budget.add_picture(data)  # read by OCR with the document's other pictures
        return []
    try:
        if media_type == "message/rfc822":
            found = mail(data, budget, parse, depth + 1)
        else:
            found = parse(data, media_type, budget)
    except UnsupportedMedia:
        return [Segment(f"Attachment {name} ({media_type}): a format that is not read.")]
    return [Segment(f"Attachment {name}:\n\n{s.text}") for s in found.segments]
