/**
 * Passwords, stored as scrypt hashes (node:crypto) in the PHC string format:
 * `$scrypt$ln=14,r=8,p=1$<salt, base64>$<hash, base64>`. The string records its own cost, so a service can
 * raise the cost for new hashes and still check the old ones.
 *
 * Cost: ln=14 (N = 2^14, 16 MiB) is Node's default and takes about 80 ms of CPU on a small machine. OWASP's
 * Password Storage Cheat Sheet asks for at least N = 2^17 (ln=17, about 0.6 s here): use that in production.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const KEY_LENGTH = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** The scrypt cost of new hashes, as log2(N). */
export const DEFAULT_COST = 14;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

/** A new hash of `password` with a random salt. `cost` is log2(N), from 10 to 20. */
export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < 10 || cost > 20) throw new RangeError("cost must be 10..20");
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost, 8, 1);
  return `$scrypt$ln=${cost},r=8,p=1$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `password` matches `stored` (compared in constant time).
 * @throws {Error} when `stored` is not a hash this module wrote.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) throw new Error("Not a scrypt password hash ($scrypt$ln=…,r=…,p=…$salt$hash).");
  const [, ln, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), Number(ln), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
