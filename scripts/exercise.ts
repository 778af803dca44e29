/**
 * npm run exercise -- <command> <step>: the tutorial's steps as exercises (`npm run exercise -- --help`).
 * The code is packages/workshop.
 */
import { runExerciseCommand } from "@acs-quickstart/workshop";
import { runEntry } from "./entry.js";

runEntry("exercise", () => runExerciseCommand(process.argv.slice(2)));
