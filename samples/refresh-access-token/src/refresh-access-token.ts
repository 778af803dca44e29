/**
 * @summary Step 4: refresh an access token. Tokens are short-lived: when one expires, issue a new one
 * for the identity you stored, with the same call as step 2.
 * Tutorial page: docs/en/04-refresh-access-token.md
 */
import { formatExpiry, maskToken } from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type {
  CommunicationAccessToken,
  CommunicationIdentityClient,
  GetTokenOptions,
  TokenScope,
} from "@azure/communication-identity";

export async function refreshAccessToken(
  identityClient: CommunicationIdentityClient,
  identityResponse: CommunicationUserIdentifier,
  scopes: TokenScope[] = ["voip"],
  tokenOptions: GetTokenOptions = {},
): Promise<CommunicationAccessToken> {
  // #region refresh-access-token
  // Value of identityResponse represents the Azure Communication Services identity stored during identity creation
  // and then used to issue the tokens being refreshed.
  const refreshedTokenResponse = await identityClient.getToken(identityResponse, scopes, tokenOptions);
  const { token, expiresOn } = refreshedTokenResponse;
  console.log(
    `Refreshed the access token for ${identityResponse.communicationUserId}; it expires at ${formatExpiry(expiresOn)}:`,
  );
  console.log(maskToken(token));
  // #endregion
  return refreshedTokenResponse;
}
