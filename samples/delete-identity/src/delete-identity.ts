/**
 * @summary Step 6: delete an identity. Its access tokens are revoked with it and no new ones can be issued.
 * Tutorial page: docs/en/06-delete-identity.md
 */
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";

export async function deleteIdentity(
  identityClient: CommunicationIdentityClient,
  identityResponse: CommunicationUserIdentifier,
): Promise<void> {
  // #region delete-identity
  await identityClient.deleteUser(identityResponse);
  console.log(`Deleted the identity with ID: ${identityResponse.communicationUserId}`);
  // #endregion
}
