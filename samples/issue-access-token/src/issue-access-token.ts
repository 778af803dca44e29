/**
 * @summary Step 2: issue an access token for an existing identity, with the default lifetime (24 hours)
 * and with a custom one (60 to 1440 minutes).
 * Tutorial page: docs/en/02-issue-access-token.md
 */
import { formatExpiry, formatScopes, maskToken } from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type {
  CommunicationAccessToken,
  CommunicationIdentityClient,
  TokenScope,
} from "@azure/communication-identity";

export async function issueAccessToken(
  identityClient: CommunicationIdentityClient,
  identityResponse: CommunicationUserIdentifier,
  scopes: TokenScope[] = ["voip"],
): Promise<CommunicationAccessToken> {
  // #region issue-access-token
  // Issue an access token with the given scopes for the identity. It is valid for 24 hours.
  const tokenResponse = await identityClient.getToken(identityResponse, scopes);
  const { token, expiresOn } = tokenResponse;
  console.log(
    `Issued an access token with ${formatScopes(scopes)} that expires at ${formatExpiry(expiresOn)}:`,
  );
  console.log(maskToken(token));
  // #endregion
  return tokenResponse;
}

export async function issueAccessTokenWithCustomExpiration(
  identityClient: CommunicationIdentityClient,
  identityResponse: CommunicationUserIdentifier,
  scopes: TokenScope[] = ["voip"],
  tokenExpiresInMinutes = 60,
): Promise<CommunicationAccessToken> {
  // #region issue-access-token-custom-expiration
  // A custom lifetime, from 60 minutes (1 hour) to 1440 minutes (24 hours).
  const tokenOptions = { tokenExpiresInMinutes };
  const tokenResponse = await identityClient.getToken(identityResponse, scopes, tokenOptions);
  const { token, expiresOn } = tokenResponse;
  console.log(
    `Issued an access token with ${formatScopes(scopes)} that expires at ${formatExpiry(expiresOn)}:`,
  );
  console.log(maskToken(token));
  // #endregion
  return tokenResponse;
}
