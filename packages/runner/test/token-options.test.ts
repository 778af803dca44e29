/** `--scopes` and `--expires-in` for steps that do not use them: said in one notice an option, never silent. */
import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/cli.js";
import { findStep, STEPS, type TutorialStep } from "../src/index.js";
import { unusedTokenOptions } from "../src/token-options.js";
import { runInProcess } from "./helpers/in-process.js";

const notices = (argv: string[]) => {
  const options = parseArgs(argv);
  const steps = options.steps.flatMap((id) => findStep(id) ?? []) as TutorialStep[];
  return unusedTokenOptions(steps, options);
};

const byTokenService = STEPS.filter((s) => "tokensDecidedBy" in s).map((s) => s.id);
const takingBoth = STEPS.filter((s) => (s as TutorialStep).usesOptions?.includes("expires-in")).map(
  (s) => s.id,
);

describe("unusedTokenOptions", () => {
  it("part two: neither option is used; one notice each says why (the token service decides)", () => {
    expect(notices(["--part", "2", "--scopes", "chat,voip", "--expires-in", "90"])).toEqual([
      {
        kind: "unused-option",
        option: "--scopes",
        message: expect.stringMatching(
          new RegExp(
            `^--scopes chat,voip is not used by this run's steps \\(${byTokenService.join(", ")}\\): the token service issues each app user the scopes of their role`,
          ),
        ),
      },
      {
        kind: "unused-option",
        option: "--expires-in",
        message: expect.stringMatching(/^--expires-in 90 is not used by this run's steps .*for 60 minutes/),
      },
    ]);
    for (const step of byTokenService) {
      expect(notices(["--step", step, "--scopes", "chat"]).map((n) => n.option)).toEqual(["--scopes"]);
    }
  });

  it("both parts: the option applies to part one's token steps, not to part two's, and the notice names both", () => {
    const [notice] = notices(["--part", "all", "--expires-in", "90"]);
    expect(notice?.message).toBe(
      `--expires-in 90 applies to ${takingBoth.join(", ")}; not to ${byTokenService.join(", ")}: ` +
        `${(findStep("use-token") as TutorialStep).tokensDecidedBy}.`,
    );
  });

  it("steps that issue no token with it, and a run without steps, say so too", () => {
    expect(notices(["--step", "create-identity", "--scopes", "chat"])).toEqual([
      expect.objectContaining({
        message:
          "--scopes chat is not used: none of this run's steps (create-identity) issues an access token with it.",
      }),
    ]);
    expect(notices(["--clean-up", "--expires-in", "60"])).toEqual([
      expect.objectContaining({
        option: "--expires-in",
        message: "--expires-in 60 is not used: this run runs no step.",
      }),
    ]);
  });

  it("no notice when every step that issues tokens takes the option, or when it is not given", () => {
    expect(notices(["--scopes", "chat,voip", "--expires-in", "90"])).toEqual([]);
    expect(notices(["--step", "revoke-access-tokens", "--scopes", "chat"])).toEqual([]);
    expect(notices(["--part", "2"])).toEqual([]);
  });
});

it("a run: the notice is an event of the schema; a lifetime no step sends is not warned about as refused", async () => {
  const run = await runInProcess(["--json", "--clean-up", "--scopes", "chat", "--expires-in", "59"]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.events.filter((e) => e.event === "notice").map((e) => [e.kind, e.option])).toEqual([
    ["unused-option", "--scopes"],
    ["unused-option", "--expires-in"],
  ]);
  expect(run.stderr).toContain("Note: --expires-in 59 is not used: this run runs no step.");
});
