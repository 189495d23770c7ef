"""Tests of deploy/kubernetes: the core manifests (Deployment, Service) validate against the
Kubernetes API schemas with kubernetes-validate (offline: it ships the schemas), strictly; and the
settings that tie them to the worker hold: non-root, probes on /healthz and /readyz, the kubelet's
grace period above --grace-period, the key from a Secret, KEDA's PostgreSQL trigger on a function
the migrations define. The KEDA objects are CRDs, whose schemas kubernetes-validate lacks: they
are checked here field by field."""
import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "kubernetes"
VERSION = "1.30.0"


def load(name):
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


DEPLOYMENT, = load("deployment.yaml")
SERVICE, = load("service.yaml")
SCALED, AUTH = load("keda-scaledobject.yaml")
CONTAINER, = DEPLOYMENT["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("resource", [DEPLOYMENT, SERVICE], ids=["deployment", "service"])
def test_core_manifests_validate_strictly(resource):
    kubernetes_validate.validate(resource, VERSION, strict=True)


def test_the_validator_rejects_a_broken_deployment():
    broken = copy.deepcopy(DEPLOYMENT)
    broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "metrics"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)
    unknown = copy.deepcopy(DEPLOYMENT)
    unknown["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, VERSION, strict=True)


def option(name):
    values = [a.split("=", 1)[1] for a in CONTAINER["args"] if a.startswith(f"--{name}=")]
    assert len(values) == 1, name
    return values[0]


def test_runs_as_non_root_with_resources():
    pod = DEPLOYMENT["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert CONTAINER["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"cpu", "memory"} <= set(CONTAINER["resources"]["requests"]) and "memory" in CONTAINER["resources"]["limits"]


def test_probes_use_the_workers_endpoints_on_its_metrics_port():
    port = int(option("metrics-port"))
    assert option("metrics-host") == "0.0.0.0"
    assert CONTAINER["ports"] == [{"name": "metrics", "containerPort": port}]
    assert CONTAINER["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert CONTAINER["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert SERVICE["spec"]["ports"][0]["targetPort"] == "metrics"
    assert SERVICE["spec"]["selector"].items() <= DEPLOYMENT["spec"]["template"]["metadata"]["labels"].items()


def test_kubelet_waits_longer_than_the_grace_period():
    grace = float(option("grace-period"))
    kubelet = DEPLOYMENT["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace + 5 <= kubelet <= grace + 30


def test_the_key_comes_from_a_secret():
    env = {e["name"]: e for e in CONTAINER["env"]}
    assert "secretKeyRef" in env["SUPABASE_SERVICE_ROLE_KEY"]["valueFrom"]
    assert "value" not in env["SUPABASE_SERVICE_ROLE_KEY"]


def test_keda_scales_from_zero_on_the_queue():
    spec = SCALED["spec"]
    assert SCALED["apiVersion"] == "keda.sh/v1alpha1" and SCALED["kind"] == "ScaledObject"
    assert spec["scaleTargetRef"]["name"] == DEPLOYMENT["metadata"]["name"]
    assert spec["minReplicaCount"] == 0 and spec["maxReplicaCount"] > 1
    trigger, = spec["triggers"]
    assert trigger["type"] == "postgresql" and int(trigger["metadata"]["targetQueryValue"]) >= 1
    assert trigger["authenticationRef"]["name"] == AUTH["metadata"]["name"]
    assert AUTH["kind"] == "TriggerAuthentication" and AUTH["spec"]["secretTargetRef"][0]["parameter"] == "connection"
    function = re.search(r"public\.(\w+)\(\)", trigger["metadata"]["query"]).group(1)
    migrations = "".join(p.read_text() for p in (REPO / "supabase" / "migrations").glob("*.sql"))
    assert f"create function public.{function}()" in migrations


def test_the_image_health_check_asks_healthz():
    dockerfile = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    healthcheck = next(line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK"))
    assert "/healthz" in healthcheck and "--check" not in healthcheck
