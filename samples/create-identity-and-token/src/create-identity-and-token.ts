/**
 * @summary Step 3: create an identity and issue its access token in one request.
 * Tutorial page: docs/en/03-create-identity-and-token.md
 */
import { formatExpiry, formatScopes, maskToken } from "@acs-quickstart/core";
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
    `Issued an access token with ${formatScopes(scopes)} that expires at ${formatExpiry(expiresOn)}:`,
  );
  console.log(maskToken(token));
  // #endregion
  return identityTokenResponse;
}
