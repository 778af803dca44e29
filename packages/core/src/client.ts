/**
 * The one place a `CommunicationIdentityClient` is constructed.
 *
 * The SDK offers three constructors, one per kind of {@link Config}:
 *
 * ```ts
 * new CommunicationIdentityClient(connectionString);                              // connection string
 * new CommunicationIdentityClient(endpoint, new AzureKeyCredential(accessKey));   // endpoint + access key
 * new CommunicationIdentityClient(endpoint, new DefaultAzureCredential());        // Microsoft Entra ID
 * ```
 *
 * The first two sign every request with HMAC-SHA256 using the access key; the third sends
 * `Authorization: Bearer <Entra ID token>` for the scope `https://communication.azure.com//.default`.
 */
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from "@azure/communication-identity";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import type { Config } from "./config.js";

export interface CreateIdentityClientOptions extends CommunicationIdentityClientOptions {
  /**
   * On the Microsoft Entra ID path, use this credential instead of `DefaultAzureCredential`
   * (tests pass a stub). Ignored for a connection string or an access key.
   */
  credential?: TokenCredential;
}

/**
 * Creates the client for the resource and sign-in method that `config` describes.
 * `options` go to the SDK unchanged (e.g. `retryOptions`, `tlsOptions`), except `credential`.
 *
 * `@azure/identity` is imported only on the Entra ID path: it is slow to load, and a
 * connection string does not need it.
 */
export async function createIdentityClient(
  config: Config,
  options: CreateIdentityClientOptions = {},
): Promise<CommunicationIdentityClient> {
  const { credential, ...clientOptions } = options;
  switch (config.kind) {
    case "connection-string":
      return new CommunicationIdentityClient(config.connectionString, clientOptions);
    case "access-key":
      return new CommunicationIdentityClient(
        config.endpoint,
        new AzureKeyCredential(config.accessKey),
        clientOptions,
      );
    case "entra-id": {
      if (credential) return new CommunicationIdentityClient(config.endpoint, credential, clientOptions);
      const { DefaultAzureCredential } = await import("@azure/identity");
      return new CommunicationIdentityClient(config.endpoint, new DefaultAzureCredential(), clientOptions);
    }
  }
}
