/**
 * `@acs-quickstart/emulator/testing`: what other packages' tests need of the emulator beyond its public
 * API, so that they never reach into `src/` of this package.
 *
 * - {@link readStateFile}, {@link writeStateFile}: the emulator's state file, as the emulator reads and writes it
 * - {@link decodeJwt}: the header and claims of an access token, without checking it
 * - {@link testSigningKey}: one signing key for all the emulators a test process starts
 */
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { decodeJwt as decodeClaims } from "jose/jwt/decode";
import { generateSigningKey } from "./tokens.js";

export {
  EmulatorStateError,
  type PersistedIdentity,
  type PersistedState,
  readStateFile,
  STATE_FILE_VERSION,
  writeStateFile,
} from "./state-file.js";

/**
 * The protected header and the claims of a compact JWT (an access token the emulator issued, or any other),
 * decoded with jose and NOT verified.
 * @throws jose's `JWTInvalid` when `token` is not a compact JWT whose header and payload are JSON objects.
 */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  return { header: decodeProtectedHeader(token), payload: decodeClaims(token) };
}

let key: Promise<string> | undefined;

/**
 * A signing key (PKCS#8 PEM) made once per process, for `createEmulator({ signingKey })`: each emulator of a
 * test would otherwise make its own, at 0.2-0.3 s of CPU each. Tests that compare two emulators' keys must
 * not use it for both.
 */
export function testSigningKey(): Promise<string> {
  key ??= generateSigningKey().then((k) => k.privateKeyPem);
  return key;
}
