"""The ChatModel port on a GGUF model run in-process by llama-cpp-python (an optional extra)."""
