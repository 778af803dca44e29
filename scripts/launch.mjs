#!/usr/bin/env node
/**
 * Runs one of the project's TypeScript entry points: `node scripts/launch.mjs scripts/quickstart.ts [args]`.
 *
 * First it checks the Node.js version, with nothing else loaded yet: on a Node.js older than the project
 * supports, one line and exit 2 (a configuration error), instead of whatever the first newer feature would
 * throw. Then launch-bundled.mjs runs the entry. This file is written for old Node.js too: no top-level await,
 * nothing newer than ES modules themselves.
 */
import { nodeTooOld } from "./node-version.mjs";

const tooOld = nodeTooOld(process.versions.node);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(2);
}
import("./launch-bundled.mjs");
