#!/usr/bin/env bash
# Checks the deployment examples: every Kubernetes manifest of deploy/kubernetes/ against the
# Kubernetes API's own schemas (kubernetes-validate, pinned in tests/requirements.txt, with
# the schemas inside it: nothing is fetched), and the ECS task definition as JSON whose health
# check and probes name the service's own command and ports.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/emulator-venv.sh
version=1.31
for manifest in deploy/kubernetes/*.yaml; do
    case "$manifest" in
        # A kustomize file and a custom resource: no schema in the Kubernetes API for them.
        */kustomization.yaml | */servicemonitor.example.yaml) continue ;;
    esac
    .venv/bin/kubernetes-validate --strict --quiet --kubernetes-version "$version" "$manifest"
done
.venv/bin/python - << 'PY'
import json, pathlib, yaml

task = json.loads(pathlib.Path("deploy/ecs-task-definition.json").read_text())
container = task["containerDefinitions"][0]
assert container["healthCheck"]["command"] == ["CMD", "cognito-bff", "healthcheck"], container["healthCheck"]
assert {p["containerPort"] for p in container["portMappings"]} == {8080, 9090}
assert container["readonlyRootFilesystem"] and container["user"] == "10001:10001"
assert {s["name"] for s in container["secrets"]} >= {"SESSION_ENCRYPTION_KEY", "DATABASE_URL"}

kustomization = yaml.safe_load(pathlib.Path("deploy/kubernetes/kustomization.yaml").read_text())
listed = set(kustomization["resources"])
present = {p.name for p in pathlib.Path("deploy/kubernetes").glob("*.yaml")
           if p.name != "kustomization.yaml" and ".example." not in p.name}
assert listed == present, f"kustomization lists {sorted(listed)}, the folder has {sorted(present)}"

deployment = yaml.safe_load(pathlib.Path("deploy/kubernetes/deployment.yaml").read_text())
pod = deployment["spec"]["template"]["spec"]
app = pod["containers"][0]
assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"
assert pod["securityContext"]["runAsNonRoot"] is True
assert app["securityContext"]["readOnlyRootFilesystem"] is True
assert app["securityContext"]["allowPrivilegeEscalation"] is False
print("deploy/: the manifests and the task definition check out")
PY
