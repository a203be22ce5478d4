#!/usr/bin/env bash
# Run before `npm test`. Checks only, never installs: the scale-out suite
# (test/scale/replicas.test.ts) needs a real redis-server, which the test starts on 127.0.0.1.
# Without one, that suite skips itself with the same advice, and every other suite runs.
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "note: redis-server is not installed, so the scale-out suite (test/scale/replicas.test.ts) is skipped. To run it, install Redis, e.g. \`sudo apt-get install redis-server\` (Debian/Ubuntu) or \`brew install redis\` (macOS)." >&2
exit 0
