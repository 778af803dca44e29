/**
 * Around the revoke step: on the emulator, show that a token issued before the revocation stops working and
 * one issued after it works; against a real resource, say how long revocation takes to spread.
 */
import type { StepCheck } from "../step.js";

export const revocationCheck: StepCheck = {
  /** Makes sure there is a token from before the revocation to check (emulator only). */
  async before({ client, session, scopes, validateToken }) {
    if (!validateToken) return;
    const identity = await session.identity();
    if (session.tokens(identity).length > 0) return;
    session.tokenIssued(identity, await client.getToken(identity, scopes), scopes);
    console.log(
      "(For the emulator-only check below, the runner first issued a token that this step will revoke.)",
    );
  },

  async after({ client, session, scopes, validateToken }) {
    const identity = await session.identity();
    if (!validateToken) {
      console.log(
        "Note: revocation can take up to 15 minutes to reach every service that accepts the tokens.",
      );
      return;
    }
    console.log(
      "Emulator-only check (the real service has no such route): asking the emulator which tokens still work.",
    );
    const earlier = session.tokens(identity).at(-1);
    if (earlier) {
      const before = await validateToken(earlier);
      console.log(
        `  a token issued before the revocation: ${before.valid ? "still valid" : `invalid (${before.reason})`}`,
      );
      if (before.valid) throw new Error("The emulator still accepts a token issued before the revocation.");
    }
    const issued = await client.getToken(identity, scopes);
    session.tokenIssued(identity, issued, scopes);
    const after = await validateToken(issued.token);
    console.log(
      `  a token issued after the revocation:  ${after.valid ? "valid" : `invalid (${after.reason})`}`,
    );
    if (!after.valid) throw new Error("The emulator rejects a token issued after the revocation.");
  },
};
