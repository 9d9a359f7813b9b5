#!/usr/bin/env bash
# How long the service's container takes from `docker run` to its readiness group's first 200
# (H2 and the simulator, demo guests on, a fresh data volume each time), RUNS times (3), and the
# image's size. XSO_IMAGE chooses the image (xso/orchestrator:latest).
#
#   docker/startup-time.sh [RUNS]
set -euo pipefail
image="${XSO_IMAGE:-xso/orchestrator:latest}"
runs="${1:-3}"
echo "image $image: $(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1000000 }')"
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  container="$(docker run -d -p 127.0.0.1::8080 "$image")"
  port="$(docker port "$container" 8080/tcp | head -n 1 | awk -F: '{ print $NF }')"
  ready=""
  for _ in $(seq 1 1800); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness")" = 200 ]; then
      ready=$(date +%s%N)
      break
    fi
    sleep 0.1
  done
  docker rm -f -v "$container" >/dev/null
  if [ -z "$ready" ]; then
    echo "run $run: not ready within 3 min" >&2
    exit 1
  fi
  echo "run $run: ready $(( (ready - start) / 1000000 )) ms after docker run (load $(cut -d' ' -f1 /proc/loadavg))"
done
