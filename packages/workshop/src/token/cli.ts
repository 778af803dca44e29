/**
 * `npm run token -- inspect [TOKEN] [options]`: the token inspector's command line (node:util parseArgs).
 */
import { stateDir, TokenFormatError } from "@acs-quickstart/common";
import { type CommandIO, readCommandLine } from "../io.js";
import { inspectToken, isInvalid } from "./inspect.js";
import { inspectionJson, renderInspection } from "./render.js";

export const TOKEN_USAGE = `Usage: npm run token -- inspect [TOKEN] [options]

Decodes an access token offline: its header and claims, what its scopes let its holder do, when it expires.
For a token the emulator issued, it also asks that emulator whether the token is still valid: the signature
(through the emulator's JWKS), revoked, identity deleted, expired. Use it instead of pasting a token into a
website: a token is a password for its identity until it expires.

TOKEN is the access token (\`npm run quickstart -- --show-secrets\` prints the tokens it issues in full).
Without it (or with -), the token is read from stdin:  pbpaste | npm run --silent token -- inspect

Options:
  --check            ask an emulator even when the token does not look like one of its tokens
  --offline          decode only; ask no emulator
  --show-secrets     print the token in full (it is masked by default)
  --json             print one JSON object instead of text
  --env-file FILE    read the configuration from FILE instead of .env (e.g. the room's .env.room)
  --lang en|zh-CN    the language of the explanations (default: from LANG)
  -h, --help         show this help

Which emulator is asked: the one whose state holds the token's resource (the built-in emulator's
.quickstart/emulator-state.json, or the standalone emulator's .quickstart/emulator/), else the resource
configured in COMMUNICATION_SERVICES_CONNECTION_STRING, in the environment or .env (or --env-file FILE): for
example the room's emulator.

Exit codes: 0 the token was read (and is valid, when checked), 1 it has expired or the emulator does not accept
it, 2 the input is not a token, or a usage error.
`;

/** Runs the token command with these arguments; resolves to the exit code. */
export async function runTokenCommand(argv: readonly string[], io: CommandIO = {}): Promise<number> {
  const line = readCommandLine("token", TOKEN_USAGE, argv, io, {
    check: { type: "boolean" },
    offline: { type: "boolean" },
    "show-secrets": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (typeof line === "number") return line;
  const { values, positionals, language, env, envFile, stdout, stderr, usageError } = line;
  const [command, given, ...extra] = positionals;
  if (command !== "inspect") {
    return usageError(command === undefined ? "say what to do: inspect." : `unknown command '${command}'.`);
  }
  if (extra.length > 0) return usageError(`one token at a time (got ${extra.length + 1} arguments).`);
  if (values.check && values.offline) return usageError("--check and --offline exclude each other.");
  let input = given;
  if (input === undefined || input === "-") {
    const stdin = io.stdin ?? process.stdin;
    if ((stdin as { isTTY?: boolean }).isTTY) {
      return usageError("give the token as an argument, or pipe it in on stdin.");
    }
    input = await readAll(stdin);
  }
  const now = io.now?.() ?? new Date();
  try {
    const inspection = await inspectToken(input, {
      env,
      ...(envFile !== undefined ? { envFile } : {}),
      force: values.check === true,
      offline: values.offline === true,
      now,
    });
    const reveal = values["show-secrets"] === true;
    stdout.write(
      values.json
        ? `${JSON.stringify(inspectionJson(inspection, { reveal }), null, 2)}\n`
        : renderInspection(inspection, { language, reveal, now, stateDir: stateDir(env) }),
    );
    return isInvalid(inspection) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof TokenFormatError)) throw error;
    stderr.write(
      `token: ${error.message}\n` +
        "An access token looks like eyJhbGciOi…: three parts of letters, digits, '-' and '_', separated by '.'.\n",
    );
    return 2;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
  return text;
}
