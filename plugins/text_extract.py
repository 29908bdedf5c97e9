"""Text documents: plain text, Markdown, HTML, PDF and Word."""

from ragloom.adapters.text_extract.media_types import TEXT_MEDIA_TYPES, TextExtractSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "text",
            lazy("ragloom.adapters.text_extract.extractor:open_text_extractor"),
            TextExtractSettings,
            description="txt, md, html (BeautifulSoup), pdf (pypdf, with page numbers), docx (python-docx)",
            media_types=TEXT_MEDIA_TYPES,
            modality="text",
        )
    ]
