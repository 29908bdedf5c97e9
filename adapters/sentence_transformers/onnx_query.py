"""One-text query embeddings through ONNX Runtime.

The loaded model is exported in memory (no file, no download) at start; for a single short query it
runs about twice as fast as eager PyTorch on a small CPU, with the same vector. Batches of documents
stay on PyTorch, where both are equally fast.
"""

from __future__ import annotations

import copy
import io
import warnings
from typing import Any

import numpy as np


def _pooling_mode(model: Any) -> str | None:
    if len(model) not in (2, 3):
        return None
    config = model[1].get_config_dict()
    mode = config.get("pooling_mode")
    if mode is None and config.get("pooling_mode_mean_tokens"):
        mode = "mean"
    return mode


class OnnxQueryEncoder:
    def __init__(
        self, session: Any, tokenizer: Any, inputs: list[str], max_length: int, normalize: bool
    ) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = inputs
        self._max_length = max_length
        self._normalize = normalize

    @classmethod
    def build(cls, model: Any, threads: int) -> OnnxQueryEncoder | None:
        """An encoder for mean-pooled transformer models; None for any other architecture."""
        if _pooling_mode(model) != "mean":
            return None
        import onnxruntime
        import torch

        transformer = model[0].auto_model.eval()
        # A private tokenizer: the document thread uses the model's own at the same time.
        tokenizer = copy.deepcopy(model.tokenizer)
        sample = tokenizer(["a short sample query"], return_tensors="pt")
        names = list(sample.keys())

        class Wrapper(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = transformer

            def forward(self, *args: Any) -> Any:
                return self.inner(**dict(zip(names, args, strict=True))).last_hidden_state

        buffer = io.BytesIO()
        axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "hidden"]}
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Wrapper(),
                tuple(sample[name] for name in names),
                buffer,  # type: ignore[arg-type]  # typed as a path; dynamo=False writes to a file object too
                input_names=names,
                output_names=["hidden"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle pool threads would spin after each query, waiting for the next: at 30 questions a
        # second that kept a whole core busy, taken from the rest of the request.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
        normalize = len(model) == 3
        return cls(session, tokenizer, names, int(model.max_seq_length), normalize)

    def encode(self, text: str) -> list[float]:
        encoded = self._tokenizer([text], return_tensors="np", truncation=True, max_length=self._max_length)
        feeds = {name: encoded[name].astype(np.int64) for name in self._inputs}
        hidden = self._session.run(None, feeds)[0]
        mask = encoded["attention_mask"][..., None].astype(hidden.dtype)
        vector = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        if self._normalize:
            vector = vector / np.maximum(np.linalg.norm(vector, axis=1, keepdims=True), 1e-12)
        return vector[0].tolist()
