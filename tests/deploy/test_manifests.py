"""The deploy files, checked offline: schemas (Compose Specification, Kubernetes 1.33 strict), yamllint,
and what the schemas cannot see — probes, resources, secrets, ports and order that must agree with each
other and with the code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from workers.payload_keys import development_keys
from workers.settings import DEVELOPMENT_CASE_ID_KEY, DEVELOPMENT_SESSION_SECRET
from workflows.search_attributes import FOR_DEV_SERVER

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose" / "compose.yaml"
K8S = DEPLOY / "k8s"
BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.33.0"

# Names of settings whose value would be a secret; such a variable may only point at a file.
SECRET_NAME = re.compile(r"PASSWORD|PWD|SECRET|TOKEN|KEYS?$|KEY_|DATABASE_URL")
# Secrets klagesag refuses to run without in production (workers/settings.py).
REQUIRED_SECRET_FILES = {
    "KLAGESAG_PAYLOAD_KEYS_FILE",
    "KLAGESAG_CASE_ID_KEY_FILE",
    "KLAGESAG_SESSION_SECRET_FILE",
    "KLAGESAG_DATABASE_URL_FILE",
}


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120)


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def applied(kustomization: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects `kubectl apply -k deploy/k8s` creates."""
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


@pytest.fixture(scope="module")
def example_secrets() -> dict[str, set[str]]:
    docs = _documents(K8S / "secret.example.yaml")
    return {doc["metadata"]["name"]: set(doc.get("stringData", {})) | set(doc.get("data", {})) for doc in docs}


def _of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def _pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def _workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return _of_kind(objects, "Deployment") + _of_kind(objects, "Job")


# --- schemas and lint


def test_compose_file_matches_the_compose_specification() -> None:
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "manifest", sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
)
def test_kubernetes_manifest_validates_strictly_against_1_33(manifest: str) -> None:
    docs = _documents(K8S / manifest)
    assert docs
    for doc in docs:
        # SchemaNotFoundError (an unknown kind or apiVersion) fails the test too: everything here is core.
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_yamllint_passes_on_everything_in_deploy() -> None:
    result = _run(str(BIN / "yamllint"), "--strict", "-c", str(DEPLOY / ".yamllint"), str(DEPLOY))
    assert result.returncode == 0, result.stdout + result.stderr


# --- Kubernetes content


def test_the_kustomization_lists_every_manifest_but_the_secret_example(kustomization: dict[str, Any]) -> None:
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert sorted(kustomization["resources"]) == sorted(on_disk)


def test_no_secret_object_is_applied(applied: list[dict[str, Any]]) -> None:
    assert _of_kind(applied, "Secret") == []


def test_the_secret_example_holds_placeholders_only() -> None:
    for doc in _documents(K8S / "secret.example.yaml"):
        assert doc["kind"] == "Secret"
        for key, value in doc["stringData"].items():
            assert "REPLACE-ME" in value, f"{doc['metadata']['name']}/{key} looks like a real value"


def test_every_deployment_has_probes_resources_and_a_hardened_container(applied: list[dict[str, Any]]) -> None:
    deployments = _of_kind(applied, "Deployment")
    assert {d["metadata"]["name"] for d in deployments} == {"klagesag-worker", "klagesag-web"}
    for deployment in deployments:
        for container in _pod_spec(deployment)["containers"]:
            where = f"{deployment['metadata']['name']}/{container['name']}"
            ports = {p["name"] for p in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                assert probe in container, f"{where} has no {probe}"
                assert container[probe]["httpGet"]["port"] in ports, f"{where} {probe} probes an undeclared port"
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), f"{where} lacks {bound}"


def test_every_pod_runs_as_non_root_with_a_read_only_root_filesystem(applied: list[dict[str, Any]]) -> None:
    workloads = _workloads(applied)
    assert len(workloads) == 3
    for workload in workloads:
        spec = _pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert "resources" in container and "limits" in container["resources"]


def test_every_deployment_has_a_disruption_budget_selecting_its_pods(applied: list[dict[str, Any]]) -> None:
    budgets = _of_kind(applied, "PodDisruptionBudget")
    for deployment in _of_kind(applied, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert len(matching) == 1, deployment["metadata"]["name"]
        assert matching[0]["spec"]["minAvailable"] >= 1
        assert deployment["spec"]["replicas"] > matching[0]["spec"]["minAvailable"]


def test_the_web_service_reaches_the_web_pods_on_their_http_port(applied: list[dict[str, Any]]) -> None:
    [service] = _of_kind(applied, "Service")
    [web] = [d for d in _of_kind(applied, "Deployment") if d["metadata"]["name"] == "klagesag-web"]
    assert service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    [container] = _pod_spec(web)["containers"]
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]
    assert port_names["http"] == 8000


def test_worker_and_web_expose_metrics_where_the_annotations_say(applied: list[dict[str, Any]]) -> None:
    for deployment in _of_kind(applied, "Deployment"):
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        [container] = _pod_spec(deployment)["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert annotations["prometheus.io/scrape"] == "true"
        assert int(annotations["prometheus.io/port"]) == ports["metrics"] == 9000
        assert annotations["prometheus.io/path"] == "/metrics"


def test_secrets_are_referenced_never_inlined(
    applied: list[dict[str, Any]], example_secrets: dict[str, set[str]]
) -> None:
    [config] = _of_kind(applied, "ConfigMap")
    for name in config["data"]:
        assert not SECRET_NAME.search(name) or name.endswith("_FILE"), f"ConfigMap holds secret {name}"
    for workload in _workloads(applied):
        spec = _pod_spec(workload)
        for container in spec["containers"]:
            for env in container.get("env", []):
                if SECRET_NAME.search(env["name"]) and not env["name"].endswith("_FILE"):
                    assert "value" not in env, f"{env['name']} is inlined"
                    ref = env["valueFrom"]["secretKeyRef"]
                    assert ref["key"] in example_secrets[ref["name"]]
        for volume in spec["volumes"]:
            if "secret" in volume:
                assert volume["secret"]["secretName"] in example_secrets


def test_every_secret_file_setting_points_at_a_mounted_key_of_the_example_secret(
    applied: list[dict[str, Any]], example_secrets: dict[str, set[str]]
) -> None:
    [config] = _of_kind(applied, "ConfigMap")
    files = {name: path for name, path in config["data"].items() if name.endswith("_FILE")}
    assert REQUIRED_SECRET_FILES <= set(files)
    for workload in _workloads(applied):
        spec = _pod_spec(workload)
        secret_of_volume = {v["name"]: v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v}
        [container] = spec["containers"]
        mounts = {m["mountPath"]: secret_of_volume.get(m["name"]) for m in container["volumeMounts"]}
        for name, path in files.items():
            directory, _, key = path.rpartition("/")
            secret = mounts.get(directory)
            assert secret is not None, f"{workload['metadata']['name']}: {name} points outside a secret mount"
            assert key in example_secrets[secret], f"{name}: no key {key} in Secret {secret}"


# --- Compose content


def _depends(compose: dict[str, Any], service: str) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in compose["services"][service]["depends_on"].items()}


def test_compose_starts_in_temporals_order(compose: dict[str, Any]) -> None:
    assert _depends(compose, "temporal-schema") == {"postgresql": "service_healthy"}
    assert _depends(compose, "temporal") == {"temporal-schema": "service_completed_successfully"}
    assert _depends(compose, "temporal-namespace") == {"temporal": "service_healthy"}
    assert _depends(compose, "klagesag-init") == {
        "postgresql": "service_healthy",
        "temporal-namespace": "service_completed_successfully",
    }
    for service in ("worker", "web"):
        assert _depends(compose, service) == {"klagesag-init": "service_completed_successfully"}


def test_compose_runs_two_workers_and_restarts_and_checks_what_runs_long(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    for name, service in services.items():
        assert "restart" in service, name
    for name in ("postgresql", "temporal", "worker", "web", "codec-server"):
        assert services[name]["healthcheck"]["test"], name


def test_the_schema_tool_and_the_server_are_the_same_temporal_version(compose: dict[str, Any]) -> None:
    """temporal-sql-tool applies the schema its own release expects; the server must be that release."""

    def default_tag(service: str) -> str:
        [tag] = re.findall(r":\$\{\w+:-([^}]+)\}$", compose["services"][service]["image"])
        return tag

    assert default_tag("temporal-schema") == default_tag("temporal") == default_tag("temporal-namespace")


def test_compose_secrets_are_files_and_never_inlined(compose: dict[str, Any]) -> None:
    declared = compose["secrets"]
    for name, service in compose["services"].items():
        mounted = set(service.get("secrets", []))
        assert mounted <= set(declared), name
        for variable, value in (service.get("environment") or {}).items():
            if not SECRET_NAME.search(variable):
                continue
            assert variable.endswith("_FILE"), f"{name}: {variable} holds a secret inline"
            assert value.startswith("/run/secrets/") and value.removeprefix("/run/secrets/") in mounted, (
                f"{name}: {variable} points at a secret the service does not mount"
            )
    for secret in declared.values():
        assert set(secret) == {"file"}


def test_klagesag_services_get_every_secret_production_requires(compose: dict[str, Any]) -> None:
    for name in ("klagesag-init", "worker", "web"):
        assert REQUIRED_SECRET_FILES <= set(compose["services"][name]["environment"]), name


def test_the_development_secret_files_exist_and_agree(compose: dict[str, Any]) -> None:
    directory = COMPOSE_FILE.parent
    for secret in compose["secrets"].values():
        path = secret["file"].replace("${KLAGESAG_SECRETS_DIR:-./secrets}", "./secrets")
        assert (directory / path).is_file(), path

    def read(name: str) -> str:
        return (directory / "secrets" / name).read_text().strip()

    # The role is created with one file, klagesag connects with the other.
    assert urlsplit(read("klagesag_database_url")).password == read("klagesag_db_password")
    # They are the public development values, so production mode refuses them.
    assert read("klagesag_payload_keys") == development_keys()
    assert read("klagesag_case_id_key") == DEVELOPMENT_CASE_ID_KEY
    assert read("klagesag_session_secret") == DEVELOPMENT_SESSION_SECRET


def test_compose_healthchecks_use_the_contract_ports(compose: dict[str, Any]) -> None:
    def command(service: str) -> str:
        return " ".join(compose["services"][service]["healthcheck"]["test"])

    assert "http://127.0.0.1:8081/readyz" in command("worker")
    assert "http://127.0.0.1:8000/readyz" in command("web")
    assert "8234" in command("codec-server")


# --- one contract: Dockerfile, compose and Kubernetes agree on ports


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.strip().split(None, 1) for line in joined.splitlines())
        if parts
    ]


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, arguments in _dockerfile():
        if instruction == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", arguments)))
    return env


def test_the_image_runs_klagesag_as_an_unprivileged_user() -> None:
    instructions = _dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    entrypoint = [json.loads(a) for i, a in instructions if i == "ENTRYPOINT"]
    command = [json.loads(a) for i, a in instructions if i == "CMD"]
    assert entrypoint[-1] == ["klagesag"]
    assert command[-1] == ["worker"]
    users = [a for i, a in instructions if i == "USER"]
    assert users, "the image would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    # The user is fixed and numeric, so Kubernetes' runAsNonRoot can verify it, and matches the manifests.
    assert users[-1].split(":")[0] == "10001"
    assert any(i == "RUN" and "pip install" in a for i, a in instructions)


def test_the_image_the_compose_file_and_the_manifests_agree_on_ports(applied: list[dict[str, Any]]) -> None:
    image = _dockerfile_env()
    [config] = _of_kind(applied, "ConfigMap")
    contract = {"KLAGESAG_WEB_PORT": "8000", "KLAGESAG_HEALTH_PORT": "8081", "KLAGESAG_METRICS_PORT": "9000"}
    for name, port in contract.items():
        assert image[name] == config["data"][name] == port
    assert image["KLAGESAG_LISTEN_HOST"] == config["data"]["KLAGESAG_LISTEN_HOST"] == "0.0.0.0"
    for workload in _workloads(applied):
        assert _pod_spec(workload)["securityContext"]["runAsUser"] == 10001
    [worker] = [d for d in _of_kind(applied, "Deployment") if d["metadata"]["name"] == "klagesag-worker"]
    [container] = _pod_spec(worker)["containers"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]}["health"] == 8081


# --- search attributes: one list in the code, the compose job and the operators' instructions


def _registered_by_the_compose_job() -> dict[str, str]:
    script = (DEPLOY / "compose" / "scripts" / "temporal-namespace.sh").read_text(encoding="utf-8")
    # ATTRIBUTES="..." and continuation lines ATTRIBUTES="$ATTRIBUTES ..."
    parts = re.findall(r'^ATTRIBUTES="(?:\$ATTRIBUTES )?(.+)"$', script, flags=re.MULTILINE)
    pairs = [pair.split(":") for part in parts for pair in part.split()]
    assert len(pairs) == len(dict(pairs)), "an attribute is listed twice"
    return dict(pairs)


def _registered_in_the_readme() -> dict[str, str]:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    return dict(
        re.findall(r"^temporal operator search-attribute create .*--name (\w+) --type (\w+)$", readme, re.MULTILINE)
    )


def test_the_compose_job_registers_exactly_the_search_attributes_of_the_code() -> None:
    assert _registered_by_the_compose_job() == FOR_DEV_SERVER


def test_the_readme_registers_exactly_the_search_attributes_of_the_code() -> None:
    assert _registered_in_the_readme() == FOR_DEV_SERVER


# --- the probes reach what the code serves


def test_the_probed_paths_are_served_by_the_web_app_and_the_worker(applied: list[dict[str, Any]]) -> None:
    from web.app import create_app
    from web.settings import WebSettings
    from workers.health import health_app

    async def no_temporal():  # pragma: no cover - never called: nothing is requested here
        raise AssertionError

    web = create_app(WebSettings(environment="test"), temporal_client_factory=no_temporal)
    served = {
        "klagesag-web": {getattr(route, "path", None) for route in web.routes},
        "klagesag-worker": {route.path for route in health_app({}).routes},
    }
    for deployment in _of_kind(applied, "Deployment"):
        [container] = _pod_spec(deployment)["containers"]
        probes = [container[p] for p in ("startupProbe", "readinessProbe", "livenessProbe") if p in container]
        probed = {probe["httpGet"]["path"] for probe in probes}
        assert probed <= served[deployment["metadata"]["name"]], deployment["metadata"]["name"]
