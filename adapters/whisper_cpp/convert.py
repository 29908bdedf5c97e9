"""Write a whisper.cpp (ggml) model file from a CTranslate2 Whisper model (what faster-whisper loads).

The two formats hold the same tensors under other names:
- CTranslate2 fuses the self-attention's query, key and value (and cross-attention's key and value)
  into one matrix; whisper.cpp wants them apart. Key projections have no bias in Whisper; the fused
  bias holds zeros there, dropped here.
- whisper.cpp's file starts with the hyper-parameters, the 80 mel filters (Slaney-style, as librosa
  makes them for n_fft 400 at 16 kHz) and the GPT-2 byte-level vocabulary, then every tensor:
  dims reversed, f16 for matrices and f32 for vectors, the conv biases and positional embeddings.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np

GGML_MAGIC = 0x67676D6C
TEXT_TOKENS = 50257  # the vocabulary whisper.cpp reads; it names the special tokens after it itself
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_F32 = (
    "encoder.conv1.bias",
    "encoder.conv2.bias",
    "encoder.positional_embedding",
    "decoder.positional_embedding",
)


def read_ctranslate2(path: Path) -> dict[str, np.ndarray]:
    """The variables of a CTranslate2 model.bin (binary version 4 or later), aliases resolved."""
    data = path.read_bytes()
    offset = 0

    def take(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from("<" + fmt, data, offset)
        offset += struct.calcsize("<" + fmt)
        return int(value)

    def text() -> str:
        nonlocal offset
        size = take("H")
        value = data[offset : offset + size - 1].decode()
        offset += size
        return value

    version = take("I")
    if version < 4:
        raise ValueError(f"CTranslate2 binary version {version} is too old to read")
    text()  # the spec's name
    take("I")  # its revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = text()
        shape = tuple(take("I") for _ in range(take("B")))
        dtype = take("B")
        size = take("I")
        raw = data[offset : offset + size]
        offset += size
        if dtype == 5:  # bfloat16: the high half of a float32
            array = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, _DTYPES[dtype])
        variables[name] = array.reshape(shape)
    for _ in range(take("I")):
        alias = text()
        variables[alias] = variables[text()]
    return variables


def _dequantized(variables: dict[str, np.ndarray], name: str) -> np.ndarray:
    array = variables[name]
    scale = variables.get(name + "_scale")
    if scale is not None:  # int8 weights: one scale per output row
        return array.astype(np.float32) / scale.reshape(-1, *([1] * (array.ndim - 1)))
    return array


def _hz_to_mel(frequencies: np.ndarray) -> np.ndarray:
    linear = frequencies / (200.0 / 3)
    logarithmic = 15.0 + np.log(np.maximum(frequencies, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(frequencies >= 1000.0, logarithmic, linear)


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    linear = mels * (200.0 / 3)
    logarithmic = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mels - 15.0))
    return np.where(mels >= 15.0, logarithmic, linear)


def mel_filters(n_mels: int = 80, sample_rate: int = 16000, n_fft: int = 400) -> np.ndarray:
    """Slaney-normalised triangular mel filters: those Whisper was trained with."""
    fft_frequencies = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    mel_points = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sample_rate / 2)), n_mels + 2)
    )
    widths = np.diff(mel_points)
    ramps = np.subtract.outer(mel_points, fft_frequencies)
    weights = np.zeros((n_mels, len(fft_frequencies)), dtype=np.float32)
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1]))
    weights *= (2.0 / (mel_points[2 : n_mels + 2] - mel_points[:n_mels]))[:, None]
    return weights


def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet, reversed: each printable stand-in back to its byte."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    stand_ins = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            stand_ins.append(256 + extra)
            extra += 1
    return {chr(stand_in): byte for byte, stand_in in zip(printable, stand_ins, strict=True)}


def _vocabulary(folder: Path) -> list[str]:
    if (folder / "vocabulary.json").is_file():
        return list(json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))
    return (folder / "vocabulary.txt").read_text(encoding="utf-8").split("\n")


def _tensors(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    tensors: dict[str, np.ndarray] = {}

    def take(target: str, source: str) -> None:
        tensors[target] = _dequantized(variables, source)

    def norm(target: str, source: str) -> None:
        take(target + ".weight", source + "/gamma")
        take(target + ".bias", source + "/beta")

    def linear(target: str, source: str) -> None:
        take(target + ".weight", source + "/weight")
        take(target + ".bias", source + "/bias")

    def self_attention(target: str, source: str) -> None:
        norm(target + ".attn_ln", source + "/layer_norm")
        query, key, value = np.split(_dequantized(variables, source + "/linear_0/weight"), 3)
        query_bias, _, value_bias = np.split(variables[source + "/linear_0/bias"], 3)
        tensors.update(
            {
                target + ".attn.query.weight": query,
                target + ".attn.query.bias": query_bias,
                target + ".attn.key.weight": key,
                target + ".attn.value.weight": value,
                target + ".attn.value.bias": value_bias,
            }
        )
        linear(target + ".attn.out", source + "/linear_1")

    def cross_attention(target: str, source: str) -> None:
        norm(target + ".cross_attn_ln", source + "/layer_norm")
        linear(target + ".cross_attn.query", source + "/linear_0")
        key, value = np.split(_dequantized(variables, source + "/linear_1/weight"), 2)
        _, value_bias = np.split(variables[source + "/linear_1/bias"], 2)
        tensors.update(
            {
                target + ".cross_attn.key.weight": key,
                target + ".cross_attn.value.weight": value,
                target + ".cross_attn.value.bias": value_bias,
            }
        )
        linear(target + ".cross_attn.out", source + "/linear_2")

    def feed_forward(target: str, source: str) -> None:
        norm(target + ".mlp_ln", source + "/ffn/layer_norm")
        linear(target + ".mlp.0", source + "/ffn/linear_0")
        linear(target + ".mlp.2", source + "/ffn/linear_1")

    take("encoder.positional_embedding", "encoder/position_encodings/encodings")
    for conv in ("conv1", "conv2"):
        take(f"encoder.{conv}.weight", f"encoder/{conv}/weight")
        tensors[f"encoder.{conv}.bias"] = variables[f"encoder/{conv}/bias"].reshape(-1, 1)
    norm("encoder.ln_post", "encoder/layer_norm")
    for i in range(_layers(variables, "encoder")):
        self_attention(f"encoder.blocks.{i}", f"encoder/layer_{i}/self_attention")
        feed_forward(f"encoder.blocks.{i}", f"encoder/layer_{i}")
    take("decoder.positional_embedding", "decoder/position_encodings/encodings")
    take("decoder.token_embedding.weight", "decoder/embeddings/weight")
    norm("decoder.ln", "decoder/layer_norm")
    for i in range(_layers(variables, "decoder")):
        self_attention(f"decoder.blocks.{i}", f"decoder/layer_{i}/self_attention")
        cross_attention(f"decoder.blocks.{i}", f"decoder/layer_{i}/attention")
        feed_forward(f"decoder.blocks.{i}", f"decoder/layer_{i}")
    return tensors


def _layers(variables: dict[str, np.ndarray], stack: str) -> int:
    return len({match.group(1) for name in variables if (match := re.match(rf"{stack}/layer_(\d+)/", name))})


def convert(folder: Path, output: Path) -> int:
    """Write the ggml model of the CTranslate2 Whisper model in `folder`; return the tensor count."""
    variables = read_ctranslate2(folder / "model.bin")
    tensors = _tensors(variables)
    width = variables["encoder/conv1/weight"].shape[0]
    hyper = [
        variables["decoder/embeddings/weight"].shape[0],
        variables["encoder/position_encodings/encodings"].shape[0],
        width,
        int(variables["encoder/num_heads"]),
        _layers(variables, "encoder"),
        variables["decoder/position_encodings/encodings"].shape[0],
        width,
        int(variables["decoder/num_heads"]),
        _layers(variables, "decoder"),
        variables["encoder/conv1/weight"].shape[1],
        1,  # f16
    ]
    to_bytes = _byte_decoder()
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as out:
        out.write(struct.pack("<12i", GGML_MAGIC, *hyper))
        filters = mel_filters(n_mels=hyper[9])
        out.write(struct.pack("<ii", *filters.shape))
        out.write(filters.astype("<f4").tobytes())
        tokens = _vocabulary(folder)[:TEXT_TOKENS]
        out.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            raw = bytes(to_bytes[c] for c in token)
            out.write(struct.pack("<i", len(raw)) + raw)
        for name, array in tensors.items():
            as_f32 = array.ndim < 2 or name in _F32
            data = np.ascontiguousarray(array.astype("<f4" if as_f32 else "<f2"))
            encoded = name.encode()
            out.write(struct.pack("<iii", data.ndim, len(encoded), 0 if as_f32 else 1))
            out.write(struct.pack(f"<{data.ndim}i", *reversed(data.shape)))
            out.write(encoded + data.tobytes())
    partial.replace(output)
    return len(tensors)
