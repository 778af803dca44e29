/**
 * npm run exercise -- <command> <step>: the tutorial's steps as exercises (`npm run exercise -- --help`).
 * The code is packages/workshop.
 *
 * A learner's sample that does not compile must not stop the exercises: scripts/launch-bundled.mjs then bundles
 * this entry with the committed version of that file, and sets the global below to esbuild's errors before it
 * loads the bundle; `verify` of that step fails with them, every other command works as usual.
 */
import { type CompileError, runExerciseCommand } from "@acs-quickstart/workshop";
import { runEntry } from "./entry.js";

/** Set by scripts/launch-bundled.mjs (COMPILE_ERRORS there): the samples' compile errors, when there are any. */
const compileErrors = (globalThis as { [key: symbol]: unknown })[
  Symbol.for("acs-quickstart.compile-errors")
] as CompileError[] | undefined;

runEntry("exercise", () => runExerciseCommand(process.argv.slice(2), compileErrors ? { compileErrors } : {}));
