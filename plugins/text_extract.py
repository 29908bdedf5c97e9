"""Documents: plain text, Markdown, HTML, CSV, PDF, Word, PowerPoint, Excel and e-mail."""

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
            description=(
                "txt, md, html, csv, pdf (pypdf; scanned pages and pictures read by OCR), docx "
                "(python-docx), pptx (python-pptx), xlsx (openpyxl), eml (email)"
            ),
            media_types=TEXT_MEDIA_TYPES,
            modality="text",
            requires=(Port.TEXT_RECOGNIZER,),
        )
    ]
