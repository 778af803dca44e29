/**
 * What an access token can be asked for, at api-version 2023-10-01 (the default of
 * @azure/communication-identity 1.3.1). Sources: the service's REST API specification (CommunicationIdentity,
 * 2023-10-01: the scope enum and `expiresInMinutes`) and recorded sessions (59 minutes is answered "Value must
 * be within the [60, 1440] interval.").
 */
import type { TokenScope } from "@azure/communication-identity";

/** The scopes an access token can carry. */
export const TOKEN_SCOPES: readonly TokenScope[] = [
  "chat",
  "voip",
  "chat.join",
  "chat.join.limited",
  "voip.join",
];

/** The range the service accepts for a custom token lifetime, in minutes (default 1440 = 24 hours). */
export const TOKEN_LIFETIME_MINUTES = { min: 60, max: 1440, default: 1440 } as const;
