#!/bin/sh
# Regenerates the protobufjs code for proto/portmesh.proto (committed, so builds need no generator run).
set -e
cd "$(dirname "$0")/.."
npx pbjs -t static-module -w es6 --force-number --no-verify --no-convert --no-delimited --no-beautify -o src/wire/pb/portmesh.js proto/portmesh.proto
npx pbts -o src/wire/pb/portmesh.d.ts src/wire/pb/portmesh.js
