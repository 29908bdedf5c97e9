"""Ports as the unit of configuration: the ports table, per-port settings, lazy vendor imports, the
adapters a worker pool opens, and the checks at start."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from contextlib import asynccontextmanager

import pytest
from pydantic import BaseModel, ConfigDict

from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.contracts import AdapterSpec, Port, hookimpl
from ragloom.contracts.errors import ConfigError
from ragloom.contracts.ports import PORTS, REQUIRED_PORTS
from ragloom.contracts.registry import PluginRegistry
from ragloom.core import ports as core_ports
from ragloom.core.models import Modality
from ragloom.entrypoints.bootstrap import open_runtime, select_adapters
from ragloom.plugins import BUILTIN_PLUGINS
from tests.helpers.runtime import memory_settings

HEAVY = (
    "torch",
    "sentence_transformers",
    "qdrant_edge",
    "qdrant_client",
    "sqlalchemy",
    "redis",
    "onnxruntime",
)


def test_every_port_has_a_protocol_with_documented_members():
    assert set(PORTS) == set(Port)
    for port, info in PORTS.items():
        assert info.protocol.__doc__, port
        assert getattr(core_ports, info.protocol.__name__) is info.protocol
        members = [
            m for m in vars(info.protocol) if not m.startswith("_") and callable(vars(info.protocol)[m])
        ]
        assert members and all(getattr(info.protocol, m).__doc__ for m in members), port
    assert Port.MEDIA_EXTRACTOR in {p for p, info in PORTS.items() if info.multiple}
    assert Port.METADATA_STORE in REQUIRED_PORTS and Port.SEMANTIC_CACHE not in REQUIRED_PORTS


def test_loading_the_registry_imports_no_vendor_library():
    script = (
        "import sys\n"
        "from ragloom.plugins import load_registry\n"
        "registry = load_registry(load_entry_points=False)\n"
        "assert registry.names(__import__('ragloom.contracts.spec').contracts.spec.Port.VECTOR_INDEX)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


class _Knobs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    colour: str


class _Other(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: int


def _plugin(name: str, specs: list[AdapterSpec]) -> types.ModuleType:
    module = types.ModuleType(name)

    @hookimpl
    def ragloom_adapters():
        return specs

    module.ragloom_adapters = ragloom_adapters
    sys.modules[name] = module
    return module


@asynccontextmanager
async def _nothing(settings):
    yield object()


def test_adapters_of_the_same_name_on_two_ports_keep_their_own_keys(tmp_path):
    _plugin(
        "twin_plugin",
        [
            AdapterSpec(Port.SEMANTIC_CACHE, "twin", _nothing, _Knobs),
            AdapterSpec(Port.RERANKER, "twin", _nothing, _Other),
        ],
    )
    try:
        registry = PluginRegistry([*BUILTIN_PLUGINS, "twin_plugin"], load_entry_points=False)
        plugins = {
            "semantic_cache": {"twin": {"colour": "blue"}},
            "reranker": {"twin": {"size": 3}},
            "job_queue": {"redis": {"url": "redis://h:6379/0"}},
        }
        settings = memory_settings(
            tmp_path, adapters={"semantic_cache": "twin", "reranker": "twin"}, plugins=plugins
        )
        selected = select_adapters(settings, registry)
        assert selected[Port.SEMANTIC_CACHE][0].settings.colour == "blue"
        assert selected[Port.RERANKER][0].settings.size == 3
        swapped = memory_settings(
            tmp_path,
            adapters={"semantic_cache": "twin", "reranker": "twin"},
            plugins={"semantic_cache": {"twin": {"size": 3}}, "reranker": {"twin": {"size": 3}}},
        )
        with pytest.raises(
            ConfigError, match=r"plugins.semantic_cache.twin.size: unknown key; valid keys: colour"
        ):
            select_adapters(swapped, registry)
    finally:
        sys.modules.pop("twin_plugin")


async def test_the_index_takes_the_embedders_dimension_in_a_space_named_by_it(tmp_path):
    settings = memory_settings(
        tmp_path,
        plugins={"text_embedder": {"hashing": {"dense_dimension": 256}}, "vector_index": {"memory": {}}},
    )
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        spaces = await runtime.get("spaces")
        assert spaces.current.name == "hashing-256" and spaces.current.index.dense_dimension == 256


async def test_an_embedder_that_does_not_fit_a_given_index_stops_the_start(tmp_path):
    settings = memory_settings(tmp_path, plugins={"text_embedder": {"hashing": {"dense_dimension": 256}}})
    overrides = {Port.VECTOR_INDEX: InMemoryVectorIndex(384)}
    async with open_runtime(settings, overrides=overrides) as runtime:
        with pytest.raises(
            ConfigError, match=r"makes 256-dimensional vectors but the vector index stores 384"
        ):
            await runtime.lifecycle.start_all()


async def test_an_adapter_missing_a_member_of_its_port_is_refused_at_open(tmp_path):
    class HalfAnIndex:
        async def search(self, tenant, query):
            return []

    @asynccontextmanager
    async def open_half(settings, space=None):
        yield HalfAnIndex()

    _plugin("half_plugin", [AdapterSpec(Port.VECTOR_INDEX, "half", open_half)])
    try:
        registry = PluginRegistry([*BUILTIN_PLUGINS, "half_plugin"], load_entry_points=False)
        settings = memory_settings(tmp_path, adapters={"vector_index": "half"})
        async with open_runtime(settings, registry) as runtime:
            with pytest.raises(
                ConfigError, match=r"adapter 'half' for port 'vector_index' lacks count, delete"
            ):
                await runtime.get("vector_index")
    finally:
        sys.modules.pop("half_plugin")


AUDIO_PLUGIN = textwrap.dedent(
    """
    from contextlib import asynccontextmanager
    from ragloom.contracts import AdapterSpec, Port, hookimpl

    @asynccontextmanager
    async def open_fake_audio(settings):
        import fake_audio_library  # the vendor library, imported only when the adapter opens

        yield fake_audio_library.Extractor()

    @hookimpl
    def ragloom_adapters():
        return [
            AdapterSpec(
                Port.MEDIA_EXTRACTOR, "fake_audio", open_fake_audio,
                media_types=frozenset({"audio/wav"}), modality="audio",
            )
        ]
    """
)
AUDIO_LIBRARY = textwrap.dedent(
    """
    class Extractor:
        media_types = frozenset({"audio/wav"})

        async def extract(self, source, media_type, filename):
            raise NotImplementedError
    """
)


async def test_a_worker_opens_only_its_own_modalitys_adapters(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "fake_audio_plugin.py").write_text(AUDIO_PLUGIN)
    (site / "fake_audio_library.py").write_text(AUDIO_LIBRARY)
    monkeypatch.syspath_prepend(str(site))
    import fake_audio_plugin

    sys.modules.pop("fake_audio_library", None)
    registry = PluginRegistry([*BUILTIN_PLUGINS, "fake_audio_plugin"], load_entry_points=False)
    # in the worker process itself (the sandbox would open them in its own processes)
    settings = memory_settings(
        tmp_path, adapters={"media_extractor": ["text", "fake_audio"]}, extraction={"sandbox": False}
    )
    try:
        async with open_runtime(settings, registry, modality=Modality.TEXT) as runtime:
            await runtime.lifecycle.start_ingestion()
            extractors = await runtime.get("media_extractor")
            assert [sorted(e.media_types) for e in extractors] == [sorted(await _text_types())]
        assert "fake_audio_library" not in sys.modules
        async with open_runtime(settings, registry, modality=Modality.AUDIO) as runtime:
            await runtime.lifecycle.start_ingestion()
            assert [e.media_types for e in await runtime.get("media_extractor")] == [frozenset({"audio/wav"})]
        assert "fake_audio_library" in sys.modules
    finally:
        sys.modules.pop("fake_audio_library", None)
        sys.modules.pop(fake_audio_plugin.__name__, None)


async def _text_types() -> frozenset[str]:
    from ragloom.adapters.text_extract.media_types import TEXT_MEDIA_TYPES

    return TEXT_MEDIA_TYPES
