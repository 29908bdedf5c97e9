"""Hostile originals built at test time: small to upload, expensive to expand or parse."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import av

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)


def docx_bomb(expanded_bytes: int, zip64: bool = True) -> bytes:
    """A .docx whose word/document.xml inflates to `expanded_bytes` (DEFLATE level 9, zip64)."""
    buffer = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"
    head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=zip64) as member:
            member.write(head)
            written = len(head) + len(tail)
            block = paragraph * 256
            while written + len(block) <= expanded_bytes:
                member.write(block)
                written += len(block)
            member.write(tail)
    return buffer.getvalue()


def docx_lying_sizes(expanded_bytes: int, declared_bytes: int) -> bytes:
    """A .docx whose word/document.xml inflates to `expanded_bytes` while its local and central
    headers declare `declared_bytes` (under 2 GiB: no zip64 fields to patch)."""
    data = bytearray(docx_bomb(expanded_bytes, zip64=False))
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    data[member.header_offset + 22 : member.header_offset + 26] = declared_bytes.to_bytes(4, "little")
    directory = int.from_bytes(data[data.rfind(b"PK\x05\x06") + 16 :][:4], "little")
    entry = directory
    while data[entry : entry + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = (
            int.from_bytes(data[entry + at : entry + at + 2], "little") for at in (28, 30, 32)
        )
        if data[entry + 46 : entry + 46 + name_length] == b"word/document.xml":
            data[entry + 24 : entry + 28] = declared_bytes.to_bytes(4, "little")
        entry += 46 + name_length + extra_length + comment_length
    return bytes(data)


def docx_entity_expansion(levels: int = 10) -> bytes:
    """A .docx whose word/document.xml declares nested entities ("billion laughs")."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    )
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"<w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def html_flat(tags: int) -> bytes:
    """`tags` sibling paragraphs: quadratic for an extractor that inserts a separator per block."""
    return b"<html><body>" + b"<p>w zephyr</p>" * tags + b"</body></html>"


def html_nested(depth: int) -> bytes:
    """`depth` nested divs: deep recursion for a tree builder."""
    return b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"


def pdf_shared_stream(pages: int, stream_bytes: int) -> bytes:
    """A PDF whose `pages` pages all draw one content stream of about `stream_bytes` bytes."""
    line = b"(zephyr words amplified on every page of this document) Tj T*\n"
    body = b"BT /F1 9 Tf 11 TL 40 800 Td\n" + line * (stream_bytes // len(line)) + b"ET"
    font_id = 3 + pages
    content_id = font_id + 1
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
        + b"] /Count %d >>" % pages,
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_id, font_id)
        for _ in range(pages)
    ]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def video_of_size(path: Path, width: int, height: int, seconds: int = 2, fps: int = 1) -> Path:
    """A black H.264 video whose frames are width x height: a few hundred KB that decode to
    gigabytes when the frames are large."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        frame = av.VideoFrame(width, height, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        for number in range(seconds * fps):
            frame.pts = number
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
