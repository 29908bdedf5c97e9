import pytest

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.spec import Port
from ragloom.entrypoints.bootstrap import select_adapters
from ragloom.entrypoints.settings import load_settings
from ragloom.plugins import load_registry


def settings(tmp_path, env=None, **overrides):
    return load_settings(environ={"RAGLOOM_HOME": str(tmp_path), **(env or {})}, overrides=overrides)


def test_embedded_is_the_default_and_state_lives_under_ragloom_home(tmp_path):
    s = settings(tmp_path)
    assert s.profile == "embedded"
    assert s.adapters["vector_index"] == "qdrant_edge"
    assert s.plugins["vector_index"]["qdrant_edge"]["path"] == f"{tmp_path}/qdrant"
    assert (
        s.plugins["metadata_store"]["sqlalchemy"]["url"] == f"sqlite+aiosqlite:///{tmp_path}/ragloom.sqlite3"
    )


def test_yaml_file_then_environment_override(tmp_path):
    config = tmp_path / "ragloom.yaml"
    config.write_text("http:\n  port: 9000\nchunking:\n  max_words: 120\n")
    s = load_settings(
        config,
        environ={
            "RAGLOOM_HOME": str(tmp_path),
            "RAGLOOM_HTTP__PORT": "9100",
            "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory",
        },
    )
    assert s.http.port == 9100
    assert s.chunking.max_words == 120
    assert s.adapters["vector_index"] == "memory"


def test_production_interpolates_urls_from_the_environment(tmp_path):
    env = {
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_DATABASE_URL": "postgresql+asyncpg://db/x",
        "RAGLOOM_QDRANT_URL": "http://qdrant:6333",
        "RAGLOOM_REDIS_URL": "redis://r:6379/0",
        "RAGLOOM_AUDIT_SIGNING_KEY": "c2lnbmluZy1rZXk=",
    }
    s = settings(tmp_path, env)
    assert s.plugins["metadata_store"]["sqlalchemy"]["url"] == "postgresql+asyncpg://db/x"
    assert s.plugins["audit_signer"]["ed25519"] == {"signing_key": "c2lnbmluZy1rZXk="}
    assert s.adapters["blob_store"] == "s3" and s.plugins["blob_store"]["s3"]["bucket"] == ""
    assert s.plugins["blob_store"]["local"]["root"] == f"{tmp_path}/blobs"
    with pytest.raises(
        ConfigError,
        match=r"plugins.metadata_store.sqlalchemy.url: environment variable RAGLOOM_DATABASE_URL",
    ):
        settings(tmp_path, {k: v for k, v in env.items() if k != "RAGLOOM_DATABASE_URL"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"http": {"prot": 1}},
            r"http.prot: unknown key; valid keys: auth_failure_window_seconds, .*, host, .*, port",
        ),
        (
            {"colour": "blue"},
            r"colour: unknown key; valid keys: adapters, admin, answers, chunking, extraction, home",
        ),
        ({"adapters": {"vectors": "x"}}, r"adapters.vectors: unknown port; valid ports: .*vector_index"),
        ({"adapters": {"chat_model": ["a", "b"]}}, r"adapters.chat_model: takes one adapter name"),
        ({"chunking": {"max_words": 50, "overlap_words": 60}}, r"chunking.overlap_words must be .* below"),
        ({"chunking": {"max_words": 4}}, r"chunking.max_words must be at least 8"),
        (
            {"http": {"read_timeout_seconds": 20, "upload_idle_seconds": 30}},
            r"read_timeout_seconds \(20\) must be above upload_idle_seconds \(30\)",
        ),
        (
            {"plugins": {"qdrant_edge": {"path": "/x"}}},
            r"plugins.qdrant_edge: unknown port; adapter settings are keyed by port, then adapter",
        ),
    ],
)
def test_bad_settings_name_the_key_and_the_choices(tmp_path, overrides, message):
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, **overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"adapters": {"vector_index": "faiss"}},
            r"adapters.vector_index: unknown adapter 'faiss'; "
            r"valid choices: memory, qdrant, qdrant_edge",
        ),
        (
            {"plugins": {"vector_index": {"qdrant_edge": {"pth": "/x"}}}},
            r"plugins.vector_index.qdrant_edge.pth: unknown key; valid keys: .*path",
        ),
        (
            {"plugins": {"vector_index": {"nosuch": {}}}},
            r"plugins.vector_index.nosuch: no vector_index adapter is named 'nosuch'; "
            r"valid names: .*qdrant_edge",
        ),
        (
            {"plugins": {"chat_model": {"qdrant_edge": {}}}},
            r"plugins.chat_model.qdrant_edge: no chat_model adapter is named 'qdrant_edge'; "
            r"valid names: extractive",
        ),
        ({"adapters": {"vector_index": "qdrant"}}, r"plugins.vector_index.qdrant: set exactly one of"),
    ],
)
def test_adapter_selection_errors_name_the_key_and_the_choices(tmp_path, overrides, message):
    with pytest.raises(ConfigError, match=message):
        select_adapters(settings(tmp_path, **overrides), load_registry(load_entry_points=False))


def test_missing_required_adapter_and_required_key(tmp_path):
    s = settings(tmp_path)
    s.adapters.pop("chat_model")
    with pytest.raises(
        ConfigError, match=r"adapters.chat_model: required key is missing; valid choices: extractive"
    ):
        select_adapters(s, load_registry(load_entry_points=False))
    s = settings(tmp_path)
    s.plugins["vector_index"]["qdrant_edge"] = {}
    with pytest.raises(ConfigError, match=r"plugins.vector_index.qdrant_edge.path: required key is missing"):
        select_adapters(s, load_registry(load_entry_points=False))


def test_unreadable_or_invalid_config_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "missing.yaml", environ={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_settings(bad, environ={})
    with pytest.raises(ConfigError, match="unknown profile 'staging'"):
        load_settings(environ={"RAGLOOM_PROFILE": "staging"})


def test_a_plain_admin_password_is_kept_only_as_a_hash(tmp_path):
    from ragloom.entrypoints.passwords import verify_password

    s = settings(tmp_path, {"RAGLOOM_ADMIN_USER": "root", "RAGLOOM_ADMIN_PASSWORD": "hunter2 hunter2"})
    assert s.admin.enabled and s.admin.user == "root"
    assert s.admin.password.get_secret_value() == ""
    assert "hunter2" not in s.model_dump_json()
    assert verify_password("hunter2 hunter2", s.admin.password_hash)
    assert not verify_password("hunter2", s.admin.password_hash)
    again = settings(
        tmp_path, {"RAGLOOM_ADMIN__USER": "root", "RAGLOOM_ADMIN__PASSWORD_HASH": s.admin.password_hash}
    )
    assert again.admin.enabled and again.admin.password_hash == s.admin.password_hash
    assert not settings(tmp_path, {}).admin.enabled


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RAGLOOM_ADMIN_USER": "root"}, "set both the admin user and a password"),
        ({"RAGLOOM_ADMIN_PASSWORD": "pw"}, "set both the admin user and a password"),
        ({"RAGLOOM_ADMIN__USER": "root", "RAGLOOM_ADMIN__PASSWORD_HASH": "md5$abc"}, "scrypt\\$N"),
    ],
)
def test_half_or_malformed_admin_credentials_stop_the_start(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, env)


def test_environment_overrides_reach_one_adapter_of_one_port(tmp_path):
    s = settings(tmp_path, {"RAGLOOM_PLUGINS__VECTOR_INDEX__QDRANT_EDGE__HNSW_EF": "64"})
    assert s.plugins["vector_index"]["qdrant_edge"]["hnsw_ef"] == 64
    selected = select_adapters(s, load_registry(load_entry_points=False))
    assert selected[Port.VECTOR_INDEX][0].settings.hnsw_ef == 64
