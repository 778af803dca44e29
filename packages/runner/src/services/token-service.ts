/**
 * The token service of part two, as a server the runner starts before a step and stops after it (registry
 * data: a step's `services`). It signs in the demo users and makes their identities with the run's identity
 * client; each identity it makes is the run's (clean-up deletes it), remembered for its app user in the
 * identity store. Its log shows warnings and errors only, among the step's output.
 */
import { startTokenService } from "@acs-quickstart/token-service";
import type { StepService } from "../step.js";

export const tokenService: StepService = {
  name: "tokenService",
  start: ({ client, session }) =>
    startTokenService({
      identityClient: client,
      identities: {
        get: (appUser) => session.appUserIdentity(appUser),
        set: (appUser, identity) => session.created(identity, { appUser }),
      },
      log: {
        level: "warn",
        stream: {
          write: (line) =>
            console.log(`Token service: ${(JSON.parse(line) as { msg?: string }).msg ?? line}`),
        },
      },
    }),
};
