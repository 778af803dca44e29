/**
 * The form of an access token, read without any key: what the token inspector (`npm run token`) and the
 * emulator's dashboard both show. Decoding is jose's; nothing here checks a signature.
 *
 * An ACS access token is a signed JWT (JWS compact form: three base64url parts). Its claims, as seen in real
 * tokens and minted by the emulator (the format is not contractual; see the emulator's README, "Tokens"):
 * `skypeid` (`acs:<resource id>_<user>`: the identity without its `8:`; `orgid:<object id>` for a Teams user),
 * `acsScope` (the scopes, comma-separated), `resourceId`, `resourceLocation`, `iat` and `exp` (epoch seconds),
 * `scp`, `csi`, `rgn`. Tokens that Microsoft Entra ID issues for its users may instead be encrypted (JWE compact
 * form: five parts, a header with `enc`): only their audience can read their claims.
 */
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { decodeJwt } from "jose/jwt/decode";

/** What a token is, read without a key. */
export type TokenReading =
  | {
      /** A signed JWT (JWS compact serialisation): header and claims are readable by anyone. */
      form: "jws";
      /** The token as read: whitespace, quotes and a `Bearer ` prefix removed. */
      token: string;
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
    }
  | {
      /** An encrypted JWT (JWE compact serialisation): only the header is readable. */
      form: "jwe";
      token: string;
      header: Record<string, unknown>;
    };

/** Input that is not a token in any form: what is wrong with it, in one sentence (never the input itself). */
export class TokenFormatError extends Error {
  override readonly name = "TokenFormatError";
}

/**
 * Reads a token as a person pastes it: whitespace and line breaks anywhere (a JWT has none), surrounding
 * quotes, a leading `Bearer ` are ignored.
 * @throws {TokenFormatError} when it is empty, has neither 3 nor 5 parts, or its parts are not base64url JSON.
 */
export function readAccessToken(input: string): TokenReading {
  const token = input
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^bearer /i, "")
    .replace(/^(["'])(.*)\1$/, "$2")
    .replace(/\s/g, "");
  if (token === "") throw new TokenFormatError("No token was given: the input is empty.");
  const parts = token.split(".");
  if (parts.length !== 3 && parts.length !== 5) {
    throw new TokenFormatError(
      `This is not a JWT: a signed token has 3 parts separated by '.', an encrypted one 5, and this has ${parts.length}.`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(token)) {
    throw new TokenFormatError("This is not a JWT: its parts must be base64url (A-Z a-z 0-9 - _).");
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenFormatError("This is not a JWT: its first part is not a base64url-encoded JSON object.");
  }
  if (parts.length === 5) {
    if (typeof header.enc !== "string") {
      throw new TokenFormatError(
        "This is not a JWT: it has 5 parts like an encrypted token (JWE), but its header names no encryption (enc).",
      );
    }
    return { form: "jwe", token, header };
  }
  try {
    return { form: "jws", token, header, claims: decodeJwt(token) };
  } catch {
    throw new TokenFormatError("This is not a JWT: its second part is not a base64url-encoded JSON object.");
  }
}

/** What the claims of an access token say, in the tutorial's words. */
export interface AccessTokenFacts {
  /**
   * Whose token it is: `communication-user` (an identity of a Communication Services resource), `teams-user`
   * (a Microsoft 365 user, from the Teams exchange), or `other` (no `skypeid`: not an ACS access token).
   */
  holder: "communication-user" | "teams-user" | "other";
  /** The identity's id as the SDK writes it (`8:acs:<resource id>_<user>`; `8:orgid:<object id>`). */
  identity?: string;
  /** The scopes, from `acsScope` (empty when the claim is missing). */
  scopes: string[];
  resourceId?: string;
  resourceLocation?: string;
  /** From `iat` and `exp` (epoch seconds); missing or non-numeric claims are left out. */
  issuedAt?: Date;
  expiresOn?: Date;
  /** Whether the emulator issued it: only its tokens carry the private claim `emulatorSeq`. */
  fromEmulator: boolean;
}

/** The ACS facts of a token's claims (see {@link AccessTokenFacts}). */
export function accessTokenFacts(claims: Record<string, unknown>): AccessTokenFacts {
  const skypeid = typeof claims.skypeid === "string" ? claims.skypeid : undefined;
  const holder = skypeid?.startsWith("orgid:")
    ? "teams-user"
    : skypeid !== undefined
      ? "communication-user"
      : "other";
  const seconds = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) ? new Date(value * 1000) : undefined;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const issuedAt = seconds(claims.iat);
  const expiresOn = seconds(claims.exp);
  const resourceId = text(claims.resourceId);
  const resourceLocation = text(claims.resourceLocation);
  return {
    holder,
    ...(skypeid !== undefined ? { identity: `8:${skypeid}` } : {}),
    scopes:
      typeof claims.acsScope === "string"
        ? claims.acsScope
            .split(",")
            .map((scope) => scope.trim())
            .filter(Boolean)
        : [],
    ...(resourceId ? { resourceId } : {}),
    ...(resourceLocation ? { resourceLocation } : {}),
    ...(issuedAt ? { issuedAt } : {}),
    ...(expiresOn ? { expiresOn } : {}),
    fromEmulator: typeof claims.emulatorSeq === "number",
  };
}
