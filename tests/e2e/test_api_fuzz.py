"""Property-based fuzzing of the served API from its own OpenAPI document: no input may cause a 5xx,
and every response (its status code, content type and body, each event of a stream) is the one the
document describes."""

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.server import running_server
from tests.helpers.tenants import ADMIN

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_generated_request_gets_a_server_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory",
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__METADATA_STORE": "memory",
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",  # the API's shapes are under test, not Presidio
        "RAGLOOM_HTTP__MAX_UPLOAD_BYTES": "100000",
        "RAGLOOM_HTTP__EVENTS_MAX_SECONDS": "0.2",  # an event stream ends soon, not at the timeout
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        # the tenant run's requests to /admin fail to log in: not throttled, or every later request
        # would be answered 429 before it reached a handler
        "RAGLOOM_HTTP__AUTH_FREE_FAILURES": "1000",
    }

    def fuzz(url: str, *credentials: str) -> subprocess.CompletedProcess:
        checks = (
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
        )
        command = [str(SCHEMATHESIS), "run", f"{url}/openapi.json", "--checks", checks]
        command += ["--max-examples", "15", "--seed", "1", "--request-timeout", "30", *credentials]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path
        )  # its cache stays in tmp

    with running_server(env) as url:
        key = (tmp_path / "home" / "default-api-key").read_text().strip()
        # as a tenant first (every route; /admin then answers 401), then as the administrator
        as_tenant = fuzz(url, "--header", f"Authorization: Bearer {key}")
        as_admin = fuzz(url, "--auth", ":".join(ADMIN), "--include-path-regex", "^/admin")
    assert as_tenant.returncode == 0, as_tenant.stdout[-3000:]
    assert as_admin.returncode == 0, as_admin.stdout[-3000:]
