/**
 * @summary Step 5: revoke an identity's access tokens, for example when a user's rights change.
 * Every token issued to the identity before the revocation stops working.
 * Tutorial page: docs/en/05-revoke-access-tokens.md
 */
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
