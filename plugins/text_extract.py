"""Text documents: plain text, Markdown, HTML, PDF."""

from ragloom.adapters.text_extract import TEXT_MEDIA_TYPES, open_text_extractor
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "text",
            open_text_extractor,
            description="txt, md, html (BeautifulSoup), pdf (pypdf, with page numbers), docx (python-docx)",
            media_types=TEXT_MEDIA_TYPES,
            modality="text",
        )
    ]
