"""Images: the text written in them, read by OCR (RapidOCR)."""

from ragloom.adapters.rapidocr.settings import IMAGE_MEDIA_TYPES, ImageSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "image",
            lazy("ragloom.adapters.rapidocr.image:open_image_extractor"),
            ImageSettings,
            "png, jpeg, webp, gif (first frame), tiff (first page): written text read by OCR (RapidOCR)",
            media_types=IMAGE_MEDIA_TYPES,
            modality="image",
        )
    ]
