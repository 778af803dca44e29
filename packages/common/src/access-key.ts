/**
 * The form of an access key: what the Azure portal shows under Settings → Keys, the base64 text of the
 * key's bytes. The SDK decodes it (`Buffer.from(key, "base64")`) to sign each request with HMAC-SHA256, and
 * Node's decoder forgives mistakes silently (URL-safe letters, missing padding, stray bits), so a key that
 * is not canonical would sign with bytes the resource does not have. One rule, here, for every place that
 * takes a key: the quickstart's configuration, the emulator's `--access-key` and `createEmulator`, and
 * `ACS_EMULATOR_ACCESS_KEY`.
 */

/** How to make a new key: a shell command whose output is one. */
export const NEW_ACCESS_KEY_COMMAND = "openssl rand -base64 32";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Whether `value` is an access key: not empty, standard base64 (`A–Z a–z 0–9 + /`), padded with `=` to a
 * multiple of 4 characters, and canonical (decoding and encoding again gives the same text: `AR==` is not,
 * its last character carries bits no byte has).
 */
export function isAccessKey(value: string): boolean {
  return value !== "" && BASE64.test(value) && Buffer.from(value, "base64").toString("base64") === value;
}

/**
 * Why `value` is not an access key, to follow "…is not valid base64" in a message: e.g. `"it uses '-' or
 * '_' (URL-safe base64)"`; `undefined` when it is one. Never repeats the value.
 */
export function accessKeyProblem(value: string): string | undefined {
  if (isAccessKey(value)) return undefined;
  if (value === "") return "it is empty";
  if (/[-_]/.test(value) && /^[A-Za-z0-9\-_]+=*$/.test(value)) return "it uses '-' or '_' (URL-safe base64)";
  if (!/^[A-Za-z0-9+/=]+$/.test(value)) return "it contains characters a key never has";
  if (/=[^=]/.test(value) || /={3,}$/.test(value)) return "'=' may only appear at the end, once or twice";
  if (value.length % 4 !== 0) {
    return `its length (${value.length} characters) is not a multiple of 4; part of it is missing or extra`;
  }
  return "it is not in canonical form (was it edited?)";
}
