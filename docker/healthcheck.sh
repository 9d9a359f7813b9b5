#!/usr/bin/env bash
# The image's health check: the service's readiness group answers 200. Plain bash (/dev/tcp), so
# a base image needs neither curl nor wget.
set -eu
port="${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /actuator/health/readiness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
case "$status" in
  "HTTP/1.1 200"*) exit 0 ;;
  *) echo "readiness: ${status:-no answer}"; exit 1 ;;
esac
