"""Images: decoded by Pillow after a size check, their text read by OCR (RapidOCR)."""

from ragloom.adapters.images.settings import IMAGE_MEDIA_TYPES, ImageSettings
from ragloom.adapters.rapidocr.recognizer import RapidOcrSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "image",
            lazy("ragloom.adapters.images.extractor:open_image_extractor"),
            ImageSettings,
            "png, jpeg, webp, gif (first frame), tiff (first page): text read by the text_recognizer adapter",
            media_types=IMAGE_MEDIA_TYPES,
            modality="image",
            requires=(Port.TEXT_RECOGNIZER,),
        ),
        AdapterSpec(
            Port.TEXT_RECOGNIZER,
            "rapidocr",
            lazy("ragloom.adapters.rapidocr.recognizer:open_rapidocr"),
            RapidOcrSettings,
            "RapidOCR with the PP-OCR models of its wheel; spaces and reading order restored",
        ),
    ]
