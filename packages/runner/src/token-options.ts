/**
 * `--scopes` and `--expires-in` given for steps that do not use them are never ignored in silence: one notice
 * an option, saying which steps take it and where the others' tokens get their scopes and lifetime (registry
 * data: a step's `usesOptions` and `tokensDecidedBy`).
 */
import type { RunOptions } from "./cli.js";
import type { Notice } from "./reporters/index.js";
import type { TokenOption, TutorialStep } from "./step.js";

const OPTIONS: readonly TokenOption[] = ["scopes", "expires-in"];

const ids = (steps: readonly TutorialStep[]) => steps.map((step) => step.id).join(", ");

/** The notices for the token options given that some (or all) of the run's steps do not use. */
export function unusedTokenOptions(
  steps: readonly TutorialStep[],
  options: Pick<RunOptions, "given" | "scopes" | "expiresInMinutes">,
): Notice[] {
  return OPTIONS.filter((option) => options.given.has(option)).flatMap((option): Notice[] => {
    const shown =
      option === "scopes"
        ? `--scopes ${options.scopes.join(",")}`
        : `--expires-in ${options.expiresInMinutes}`;
    const using = steps.filter((step) => step.usesOptions?.includes(option));
    const deciding = steps.filter((step) => !step.usesOptions?.includes(option) && step.tokensDecidedBy);
    const why = [...new Set(deciding.map((step) => step.tokensDecidedBy))].join("; ");
    const notice = (message: string): Notice[] => [{ kind: "unused-option", option: `--${option}`, message }];
    if (steps.length === 0) return notice(`${shown} is not used: this run runs no step.`);
    if (using.length === 0 && deciding.length === 0) {
      return notice(
        `${shown} is not used: none of this run's steps (${ids(steps)}) issues an access token with it.`,
      );
    }
    if (using.length === 0)
      return notice(`${shown} is not used by this run's steps (${ids(deciding)}): ${why}.`);
    if (deciding.length === 0) return [];
    return notice(`${shown} applies to ${ids(using)}; not to ${ids(deciding)}: ${why}.`);
  });
}
