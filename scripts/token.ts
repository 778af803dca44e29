/**
 * npm run token -- inspect <token>: the token inspector (`npm run token -- --help`). The code is
 * packages/workshop/src/token, imported alone: the inspector never loads the samples (the runner's registry does),
 * so a learner's exercise that does not compile cannot stop it.
 */
import { runTokenCommand } from "@acs-quickstart/workshop/token";
import { runEntry } from "./entry.js";

runEntry("token", () => runTokenCommand(process.argv.slice(2)));
