#!/usr/bin/env bash
# Runs every test: the Swift test suite (unit, virtual-time, scenario and end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
swift build --build-tests
swift test --skip-build --parallel
