/**
 * @summary Step 4: refresh an access token. Tokens are short-lived: when one expires, issue a new one
 * for the identity you stored, with the same call as step 2.
 * Tutorial page: docs/en/04-refresh-access-token.md
 */
import { fileURLToPath } from "node:url";
import { formatExpiry, maskToken, type Step } from "@acs-quickstart/core";
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

/** How the quickstart runner (and `npm start` in this folder) runs this step. */
export const step: Step = {
  id: "refresh-access-token",
  title: "Refresh an access token",
  page: "04-refresh-access-token.md",
  source: fileURLToPath(import.meta.url),
  async run(context) {
    const identity = await context.identity();
    const { token } = await refreshAccessToken(context.client, identity, context.scopes, {
      tokenExpiresInMinutes: context.expiresInMinutes,
    });
    context.tokenIssued(identity, token);
  },
};
