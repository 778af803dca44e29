/**
 * The token inspector: what a token says (offline, common's decoder), what its scopes let its holder do
 * (core's SCOPE_CAPABILITIES), when it expires, and, for the emulator's tokens, whether the emulator still
 * accepts it (./validity.ts).
 */
import {
  type AccessTokenFacts,
  accessTokenFacts,
  readAccessToken,
  type TokenReading,
} from "@acs-quickstart/common";
import type { Texts } from "@acs-quickstart/core";
import { SCOPE_CAPABILITIES } from "@acs-quickstart/core";
import { checkValidity, type ValidityCheck, type ValidityOptions } from "./validity.js";

export interface ScopeExplained {
  scope: string;
  /** What it lets the holder do; missing for a scope the tutorial does not know. */
  capability?: Texts;
}

/** Everything the inspector found, before it is worded (text or JSON). */
export interface Inspection {
  reading: TokenReading;
  /** For a signed token: what its claims say. */
  facts?: AccessTokenFacts;
  scopes: ScopeExplained[];
  /** `exp - iat`, in whole minutes, when both are there. */
  lifetimeMinutes?: number;
  /** Whether `exp` has passed (undefined without `exp`). */
  expired?: boolean;
  validity: ValidityCheck;
}

/**
 * Inspects a token as pasted (see common's readAccessToken).
 * @throws {TokenFormatError} when the input is not a token in any form.
 */
export async function inspectToken(
  input: string,
  options: ValidityOptions & { now?: Date } = {},
): Promise<Inspection> {
  const reading = readAccessToken(input);
  if (reading.form === "jwe") {
    // Encrypted: no claims to read, nothing an emulator could have issued.
    return { reading, scopes: [], validity: { checked: false, why: "not-ours" } };
  }
  const facts = accessTokenFacts(reading.claims);
  const now = options.now ?? new Date();
  const known = SCOPE_CAPABILITIES as Readonly<Record<string, Texts>>;
  return {
    reading,
    facts,
    scopes: facts.scopes.map((scope) =>
      Object.hasOwn(known, scope) ? { scope, capability: known[scope] as Texts } : { scope },
    ),
    ...(facts.issuedAt && facts.expiresOn
      ? { lifetimeMinutes: Math.round((facts.expiresOn.getTime() - facts.issuedAt.getTime()) / 60_000) }
      : {}),
    ...(facts.expiresOn ? { expired: facts.expiresOn.getTime() <= now.getTime() } : {}),
    validity: await checkValidity(reading.token, facts, options),
  };
}

/** Whether the inspection found the token not valid: expired, or refused by the emulator that was asked. */
export function isInvalid(inspection: Inspection): boolean {
  return inspection.expired === true || (inspection.validity.checked && !inspection.validity.verdict.valid);
}
