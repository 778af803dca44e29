import type { Step, StepId } from "@acs-quickstart/core";
import { step as createIdentity } from "@acs-quickstart/create-identity";
import { step as createIdentityAndToken } from "@acs-quickstart/create-identity-and-token";
import { step as deleteIdentity } from "@acs-quickstart/delete-identity";
import { step as issueAccessToken } from "@acs-quickstart/issue-access-token";
import { step as refreshAccessToken } from "@acs-quickstart/refresh-access-token";
import { step as revokeAccessTokens } from "@acs-quickstart/revoke-access-tokens";

/** The six samples, in the tutorial's order. */
export const STEPS: readonly Step[] = [
  createIdentity,
  issueAccessToken,
  createIdentityAndToken,
  refreshAccessToken,
  revokeAccessTokens,
  deleteIdentity,
];

export function stepById(id: StepId): Step {
  const step = STEPS.find((s) => s.id === id);
  if (!step) throw new Error(`No sample for step '${id}'.`);
  return step;
}
