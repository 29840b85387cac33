#!/usr/bin/env bash
# Exits 0 when the RESP server at HOST:PORT (default 127.0.0.1:6380) answers PING within 2 s:
# +PONG, or NOAUTH from a server that wants a password first (it is up all the same).
# Only bash's /dev/tcp, so the container image needs no redis-cli for its health check.
#   scripts/resp-ping.sh [HOST] [PORT]
set -u
host="${1:-127.0.0.1}"
port="${2:-6380}"
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf '*1\r\n$4\r\nPING\r\n' >&3 || exit 1
IFS= read -r -t 2 reply <&3 || exit 1
case "$reply" in
  $'+PONG\r' | -NOAUTH*) exit 0 ;;
  *) echo "unexpected reply to PING: $reply" >&2; exit 1 ;;
esac
