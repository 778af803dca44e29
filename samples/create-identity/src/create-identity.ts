/**
 * @summary Step 1: create an identity, the Communication Services user that access tokens are issued for.
 * Tutorial page: docs/en/01-create-identity.md
 */
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";

export async function createIdentity(
  identityClient: CommunicationIdentityClient,
): Promise<CommunicationUserIdentifier> {
  // #region create-identity
  const identityResponse = await identityClient.createUser();
  console.log(`Created an identity with ID: ${identityResponse.communicationUserId}`);
  // #endregion
  return identityResponse;
}
