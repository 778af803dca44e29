/**
 * Formatting helpers that keep a step's output short and safe to share.
 *
 * Everything here uses UTC only (`toISOString` and plain millisecond arithmetic), never the
 * local time zone, so the same token prints the same way on every computer.
 */

/**
 * When an access token expires, in a form a person can read and compare across machines:
 * `2026-11-26T01:16:45Z (in 23 h 59 min)`.
 *
 * The time left is rounded down to the minute ("at least this long"); past expiries read
 * `expired 5 min ago`.
 * @param now the moment to compare with (tests pass a fixed one).
 */
export function formatExpiry(expiresOn: Date, now: Date = new Date()): string {
  const expires = expiresOn.getTime();
  if (Number.isNaN(expires)) throw new RangeError("formatExpiry: expiresOn is not a valid date");
  const iso = expiresOn.toISOString().replace(/\.\d{3}Z$/, "Z");
  const left = expires - now.getTime();
  return `${iso} (${left > 0 ? `in ${duration(left)}` : `expired ${duration(-left)} ago`})`;
}

/** `23 h 59 min`, `1 h 0 min`, `59 min`, `less than a minute`. */
function duration(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * The scopes of an access token, as a sentence names them: `'voip' scope`, `'chat, voip' scopes` (the
 * scopes in the order given, "scope" for one, "scopes" for more).
 * @throws {RangeError} for an empty list: a token always has at least one scope.
 */
export function formatScopes(scopes: readonly string[]): string {
  if (scopes.length === 0) throw new RangeError("formatScopes: a token has at least one scope");
  return `'${scopes.join(", ")}' ${scopes.length === 1 ? "scope" : "scopes"}`;
}

let reveal = false;

/** Whether {@link maskToken} shows secrets in full by default. The runner sets it from `--show-secrets`. */
export function setRevealSecrets(value: boolean): void {
  reveal = value;
}

/** The current default for {@link maskToken}: `false` unless {@link setRevealSecrets} said otherwise. */
export function revealSecrets(): boolean {
  return reveal;
}

/** The most characters of a secret that {@link maskToken} ever shows. */
export const MASK_VISIBLE_CHARACTERS = 12;

/**
 * An access token is a password for one identity: anyone who has it can act as that identity
 * until it expires. So print only its beginning, enough to tell two tokens apart:
 * `eyJhbGciOiJS… (1123 characters)`.
 *
 * At most 12 characters are shown, and never more than a third of a short value.
 * @param options.reveal show the whole token (default: {@link revealSecrets}()).
 */
export function maskToken(token: string, options: { reveal?: boolean } = {}): string {
  if (options.reveal ?? reveal) return token;
  const visible = Math.min(MASK_VISIBLE_CHARACTERS, Math.floor(token.length / 3));
  const count = token.length === 1 ? "1 character" : `${token.length} characters`;
  return `${token.slice(0, visible)}… (${count})`;
}
