#!/usr/bin/env bash
# Container HEALTHCHECK for the pix2pix workers: GET /q/health/live (Quarkus
# SmallRye Health) must answer HTTP 200. Pure bash (/dev/tcp), because the
# runtime images ship neither curl nor wget.
#   healthcheck [PATH] [PORT]     defaults: /q/health/live 8080
set -euo pipefail
path="${1:-/q/health/live}"
port="${2:-${QUARKUS_HTTP_PORT:-8080}}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "${path}" >&3
IFS= read -r -t 4 status <&3
exec 3<&- 3>&-
case "${status}" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "unhealthy: ${status:-no response}" >&2; exit 1 ;;
esac
