"""SpeechToText on whisper.cpp (through pywhispercpp), and the converter that writes its ggml model
from the packaged CTranslate2 weights (no ggml weights exist on any package registry)."""
