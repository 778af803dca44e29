/**
 * @summary Step 3: create an identity and issue its access token in one request.
 * Tutorial page: docs/en/03-create-identity-and-token.md
 */
import { fileURLToPath } from "node:url";
import { formatExpiry, maskToken, type Step } from "@acs-quickstart/core";
import type {
  CommunicationIdentityClient,
  CommunicationUserToken,
  CreateUserAndTokenOptions,
  TokenScope,
} from "@azure/communication-identity";

export async function createIdentityAndToken(
  identityClient: CommunicationIdentityClient,
  scopes: TokenScope[] = ["voip"],
  tokenOptions: CreateUserAndTokenOptions = {},
): Promise<CommunicationUserToken> {
  // #region create-identity-and-token
  // One request creates the identity and issues its access token.
  const identityTokenResponse = await identityClient.createUserAndToken(scopes, tokenOptions);
  const { token, expiresOn, user } = identityTokenResponse;
  console.log(`Created an identity with ID: ${user.communicationUserId}`);
  console.log(
    `Issued an access token with '${scopes.join(", ")}' scope that expires at ${formatExpiry(expiresOn)}:`,
  );
  console.log(maskToken(token));
  // #endregion
  return identityTokenResponse;
}

/** How the quickstart runner (and `npm start` in this folder) runs this step. */
export const step: Step = {
  id: "create-identity-and-token",
  title: "Create an identity and issue an access token in one request",
  page: "03-create-identity-and-token.md",
  source: fileURLToPath(import.meta.url),
  async run(context) {
    const { user, token } = await createIdentityAndToken(context.client, context.scopes, {
      tokenExpiresInMinutes: context.expiresInMinutes,
    });
    await context.identityCreated(user);
    context.tokenIssued(user, token);
  },
};
