/**
 * @summary Step 1: create an identity, the Communication Services user that access tokens are issued for.
 * Tutorial page: docs/en/01-create-identity.md
 */
import { fileURLToPath } from "node:url";
import type { Step } from "@acs-quickstart/core";
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

/** How the quickstart runner (and `npm start` in this folder) runs this step. */
export const step: Step = {
  id: "create-identity",
  title: "Create an identity",
  page: "01-create-identity.md",
  source: fileURLToPath(import.meta.url),
  async run(context) {
    const identity = await createIdentity(context.client);
    await context.identityCreated(identity);
  },
};
