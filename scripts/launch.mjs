#!/usr/bin/env node
/**
 * Runs one of the project's TypeScript entry points: `node scripts/launch.mjs -- scripts/quickstart.ts [args]`.
 *
 * The `--` (optional) is what the npm scripts write: Node.js 20 and later read `--env-file` anywhere on their
 * command line, also after the script's name (nodejs/node#54232), and stop looking at a `--`; without it,
 * `npm run quickstart -- --env-file .env.room` would be Node's own option (exit 9 when the file is missing, and
 * the file loaded as if the shell had set it). The entry never sees that `--`.
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
if (process.argv[2] === "--") process.argv.splice(2, 1);

// npm runs a script through `sh -c`: a `kill -TERM` to npm (a process manager, `docker stop`, a CI teardown)
// reaches that shell, and dash dies without passing it on, leaving the program running with nobody above it
// (its state lock held, its port taken). When the parent is gone, the program gets SIGHUP, as when its terminal
// closes: it cleans up and exits 129.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  process.kill(process.pid, "SIGHUP");
}, 500);
orphaned.unref();
import("./launch-bundled.mjs");
