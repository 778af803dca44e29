/**
 * npm run token -- inspect <token>: the token inspector (`npm run token -- --help`). The code is packages/workshop.
 */
import { runTokenCommand } from "@acs-quickstart/workshop";
import { runEntry } from "./entry.js";

runEntry("token", () => runTokenCommand(process.argv.slice(2)));
