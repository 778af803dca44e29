/**
 * The form of an access key: what the Azure portal shows under Settings → Keys, the base64 text of the
 * key's bytes. The SDK decodes it (`Buffer.from(key, "base64")`, in @azure/communication-common's
 * `createCommunicationAccessKeyCredentialPolicy`) to sign each request with HMAC-SHA256, and so does the
 * emulator to check the signature. Node's decoder is lenient: it reads both alphabets (`+` `/` and the
 * URL-safe `-` `_`), skips every other character (spaces, line breaks, quotes, a `;`), needs no `=` padding,
 * and ignores the spare bits of the last character; so such a value signs with the same bytes as the portal's
 * text, and works. What cannot be a copy of a key is refused: no base64 letters at all, letters after an `=`
 * (decoding stops at the first `=`, the rest would be lost), and a count of letters that leaves one alone (a
 * character lost or added: the decoder drops it). One rule, here, for every place that takes a key: the
 * quickstart's configuration, the emulator's `--access-key` and `createEmulator`, and `ACS_EMULATOR_ACCESS_KEY`.
 */

/** How to make a new key: a shell command whose output is one. */
export const NEW_ACCESS_KEY_COMMAND = "openssl rand -base64 32";

const LETTER = /[A-Za-z0-9+/\-_]/;
const LETTERS = /[A-Za-z0-9+/\-_]/g;

/** The part Node decodes: everything before the first `=`. */
function decoded(value: string): string {
  const padding = value.indexOf("=");
  return padding === -1 ? value : value.slice(0, padding);
}

/**
 * Why `value` cannot be an access key, to follow "…cannot be an access key:" in a message (e.g. `"'=' may
 * only appear at the end"`); `undefined` when it can. Never repeats the value.
 */
export function accessKeyProblem(value: string): string | undefined {
  if (value.trim() === "") return "it is empty";
  const letters = decoded(value).match(LETTERS)?.length ?? 0;
  if (LETTER.test(value.slice(decoded(value).length))) {
    return "'=' may only appear at the end (decoding stops at the first '=')";
  }
  if (letters === 0) return "it has no base64 characters at all";
  if (letters % 4 === 1) {
    return `its length (${letters} base64 characters, without padding) leaves one character alone: a character is missing or extra`;
  }
  return undefined;
}

/** Whether `value` can be used as an access key: the SDK decodes it to bytes (see {@link accessKeyProblem}). */
export function isAccessKey(value: string): boolean {
  return accessKeyProblem(value) === undefined;
}

/**
 * Whether `value` is written exactly as the portal writes a key: canonical standard base64, padded, nothing
 * else. Tells a key from other text (an endpoint, a connection string) where either could have been pasted.
 */
export function isCanonicalAccessKey(value: string): boolean {
  return isAccessKey(value) && canonicalAccessKey(value) === value;
}

/** The portal's spelling of a usable key (same bytes): standard base64, padded, nothing else. */
export function canonicalAccessKey(value: string): string {
  return Buffer.from(value, "base64").toString("base64");
}

/**
 * How a usable key differs from the portal's text, for a note: it works, but a wrong key is then worth
 * suspecting. `undefined` when it is exactly in the portal's form (or is not a usable key at all).
 */
export function accessKeyNote(value: string): string | undefined {
  if (!isAccessKey(value) || isCanonicalAccessKey(value)) return undefined;
  if (/\s/.test(value)) return "it has spaces or line breaks in it";
  if (/[^A-Za-z0-9+/\-_=]/.test(value)) return "it has characters that are not base64, which decoding skips";
  if (/[-_]/.test(value)) return "it uses '-' or '_' (URL-safe base64)";
  const canonical = canonicalAccessKey(value);
  if (canonical.replace(/=+$/, "") === value) return "it lacks the '=' padding at the end";
  if (canonical.replace(/=+$/, "") === value.replace(/=+$/, ""))
    return "it has more '=' at the end than base64 needs";
  return "its last character is not the one the portal shows (was it edited?)";
}
