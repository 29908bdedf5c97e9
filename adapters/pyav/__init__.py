"""MediaExtractor for audio: PyAV (FFmpeg's libraries, no ffmpeg binary) decodes and resamples;
the configured SpeechToText adapter transcribes."""
