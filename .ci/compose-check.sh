#!/usr/bin/env bash
# CI: checks compose.yaml and the Dockerfile without a Docker engine (none runs here).
# compose.yaml: Debian's docker-compose validates it against the Compose file schema.
# Dockerfile: Debian 12 packages no Dockerfile linter (no hadolint), so only consistency with
# the tree: the stages compose.yaml builds exist, and what the Dockerfile copies is there.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh compose-check
docker-compose -f compose.yaml config -q
echo "compose.yaml: valid ($(docker-compose version --short))"

# The cluster profile: six cluster-enabled Redis nodes, the one-shot step that joins them (three
# masters with a replica each), and the proxy in front of them.
cluster=$(docker-compose -f compose.yaml --profile cluster config)
fail() { echo "compose.yaml, profile cluster: $1" >&2; exit 1; }
for n in 1 2 3 4 5 6; do
  grep -qE "^  cluster-$n:\$" <<<"$cluster" || fail "no service cluster-$n"
done
[ "$(grep -c -- '- --cluster-enabled' <<<"$cluster")" -ge 6 ] || fail "nodes without --cluster-enabled"
grep -q -- '--cluster-replicas 1 --cluster-yes' <<<"$cluster" || fail "no cluster-create step"
grep -q 'redis+cluster://' <<<"$cluster" || fail "no proxy with --backend redis+cluster://"
grep -q 'service_completed_successfully' <<<"$cluster" || fail "the proxy does not wait for the create step"
echo "compose.yaml: profile cluster has six nodes, the create step and the proxy in front"

stages=$(sed -nE 's/^FROM[[:space:]].*[[:space:]]AS[[:space:]]+([A-Za-z0-9_.-]+).*/\1/ip' Dockerfile)
for target in $(sed -nE 's/^[[:space:]]+target:[[:space:]]*([A-Za-z0-9_.-]+).*/\1/p' compose.yaml); do
  grep -qx "$target" <<<"$stages" || { echo "compose.yaml builds target '$target': no such stage" >&2; exit 1; }
done
while read -r _ args; do
  read -r -a words <<<"$args"
  for src in "${words[@]:0:${#words[@]}-1}"; do
    [ -e "$src" ] || { echo "Dockerfile copies '$src', which does not exist" >&2; exit 1; }
  done
done < <(grep -E '^COPY[[:space:]]' Dockerfile | grep -v -- '--from=')
echo "Dockerfile: stages $(echo $stages) found, every COPY source exists (no linter in Debian 12)"
