/**
 * Reading `.env` (or the file `--env-file` names) into the environment, and what a learner should know about
 * it: a shell variable that hides a different value in the file, and variables whose names look like this
 * quickstart's but are not the ones it reads (other Microsoft tools and docs spell them differently).
 */
import { existsSync } from "node:fs";
import dotenv from "dotenv";

/** Something about the configuration worth a line of output; the run goes on. */
export interface ConfigNotice {
  kind: "shadowed-variable" | "unread-variable" | "unusual-value";
  variable: string;
  message: string;
}

/** Variables this quickstart (or the SDK it drives) reads: a shell value hiding the file's is worth saying. */
const USED =
  /^(COMMUNICATION_SERVICES_|AZURE_(TENANT_ID|CLIENT_ID|CLIENT_SECRET)$|ACS_|NODE_EXTRA_CA_CERTS$|(HTTPS?|ALL|NO)_PROXY$)/i;
/** Of those, the ones whose values may be shown (paths, hosts, ids: no keys, no secrets). */
const SHOWABLE =
  /^(NODE_EXTRA_CA_CERTS|ACS_QUICKSTART_STATE_DIR|COMMUNICATION_SERVICES_ENDPOINT|AZURE_TENANT_ID|AZURE_CLIENT_ID|NO_PROXY)$/i;

export interface LoadedEnvFile {
  /** Where a variable came from, for error messages: the file, or the environment. */
  sourceOf(variable: string): string;
  /** The file's own values (empty when there is no file). */
  fileValues: Record<string, string>;
  /** Variables set in the environment that hide a different value in the file. */
  shadowed: ConfigNotice[];
}

/**
 * Loads `envFile` into `env` without overriding variables that are already present (even empty), like
 * `node --env-file`. A missing file is no file. @throws {Error} with `code` when the file cannot be read.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv, envFile: string | false): LoadedEnvFile {
  const before = new Map(Object.entries(env));
  let fileValues: Record<string, string> = {};
  if (envFile !== false) {
    const result = dotenv.config({ path: envFile, quiet: true, processEnv: env as Record<string, string> });
    const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
    if (result.error && code !== "ENOENT") throw Object.assign(result.error, { code });
    fileValues = result.parsed ?? {};
  }
  const shadowed: ConfigNotice[] = [];
  for (const [variable, fileValue] of Object.entries(fileValues)) {
    const shell = before.get(variable);
    if (shell === undefined || shell === fileValue || fileValue === "" || !USED.test(variable)) continue;
    // Both certificates are trusted only when both can be read; else the run stops on the one that cannot
    // (client.ts names it), and a note saying both are trusted would contradict it.
    if (variable === "NODE_EXTRA_CA_CERTS" && shell !== "" && !(existsSync(shell) && existsSync(fileValue)))
      continue;
    const show = SHOWABLE.test(variable);
    const theirs = show ? ` (${fileValue})` : "";
    const message =
      variable === "NODE_EXTRA_CA_CERTS" && shell !== ""
        ? `NODE_EXTRA_CA_CERTS is set in the shell (${shell}) and differently in ${envFile}${theirs}: both certificates are trusted.`
        : shell === ""
          ? `${variable} is set but empty in the shell, so its value in ${envFile} is not used. Unset it (unset ${variable}) to use the file's.`
          : `${variable} is set in the shell${show ? ` (${shell})` : ""} and differently in ${envFile}${theirs}: the shell's value is used.`;
    shadowed.push({ kind: "shadowed-variable", variable, message });
  }
  return {
    sourceOf: (variable) =>
      envFile !== false && !before.has(variable) && variable in fileValues
        ? `the .env file (${envFile})`
        : "the environment",
    fileValues,
    shadowed,
  };
}

/** The variables this quickstart reads for the resource, and the other spellings that mean the same. */
export const RESOURCE_VARIABLES = {
  connectionString: "COMMUNICATION_SERVICES_CONNECTION_STRING",
  endpoint: "COMMUNICATION_SERVICES_ENDPOINT",
  accessKey: "COMMUNICATION_SERVICES_ACCESS_KEY",
} as const;

/**
 * Spellings Microsoft documents for this quickstart, read as the same variable: the page "Create and manage
 * access tokens" uses COMMUNICATION_SERVICES_ACCESSKEY for the key.
 */
export const ACCESS_KEY_ALIASES = ["COMMUNICATION_SERVICES_ACCESSKEY"] as const;

/** Variables read by the quickstart's runner or its emulator that look like resource variables. */
const OWN = /^(ACS_QUICKSTART_|ACS_EMULATOR_)/;

/** `endpoint=https://…;accesskey=…` in either order, any case, quoted or not (the form, never the value, is used). */
const ACS_CONNECTION_STRING_FORM =
  /^\s*["']?\s*(endpoint\s*=\s*https?:\/\/[^;]+;\s*accesskey\s*=|accesskey\s*=[^;]+;\s*endpoint\s*=\s*https?:\/\/)/i;

/**
 * Set variables whose names look like a connection string, endpoint or access key of Communication Services
 * but are not the ones this quickstart reads (e.g. the SDK tests' COMMUNICATION_CONNECTION_STRING, the Azure
 * CLI's AZURE_COMMUNICATION_CONNECTION_STRING), or whose value is a connection string of Communication Services
 * (whatever the name: CONNECTION_STRING), each with the variable it probably meant. Never a value.
 */
export function unreadVariables(env: NodeJS.ProcessEnv): Array<{ variable: string; meant: string }> {
  const read = new Set<string>([...Object.values(RESOURCE_VARIABLES), ...ACCESS_KEY_ALIASES]);
  const found: Array<{ variable: string; meant: string }> = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!value || read.has(variable) || OWN.test(variable)) continue;
    const name = variable.toUpperCase();
    // Whatever its name (CONNECTION_STRING, ACS, MY_CS…), a value in the form of a Communication Services
    // connection string is one.
    if (ACS_CONNECTION_STRING_FORM.test(value)) {
      found.push({ variable, meant: RESOURCE_VARIABLES.connectionString });
      continue;
    }
    if (!/COMMUNICATION|(^|_)ACS(_|$)/.test(name)) continue;
    const meant = /CONNECTION_?STRING|CONN_?STR/.test(name)
      ? RESOURCE_VARIABLES.connectionString
      : /ENDPOINT|_URL$|_URI$/.test(name)
        ? RESOURCE_VARIABLES.endpoint
        : /ACCESS_?KEY|(^|_)KEY$|_KEY_|PRIMARY_?KEY/.test(name)
          ? RESOURCE_VARIABLES.accessKey
          : undefined;
    if (meant) found.push({ variable, meant });
  }
  return found.sort((a, b) => a.variable.localeCompare(b.variable));
}
