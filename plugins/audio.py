"""Audio: PyAV decoding, and speech to text with faster-whisper or whisper.cpp."""

from ragloom.adapters.faster_whisper.settings import FasterWhisperSettings
from ragloom.adapters.pyav.settings import AUDIO_MEDIA_TYPES, AudioSettings
from ragloom.adapters.whisper_cpp.settings import WhisperCppSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.MEDIA_EXTRACTOR,
            "audio",
            lazy("ragloom.adapters.pyav.audio:open_audio_extractor"),
            AudioSettings,
            "wav, mp3, m4a, ogg, flac, opus through PyAV, transcribed by the speech_to_text adapter",
            media_types=AUDIO_MEDIA_TYPES,
            modality="audio",
            requires=(Port.SPEECH_TO_TEXT,),
        ),
        AdapterSpec(
            Port.SPEECH_TO_TEXT,
            "faster_whisper",
            lazy("ragloom.adapters.faster_whisper.speech:open_speech"),
            FasterWhisperSettings,
            "Whisper on CTranslate2 (tiny.en packaged, base by configuration), voice-activity filtered",
        ),
        AdapterSpec(
            Port.SPEECH_TO_TEXT,
            "whisper_cpp",
            lazy("ragloom.adapters.whisper_cpp.speech:open_speech"),
            WhisperCppSettings,
            "whisper.cpp (pywhispercpp) with a ggml model written by `ragloom models whisper-cpp`",
        ),
    ]
