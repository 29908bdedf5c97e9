"""The ChatModel port on any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, OpenAI)."""
