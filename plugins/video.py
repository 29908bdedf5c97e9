"""Videos: the audio track through the speech adapter, keyframes through OCR (PyAV, RapidOCR)."""

from ragloom.adapters.pyav.video_settings import VIDEO_MEDIA_TYPES, VideoSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "video",
            lazy("ragloom.adapters.pyav.video:open_video_extractor"),
            VideoSettings,
            "mp4, webm, mkv, mov: the audio track transcribed, keyframes read by OCR, each timed",
            media_types=VIDEO_MEDIA_TYPES,
            modality="video",
            requires=(Port.SPEECH_TO_TEXT, Port.TEXT_RECOGNIZER),
        )
    ]
