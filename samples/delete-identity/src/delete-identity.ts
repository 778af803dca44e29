/**
 * @summary Step 6: delete an identity. Its access tokens are revoked with it and no new ones can be issued.
 * Tutorial page: docs/en/06-delete-identity.md
 */
import { fileURLToPath } from "node:url";
import type { Step } from "@acs-quickstart/core";
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

/** How the quickstart runner (and `npm start` in this folder) runs this step. */
export const step: Step = {
  id: "delete-identity",
  title: "Delete an identity",
  page: "06-delete-identity.md",
  source: fileURLToPath(import.meta.url),
  async run(context) {
    const identity = await context.identity();
    await deleteIdentity(context.client, identity);
    await context.identityDeleted(identity);
  },
};
