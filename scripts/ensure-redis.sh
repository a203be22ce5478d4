#!/usr/bin/env bash
# The scale-out suite runs a real redis-server (started by the test itself on 127.0.0.1).
# Install it from the OS packages when it is missing and we may; otherwise say how.
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing redis-server (needed by the scale-out tests)…" >&2
  (apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq redis-server >/dev/null 2>&1; }) && exit 0
fi
echo "warning: redis-server is not installed; the scale-out tests will fail. Install it (apt-get install redis-server)." >&2
exit 0
