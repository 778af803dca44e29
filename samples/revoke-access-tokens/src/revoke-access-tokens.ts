/**
 * @summary Step 5: revoke an identity's access tokens, for example when a user's rights change.
 * Every token issued to the identity before the revocation stops working.
 * Tutorial page: docs/en/05-revoke-access-tokens.md
 */
import { fileURLToPath } from "node:url";
import type { Step } from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";

export async function revokeAccessTokens(
  identityClient: CommunicationIdentityClient,
  identityResponse: CommunicationUserIdentifier,
): Promise<void> {
  // #region revoke-access-tokens
  await identityClient.revokeTokens(identityResponse);
  console.log(
    `Successfully revoked all access tokens for identity with ID: ${identityResponse.communicationUserId}`,
  );
  // #endregion
}

/** How the quickstart runner (and `npm start` in this folder) runs this step. */
export const step: Step = {
  id: "revoke-access-tokens",
  title: "Revoke access tokens",
  page: "05-revoke-access-tokens.md",
  source: fileURLToPath(import.meta.url),
  async run(context) {
    await revokeAccessTokens(context.client, await context.identity());
  },
};
