"""The Helm chart (helm/ragloom) and the Dockerfile, checked offline.

helm_python (the helm-python-sdk package: Helm's Go SDK as a native library, no helm binary) loads,
lints and renders the chart with its default values and with values-production.yaml. Every
rendered object of a built-in kind is validated by kubernetes-validate against the OpenAPI schemas
of KUBE_VERSION (strict: unknown fields fail). The custom resources (Traefik's IngressRoute and
Middleware, KEDA's ScaledObject) have no schema there, so their apiVersion, kind and required
fields are asserted by `check_custom_resource` instead.

helm_python is imported unconditionally: without it this module fails to collect (an error, never a
skip).
"""

from __future__ import annotations

import base64
import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from ragloom.entrypoints.bootstrap import select_adapters
from ragloom.entrypoints.settings import load_settings
from ragloom.plugins import load_registry
from tests.helpers.tenants import new_signing_key

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "ragloom"
PRODUCTION = yaml.safe_load((CHART / "values-production.yaml").read_text())
DEFAULTS = yaml.safe_load((CHART / "values.yaml").read_text())
RELEASE, NAMESPACE = "ragloom", "rag"
KUBE_VERSION = "1.37.0"  # the newest Kubernetes kubernetes-validate 1.37.0 ships schemas for
MODALITIES = ("text", "audio", "image", "video")
CONFIG_PATH = "/etc/ragloom/ragloom.yaml"
HOOK = "pre-install,pre-upgrade"
HOOK_DELETE = "before-hook-creation,hook-succeeded"


@pytest.fixture(scope="module")
def chart():
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def render(chart: helm.Chart, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every object the chart renders (hooks included), NOTES.txt left out."""
    manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    objects: list[dict[str, Any]] = []
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_specs(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The pod template of every workload, by kind/name."""
    return {
        f"{o['kind']}/{o['metadata']['name']}": o["spec"]["template"]["spec"]
        for o in objects
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job")
    }


def containers(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        f"{where}/{c['name']}": c
        for where, spec in pod_specs(objects).items()
        for c in spec.get("initContainers", []) + spec["containers"]
    }


def worker(modality: str) -> str:
    return f"{RELEASE}-worker-{modality}"


def with_values(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with dotted keys set: with_values(v, **{"keda.enabled": True})."""
    values = copy.deepcopy(base)
    for dotted, value in changes.items():
        node = values
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return values


VALUE_SETS = {"defaults": None, "production": PRODUCTION}


@pytest.fixture(params=sorted(VALUE_SETS), scope="module")
def case(request, chart):
    """(name, the values given, every object rendered with them)."""
    values = VALUE_SETS[request.param]
    return request.param, values, render(chart, values)


# --- the custom resources: no schema in kubernetes-validate, so their required fields by hand ------

MIDDLEWARE_TYPES = {"forwardAuth", "rateLimit", "headers", "ipAllowList"}


def check_custom_resource(obj: dict[str, Any]) -> None:
    kind = obj["kind"]
    assert (obj["apiVersion"], kind) in {
        ("traefik.io/v1alpha1", "IngressRoute"),
        ("traefik.io/v1alpha1", "Middleware"),
        ("keda.sh/v1alpha1", "ScaledObject"),
    }, f"unexpected custom resource {obj['apiVersion']} {kind}"
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", obj["metadata"]["name"])
    spec = obj["spec"]
    if kind == "IngressRoute":
        assert spec["entryPoints"] and all(isinstance(e, str) for e in spec["entryPoints"])
        assert spec["routes"]
        for route in spec["routes"]:
            assert route["kind"] == "Rule" and isinstance(route["match"], str) and route["match"]
            assert route["services"]
            for service in route["services"]:
                assert isinstance(service["name"], str) and isinstance(service["port"], int)
            for middleware in route.get("middlewares", []):
                assert set(middleware) <= {"name", "namespace"} and middleware["name"]
    elif kind == "Middleware":
        assert len(spec) == 1 and set(spec) <= MIDDLEWARE_TYPES, spec
    else:  # ScaledObject
        assert spec["scaleTargetRef"]["name"]
        assert isinstance(spec["minReplicaCount"], int) and isinstance(spec["maxReplicaCount"], int)
        assert spec["triggers"]
        for trigger in spec["triggers"]:
            assert isinstance(trigger["type"], str)
            # KEDA's trigger metadata is a map of strings: a bare number or boolean is refused.
            assert trigger["metadata"] and all(isinstance(v, str) for v in trigger["metadata"].values())


# --- the chart as a whole -------------------------------------------------------------------------


def test_chart_metadata(chart):
    metadata = chart.metadata
    assert metadata["apiVersion"] == "v2"
    assert metadata["name"] == "ragloom"
    assert chart.schema is not None and chart.schema["$schema"].startswith("http://json-schema.org/draft-07")


@pytest.mark.parametrize("name", sorted(VALUE_SETS))
def test_lint_finds_nothing(name):
    report = helm.lint(
        CHART, VALUE_SETS[name], strict=True, namespace=NAMESPACE, kube_version=f"v{KUBE_VERSION}"
    )
    assert report["errors"] == []
    # Severity 1 is information ("icon is recommended"); 2 is a warning, 3 an error.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_every_object_is_valid_kubernetes(case):
    _, _, objects = case
    assert objects
    for obj in objects:
        if obj["apiVersion"].startswith(("traefik.io/", "keda.sh/")):
            check_custom_resource(obj)
        else:
            kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
    names = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(names) == len(set(names)), "two objects of one kind share a name"


def test_every_container_has_resources_and_a_locked_down_security_context(case):
    _, _, objects = case
    found = containers(objects)
    assert len(found) >= 3  # the API, at least one worker, the migration Job
    for where, container in found.items():
        resources = container["resources"]
        for part in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[part]), f"{where}: resources.{part}"
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True, where
        assert security["runAsUser"] == 10001, where
        assert security["readOnlyRootFilesystem"] is True, where
        assert security["allowPrivilegeEscalation"] is False, where
        assert security["capabilities"]["drop"] == ["ALL"], where
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, where
    for where, spec in pod_specs(objects).items():
        pod_security = spec["securityContext"]
        assert pod_security["runAsNonRoot"] is True and pod_security["runAsUser"] == 10001, where
        assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}, where


def test_every_ragloom_container_gets_config_home_and_scratch_space(case):
    """The root filesystem is read-only: /tmp and RAGLOOM_HOME are emptyDirs; RAGLOOM_CONFIG names
    the mounted ragloom.yaml."""
    _, values, objects = case
    home = (values or {}).get("ragloomHome", DEFAULTS["ragloomHome"])
    config_maps = of_kind(objects, "ConfigMap")
    for where, spec in pod_specs(objects).items():
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env["RAGLOOM_CONFIG"] == CONFIG_PATH, where
            assert env["RAGLOOM_HOME"] == home, where
            mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
            assert "emptyDir" in mounts["/tmp"], where
            assert "emptyDir" in mounts[home], where
            config = mounts[str(Path(CONFIG_PATH).parent)]
            assert "ragloom.yaml" in config_maps[config["configMap"]["name"]]["data"], where


# --- the API --------------------------------------------------------------------------------------


def test_api_deployment_service_and_probes(case):
    _, _, objects = case
    deployment = of_kind(objects, "Deployment")[f"{RELEASE}-api"]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["args"] == ["serve", "--host", "0.0.0.0", "--port", "8080"]
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "8080"
    assert annotations["prometheus.io/path"] == "/metrics"
    service = of_kind(objects, "Service")[f"{RELEASE}-api"]
    assert service["spec"]["ports"][0]["port"] == 8080
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    # The HPA owns the replica count.
    assert "replicas" not in deployment["spec"]


def test_api_hpa_scales_on_cpu_and_request_rate(case, chart):
    _, values, objects = case
    hpa = of_kind(objects, "HorizontalPodAutoscaler")[f"{RELEASE}-api"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": f"{RELEASE}-api",
    }
    metrics = {m["type"]: m for m in hpa["spec"]["metrics"]}
    assert metrics["Resource"]["resource"]["name"] == "cpu"
    assert metrics["Resource"]["resource"]["target"]["type"] == "Utilization"
    assert metrics["Pods"]["pods"]["metric"]["name"] == "ragloom_http_requests_per_second"
    assert metrics["Pods"]["pods"]["target"]["type"] == "AverageValue"
    wanted = chart.merge_values(values)["autoscaling"]["api"]
    assert hpa["spec"]["minReplicas"] == wanted["minReplicas"]
    assert hpa["spec"]["maxReplicas"] == wanted["maxReplicas"]


def test_api_without_autoscaling_has_fixed_replicas(chart):
    objects = render(chart, {"autoscaling": {"api": {"enabled": False}}, "api": {"replicas": 3}})
    assert f"{RELEASE}-api" not in of_kind(objects, "HorizontalPodAutoscaler")
    assert of_kind(objects, "Deployment")[f"{RELEASE}-api"]["spec"]["replicas"] == 3


# --- the worker pools -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "enabled",
    [MODALITIES, ("text",), ("audio", "video"), ()],
    ids=["all", "text", "audio+video", "none"],
)
def test_one_worker_deployment_and_pdb_per_enabled_modality(chart, enabled):
    values = {"workers": {m: {"enabled": m in enabled} for m in MODALITIES}}
    objects = render(chart, values)
    deployments = {n: d for n, d in of_kind(objects, "Deployment").items() if n != f"{RELEASE}-api"}
    assert set(deployments) == {worker(m) for m in enabled}
    pdbs = {n: p for n, p in of_kind(objects, "PodDisruptionBudget").items() if n != f"{RELEASE}-api"}
    assert set(pdbs) == {worker(m) for m in enabled}
    hpas = set(of_kind(objects, "HorizontalPodAutoscaler")) - {f"{RELEASE}-api"}
    assert hpas == {worker(m) for m in enabled}
    for modality in enabled:
        pod = deployments[worker(modality)]["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["args"][:3] == ["worker", "--modality", modality]
        # Its only port serves the pool's metrics, which the pod's annotations point Prometheus at.
        assert container["ports"] == [{"name": "metrics", "containerPort": 9464}]
        assert {"name": "RAGLOOM_TELEMETRY__METRICS_PORT", "value": "9464"} in container["env"]
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == "9464"
        # The liveness probe is a command, never an HTTP or TCP check.
        assert set(container["livenessProbe"]) & {"httpGet", "tcpSocket", "grpc"} == set()
        assert container["livenessProbe"]["exec"]["command"]
        # The PDB selects exactly this pool's pods (not the API's, nor another pool's).
        selector = pdbs[worker(modality)]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod["metadata"]["labels"].items()
        assert selector.get("ragloom.io/modality") == modality


def test_worker_metrics_can_be_turned_off(chart):
    deployments = of_kind(render(chart, {"workerMetrics": {"enabled": False}}), "Deployment")
    for modality in MODALITIES:
        pod = deployments[worker(modality)]["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert "ports" not in container and "prometheus.io/port" not in pod["metadata"]["annotations"]
        assert all(e["name"] != "RAGLOOM_TELEMETRY__METRICS_PORT" for e in container.get("env", []))


def test_each_pool_has_its_own_replicas_and_resources(chart):
    values = {
        "autoscaling": {"workers": {"enabled": False}},
        "workers": {
            "audio": {"replicas": 3, "resources": {"limits": {"cpu": "7", "memory": "9Gi"}}},
            "image": {"replicas": 0},
        },
    }
    deployments = of_kind(render(chart, values), "Deployment")
    assert deployments[worker("audio")]["spec"]["replicas"] == 3
    assert deployments[worker("image")]["spec"]["replicas"] == 0
    assert deployments[worker("text")]["spec"]["replicas"] == DEFAULTS["workers"]["text"]["replicas"]
    audio = deployments[worker("audio")]["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert audio["limits"] == {"cpu": "7", "memory": "9Gi"}
    assert audio["requests"] == DEFAULTS["workers"]["audio"]["resources"]["requests"]
    text = deployments[worker("text")]["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert text == DEFAULTS["workers"]["text"]["resources"]


def test_worker_hpas_scale_on_queue_depth_with_cpu_as_fallback(chart):
    hpas = of_kind(render(chart), "HorizontalPodAutoscaler")
    for modality in MODALITIES:
        spec = hpas[worker(modality)]["spec"]
        assert spec["scaleTargetRef"]["name"] == worker(modality)
        metrics = {m["type"]: m for m in spec["metrics"]}
        external = metrics["External"]["external"]
        assert external["metric"]["name"] == "ragloom_queue_depth"
        assert external["metric"]["selector"] == {"matchLabels": {"modality": modality}}
        assert external["target"]["type"] == "AverageValue"
        assert metrics["Resource"]["resource"]["name"] == "cpu"
    assert of_kind(render(chart), "ScaledObject") == {}


def test_worker_hpas_can_scale_on_cpu_alone(chart):
    """Until a Prometheus adapter serves the queue depth, an HPA missing a metric never scales down."""
    hpas = of_kind(
        render(chart, {"autoscaling": {"workers": {"queueDepth": {"enabled": False}}}}),
        "HorizontalPodAutoscaler",
    )
    for modality in MODALITIES:
        assert [m["type"] for m in hpas[worker(modality)]["spec"]["metrics"]] == ["Resource"]


def test_keda_replaces_the_hpa_of_the_pools_it_scales(case):
    name, values, objects = case
    keda_pools = {"audio", "video"} if name == "production" else set()
    scaled = of_kind(objects, "ScaledObject")
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    assert set(scaled) == {worker(m) for m in keda_pools}
    assert set(hpas) == {f"{RELEASE}-api"} | {worker(m) for m in set(MODALITIES) - keda_pools}
    deployments = of_kind(objects, "Deployment")
    for modality in keda_pools:
        spec = scaled[worker(modality)]["spec"]
        assert spec["scaleTargetRef"]["name"] == worker(modality)
        assert worker(modality) in deployments
        assert "replicas" not in deployments[worker(modality)]["spec"]  # KEDA's HPA owns it
        depth = next(t for t in spec["triggers"] if t["type"] == "prometheus")["metadata"]
        assert depth["serverAddress"] == values["keda"]["prometheusAddress"]
        assert depth["query"] == f'sum(ragloom_queue_depth{{modality="{modality}"}})'
        assert depth["threshold"] == str(values["workers"][modality]["autoscaling"]["queueDepthPerReplica"])
        assert any(t["type"] == "cpu" for t in spec["triggers"])


def test_keda_reads_each_pools_queue_depth_from_the_configured_prometheus(chart):
    values = {
        "keda": {"enabled": True, "prometheusAddress": "http://prom:9090"},
        "workers": {"text": {"keda": {"enabled": False}}},
    }
    objects = render(chart, values)
    scaled = of_kind(objects, "ScaledObject")
    assert set(scaled) == {worker(m) for m in ("audio", "image", "video")}
    triggers = {n: o["spec"]["triggers"][0]["metadata"] for n, o in scaled.items()}
    assert {t["serverAddress"] for t in triggers.values()} == {"http://prom:9090"}
    assert triggers[worker("video")]["query"] == 'sum(ragloom_queue_depth{modality="video"})'
    assert worker("text") in of_kind(objects, "HorizontalPodAutoscaler")
    for obj in scaled.values():
        check_custom_resource(obj)


# --- configuration and secrets --------------------------------------------------------------------


def test_configmap_holds_the_values_config(case, chart):
    _, values, objects = case
    config_map = of_kind(objects, "ConfigMap")[f"{RELEASE}-config"]
    rendered = yaml.safe_load(config_map["data"]["ragloom.yaml"])
    assert rendered == chart.merge_values(values)["config"]
    if values is None:
        assert rendered == DEFAULTS["config"]
    assert rendered["profile"] == "production"
    assert rendered["plugins"]["vector_index"]["qdrant"]["url"] == "${RAGLOOM_QDRANT_URL}"
    assert rendered["plugins"]["metadata_store"]["sqlalchemy"]["url"] == "${RAGLOOM_DATABASE_URL}"


def test_configmap_is_a_configuration_ragloom_accepts(case, tmp_path):
    """ragloom's own loader reads the rendered ragloom.yaml with the containers' environment (the
    chart's env plus the Secret's keys) and resolves every adapter it names, with its settings."""
    _, _, objects = case
    (path := tmp_path / "ragloom.yaml").write_text(
        of_kind(objects, "ConfigMap")[f"{RELEASE}-config"]["data"]["ragloom.yaml"]
    )
    api = containers(objects)[f"Deployment/{RELEASE}-api/api"]
    environ = {e["name"]: e["value"] for e in api["env"] if "value" in e}
    environ |= {
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": "postgresql+asyncpg://ragloom_app:secret@postgres/ragloom",
        "RAGLOOM_QDRANT_URL": "http://qdrant:6333",
        "RAGLOOM_REDIS_URL": "redis://redis:6379/0",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": "admin",
        "RAGLOOM_ADMIN_PASSWORD": "a long admin password",
    }
    environ.setdefault("RAGLOOM_S3_BUCKET", "ragloom-blobs")
    settings = load_settings(path, environ=environ)
    assert settings.profile == "production"
    selected = select_adapters(settings, load_registry(load_entry_points=False))
    assert [s.spec.name for s in selected[next(p for p in selected if p.value == "vector_index")]] == [
        "qdrant"
    ]


def test_secret_carries_the_values_secrets(chart):
    values = {
        "secrets": {
            "databaseUrl": "postgresql+asyncpg://app:pw@db/ragloom",
            "qdrantUrl": "http://qdrant:6333",
            "redisUrl": "redis://redis:6379/0",
            "auditSigningKey": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
            "adminUser": "admin",
            "adminPassword": "pw",
            "extra": {"RAGLOOM_S3_SECRET_ACCESS_KEY": "s3cret"},
        }
    }
    objects = render(chart, values)
    secret = of_kind(objects, "Secret")[f"{RELEASE}-secrets"]
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert data == {
        "RAGLOOM_DATABASE_URL": values["secrets"]["databaseUrl"],
        "RAGLOOM_QDRANT_URL": values["secrets"]["qdrantUrl"],
        "RAGLOOM_REDIS_URL": values["secrets"]["redisUrl"],
        "RAGLOOM_AUDIT_SIGNING_KEY": values["secrets"]["auditSigningKey"],
        "RAGLOOM_ADMIN_USER": "admin",
        "RAGLOOM_ADMIN_PASSWORD": "pw",
        "RAGLOOM_S3_SECRET_ACCESS_KEY": "s3cret",
    }
    for where, container in containers(objects).items():
        expected = f"{RELEASE}-migrate" if where.startswith("Job/") else f"{RELEASE}-secrets"
        assert container["envFrom"] == [{"secretRef": {"name": expected}}], where
    # The migration hook's copy holds the same data.
    assert of_kind(objects, "Secret")[f"{RELEASE}-migrate"]["data"] == secret["data"]


@pytest.mark.parametrize("base", ["defaults", "production"])
def test_existing_secret_replaces_the_rendered_one(chart, base):
    values = with_values(VALUE_SETS[base] or {}, existingSecret="made-by-ops")
    objects = render(chart, values)
    assert of_kind(objects, "Secret") == {}
    found = containers(objects)
    assert any(w.startswith("Job/") for w in found) and any(w.startswith("Deployment/") for w in found)
    for where, container in found.items():
        assert container["envFrom"] == [{"secretRef": {"name": "made-by-ops"}}], where
        for env in container["env"]:
            if "valueFrom" in env:
                assert env["valueFrom"]["secretKeyRef"]["name"] == "made-by-ops", where


# --- values.schema.json ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"api": {"replicas": "two"}}, "/api/replicas"),
        ({"workers": {"audio": {"replicas": "two"}}}, "/workers/audio/replicas"),
        ({"replicaCount": 3}, "additional properties 'replicaCount' not allowed"),
        ({"workers": {"braille": {"enabled": True}}}, "additional properties 'braille' not allowed"),
        ({"workers": {"text": {"resources": {"limits": None}}}}, "limits"),
        ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
        ({"secrets": {"databaseUrl": 5}}, "/secrets/databaseUrl"),
        ({"config": "profile: production"}, "/config"),
        ({"autoscaling": {"api": {"minReplicas": "2"}}}, "/autoscaling/api/minReplicas"),
        ({"keda": {"prometheusAddress": ""}}, "/keda/prometheusAddress"),
        ({"gateway": {"admin": {"allowedSourceRange": "10.0.0.0/8"}}}, "/gateway/admin/allowedSourceRange"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_schema_refuses_bad_values(chart, values, complaint):
    with pytest.raises(helm.HelmValuesError, match=re.escape(complaint)) as refused:
        render(chart, values)
    assert "values don't meet the specifications of the schema" in str(refused.value)
    report = helm.lint(CHART, values)
    assert report["errors"], "lint accepted values the schema refuses"


def test_both_values_files_satisfy_the_schema(chart):
    chart.validate_schema(None)
    chart.validate_schema(PRODUCTION)


# --- the migration Job ----------------------------------------------------------------------------


def test_migration_job_is_a_pre_install_and_pre_upgrade_hook(case):
    _, values, objects = case
    job = of_kind(objects, "Job")[f"{RELEASE}-migrate"]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == HOOK
    assert annotations["helm.sh/hook-delete-policy"] == HOOK_DELETE
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["args"] == ["db", "migrate"]
    api = containers(objects)[f"Deployment/{RELEASE}-api/api"]
    assert container["image"] == api["image"]
    # Its ConfigMap (and Secret) are hook copies made before it (lower weight), with the same data.
    config_name = next(v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v)
    config_copy = of_kind(objects, "ConfigMap")[config_name]
    assert config_copy["metadata"]["annotations"]["helm.sh/hook"] == HOOK
    assert int(config_copy["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        annotations.get("helm.sh/hook-weight", "0")
    )
    assert config_copy["data"] == of_kind(objects, "ConfigMap")[f"{RELEASE}-config"]["data"]
    secret = container["envFrom"][0]["secretRef"]["name"]
    if (values or {}).get("existingSecret"):
        assert secret == values["existingSecret"]
    else:
        assert of_kind(objects, "Secret")[secret]["metadata"]["annotations"]["helm.sh/hook"] == HOOK


def test_migration_job_can_be_turned_off(chart):
    assert of_kind(render(chart, {"migration": {"enabled": False}}), "Job") == {}


# --- the gateway ----------------------------------------------------------------------------------


def test_gateway_routes_and_middlewares(case):
    _, values, objects = case
    middlewares = of_kind(objects, "Middleware")
    (route,) = of_kind(objects, "IngressRoute").values()
    spec = route["spec"]
    assert spec["entryPoints"] == ["websecure"]
    assert spec["tls"] == {"secretName": "ragloom-tls"}

    auth = middlewares[f"{RELEASE}-tenant-auth"]["spec"]["forwardAuth"]
    assert auth["address"] == f"http://{RELEASE}-api.{NAMESPACE}.svc:8080/auth/verify"
    assert auth["authResponseHeaders"] == ["X-Tenant-Id", "X-Key-Id"]
    tenant_limit = middlewares[f"{RELEASE}-tenant-rate-limit"]["spec"]["rateLimit"]
    assert tenant_limit["sourceCriterion"] == {"requestHeaderName": "X-Tenant-Id"}
    ip_limit = middlewares[f"{RELEASE}-ip-rate-limit"]["spec"]["rateLimit"]
    assert set(ip_limit["sourceCriterion"]) == {"ipStrategy"}

    routes = {r["match"]: [m["name"] for m in r.get("middlewares", [])] for r in spec["routes"]}
    host = (values or {}).get("gateway", {}).get("host")
    prefix = f"Host(`{host}`) && " if host else ""
    api = routes[f"{prefix}(PathPrefix(`/v1`) || PathPrefix(`/mcp`))"]
    # Identity headers a client sent are dropped, then ForwardAuth, then the tenant's rate limit.
    assert api == [
        f"{RELEASE}-strip-identity-headers",
        f"{RELEASE}-tenant-auth",
        f"{RELEASE}-tenant-rate-limit",
    ]
    admin = routes[f"{prefix}PathPrefix(`/admin`)"]
    public = (
        "Path(`/`) || PathPrefix(`/console`) || Path(`/healthz`) || Path(`/readyz`) || Path(`/openapi.json`)"
    )
    probes = routes[f"{prefix}({public})"]
    assert probes == [f"{RELEASE}-ip-rate-limit"]
    allowed = (values or {}).get("gateway", {}).get("admin", {}).get("allowedSourceRange", [])
    if allowed:
        assert admin == [f"{RELEASE}-admin-allow-list", f"{RELEASE}-ip-rate-limit"]
        assert middlewares[f"{RELEASE}-admin-allow-list"]["spec"]["ipAllowList"]["sourceRange"] == allowed
    else:
        assert admin == [f"{RELEASE}-ip-rate-limit"]
        assert f"{RELEASE}-admin-allow-list" not in middlewares
    # Every middleware a route names exists; every route goes to the API Service's port.
    assert {name for names in routes.values() for name in names} <= set(middlewares)
    service = of_kind(objects, "Service")[f"{RELEASE}-api"]
    for r in spec["routes"]:
        assert [(s["name"], s["port"]) for s in r["services"]] == [
            (f"{RELEASE}-api", service["spec"]["ports"][0]["port"])
        ]
    assert not any("/auth/verify" in r["match"] or "/metrics" in r["match"] for r in spec["routes"])


def test_gateway_can_be_turned_off(chart):
    objects = render(chart, {"gateway": {"enabled": False}})
    assert not [o for o in objects if o["apiVersion"].startswith("traefik.io/")]


# --- the image ------------------------------------------------------------------------------------


def test_image_tag_defaults_to_the_app_version(chart):
    app_version = chart.metadata["appVersion"]
    for container in containers(render(chart)).values():
        assert container["image"] == f"{DEFAULTS['image']['repository']}:{app_version}"
    for container in containers(render(chart, {"image": {"tag": "1.2.3"}})).values():
        assert container["image"].endswith(":1.2.3")


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


def test_dockerfile_is_multi_stage_and_runs_unprivileged():
    builder, final = dockerfile_stages()
    assert builder[0] == ("FROM", "python:3.11-slim AS builder")
    assert final[0] == ("FROM", "python:3.11-slim")
    runs = [args for instruction, args in builder if instruction == "RUN"]
    locked = next(i for i, r in enumerate(runs) if "-r requirements/runtime.txt" in r)
    assert "--require-hashes" in runs[locked] and "--no-deps" in runs[locked]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in runs[locked]  # torch's CPU build
    assert re.search(r"^torch==[0-9.]+\+cpu ", (ROOT / "requirements" / "runtime.txt").read_text(), re.M)
    project = next(i for i, r in enumerate(runs) if re.search(r"pip install --no-deps \.(\s|$)", r))
    assert locked < project, "the locked dependencies must be installed before the project"
    assert any("python -m venv /opt/venv" in r for r in runs)

    final_map: dict[str, list[str]] = {}
    for instruction, args in final:
        final_map.setdefault(instruction, []).append(args)
    assert "--from=builder /opt/venv /opt/venv" in final_map["COPY"]
    users = final_map["USER"]
    assert users[-1] == "10001", "the image must end as the non-root user 10001"
    assert not any(u.split(":")[0] in ("0", "root") for u in users)
    assert any("useradd" in r and "10001" in r and "ragloom" in r for r in final_map["RUN"])
    env = " ".join(final_map["ENV"])
    assert "PATH=/opt/venv/bin:$PATH" in env and "RAGLOOM_HOME=/var/lib/ragloom" in env
    assert final_map["EXPOSE"] == ["8080"]
    assert final_map["ENTRYPOINT"] == ['["ragloom"]']
    assert final_map["CMD"] == ['["serve", "--host", "0.0.0.0", "--port", "8080"]']
    # No compiler in the runtime image.
    assert not any("build-essential" in r or "gcc" in r for r in final_map["RUN"])


def test_dockerfile_copies_every_package_folder():
    """A folder added to [tool.setuptools.package-dir] must reach the image too."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    folders = set(pyproject["tool"]["setuptools"]["package-dir"].values())
    builder, _ = dockerfile_stages()
    copied = {args.split()[0] for instruction, args in builder if instruction == "COPY"}
    assert folders <= copied
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", ".git", ".pytest_cache", "bench"} <= ignored
    assert not folders & ignored
