"""Plugin discovery through real entry points, duplicate detection, and the `plugins` report."""

import sys
import textwrap
import types

import httpx
import pytest

from ragloom.contracts import AdapterSpec, Port, hookimpl
from ragloom.contracts.errors import DuplicateAdapter, PluginError
from ragloom.contracts.registry import PluginRegistry
from ragloom.entrypoints.commands import plugin_report
from ragloom.entrypoints.http.app import create_app
from ragloom.plugins import BUILTIN_PLUGINS
from tests.helpers.runtime import bearer, default_key, memory_settings, parse_sse, wait_for_status

PLUGIN_SOURCE = textwrap.dedent(
    """
    from contextlib import asynccontextmanager
    from pydantic import BaseModel, ConfigDict, SecretStr
    from ragloom.contracts import AdapterSpec, Port, hookimpl
    from ragloom.core.models import ChatDelta

    class EchoSettings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        prefix: str = "echo"
        token: SecretStr = SecretStr("hunter2")

    class EchoModel:
        def __init__(self, settings):
            self.prefix = settings.prefix

        name = "echo"

        async def stream(self, request):
            yield ChatDelta(f"{self.prefix}: {request.grounding.question} [1]")
            yield ChatDelta(finish_reason="stop")

    @asynccontextmanager
    async def open_echo(settings):
        yield EchoModel(settings)

    @hookimpl
    def ragloom_adapters():
        return [AdapterSpec(Port.CHAT_MODEL, "echo", open_echo, EchoSettings, "repeats the question")]
    """
)


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A real distribution on a temporary sys.path entry, found by importlib.metadata."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "ragloom_echo_plugin.py").write_text(PLUGIN_SOURCE)
    dist = site / "ragloom_echo_plugin-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ragloom-echo-plugin\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text("[ragloom]\necho = ragloom_echo_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    yield
    sys.modules.pop("ragloom_echo_plugin", None)


def test_third_party_plugin_is_discovered_and_reported(installed_plugin, tmp_path):
    registry = PluginRegistry(BUILTIN_PLUGINS)
    assert registry.find(Port.CHAT_MODEL, "echo") is not None
    settings = memory_settings(
        tmp_path, adapters={"chat_model": "echo"}, plugins={"chat_model": {"echo": {"prefix": "heard"}}}
    )
    report = plugin_report(settings)
    echo = next(p for p in report["plugins"] if p["name"] == "echo")
    assert (echo["distribution"], echo["version"]) == ("ragloom-echo-plugin", "1.2.3")
    adapter = echo["adapters"][0]
    assert adapter["selected"] and adapter["settings"] == {"prefix": "heard", "token": "**********"}
    builtin = next(p for p in report["plugins"] if p["name"] == "ragloom.plugins.qdrant")
    assert builtin["distribution"] == "ragloom"


async def test_third_party_adapter_is_selected_by_configuration(installed_plugin, tmp_path):
    settings = memory_settings(
        tmp_path, adapters={"chat_model": "echo"}, plugins={"chat_model": {"echo": {"prefix": "heard"}}}
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = bearer(default_key(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client:
            created = await client.post("/v1/documents", files={"file": ("a.txt", b"Some text about owls.")})
            await wait_for_status(client, created.json()["id"])
            response = await client.post("/v1/query", json={"question": "owls?"})
    events = parse_sse(response.text)
    assert events[-1][1]["answer"] == "heard: owls? [1]"


def _module(name: str, adapter_name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    @hookimpl
    def ragloom_adapters():
        return [AdapterSpec(Port.CHAT_MODEL, adapter_name, lambda s: None)]

    module.ragloom_adapters = ragloom_adapters
    sys.modules[name] = module
    return module


def test_duplicate_adapter_names_fail_naming_both_plugins():
    _module("dup_one", "same")
    _module("dup_two", "same")
    try:
        with pytest.raises(
            DuplicateAdapter, match=r"'same' for port 'chat_model' .* 'dup_one' and plugin 'dup_two'"
        ):
            PluginRegistry(["dup_one", "dup_two"], load_entry_points=False)
    finally:
        sys.modules.pop("dup_one")
        sys.modules.pop("dup_two")


def test_a_builtin_clash_with_a_third_party_name_fails_too(installed_plugin):
    _module("clash", "echo")
    try:
        with pytest.raises(DuplicateAdapter, match="'echo'"):
            PluginRegistry(["clash"])
    finally:
        sys.modules.pop("clash")


def test_a_hook_without_a_spec_is_refused():
    module = types.ModuleType("typo_plugin")

    @hookimpl
    def ragloom_adapterz():
        return []

    module.ragloom_adapterz = ragloom_adapterz
    sys.modules["typo_plugin"] = module
    try:
        with pytest.raises(Exception, match="ragloom_adapterz"):
            PluginRegistry(["typo_plugin"], load_entry_points=False)
    finally:
        sys.modules.pop("typo_plugin")


def test_a_plugin_that_fails_to_import_is_named(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "broken-0.1.dist-info").mkdir(parents=True)
    (site / "broken-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken\nVersion: 0.1\n"
    )
    (site / "broken-0.1.dist-info" / "entry_points.txt").write_text("[ragloom]\nbroken = no_such_module\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(PluginError, match=r"plugin 'broken' \(no_such_module\) failed to load"):
        PluginRegistry(BUILTIN_PLUGINS)


def test_every_hook_is_documented():
    from ragloom.contracts import hookspecs

    hooks = [getattr(hookspecs, n) for n in dir(hookspecs) if n.startswith("ragloom_")]
    assert hooks and all((h.__doc__ or "").strip() for h in hooks)
