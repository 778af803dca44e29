import { describe, expect, it } from "vitest";
import { parseArgs, STEP_IDS, UsageError } from "../src/index.js";

describe("parseArgs", () => {
  it("defaults: every step, voip, auto mode", () => {
    expect(parseArgs([])).toMatchObject({
      mode: "auto",
      steps: [...STEP_IDS],
      scopes: ["voip"],
      expiresInMinutes: undefined,
      json: false,
      keep: false,
      showSecrets: false,
    });
  });

  it("skips the leading -- that npm passes through", () => {
    expect(parseArgs(["--", "--json"]).json).toBe(true);
  });

  it("keeps the tutorial's order whatever order --step is given in", () => {
    expect(parseArgs(["--step", "delete-identity", "--step=create-identity"]).steps).toEqual([
      "create-identity",
      "delete-identity",
    ]);
    expect(parseArgs(["--from", "refresh-access-token"]).steps).toEqual([
      "refresh-access-token",
      "revoke-access-tokens",
      "delete-identity",
    ]);
    expect(parseArgs(["--to", "issue-access-token"]).steps).toEqual([
      "create-identity",
      "issue-access-token",
    ]);
  });

  it("accepts every scope and the lifetime range's ends", () => {
    expect(parseArgs(["--scopes", "chat, voip,chat.join,chat.join.limited,voip.join,chat"]).scopes).toEqual([
      "chat",
      "voip",
      "chat.join",
      "chat.join.limited",
      "voip.join",
    ]);
    expect(parseArgs(["--expires-in", "60"]).expiresInMinutes).toBe(60);
    expect(parseArgs(["--expires-in=1440"]).expiresInMinutes).toBe(1440);
  });

  const invalid: Array<[string[], RegExp]> = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["-x"], /Unknown option '-x'/],
    [["stray"], /Unexpected argument 'stray'/],
    [["--step"], /--step needs a step id\. Valid step ids: create-identity/],
    [["--step", "--json"], /--step needs a step id/],
    [["--step", "Create-Identity"], /Unknown step id 'Create-Identity'/],
    [["--from", "nope"], /Unknown step id 'nope' for --from/],
    [["--step", "create-identity", "--to", "delete-identity"], /cannot be combined/],
    [["--from", "delete-identity", "--to", "create-identity"], /comes after/],
    [["--scopes"], /needs at least one scope/],
    [["--scopes", ""], /needs at least one scope/],
    [["--scopes", "chat,,voip"], /empty entry/],
    [["--scopes", "VOIP"], /Unknown scope 'VOIP'.*Valid scopes: chat, voip/],
    [["--scopes", "chat;voip"], /Unknown scope 'chat;voip'/],
    [["--expires-in"], /needs a number of minutes/],
    [["--expires-in", " "], /needs a number of minutes/],
    [["--expires-in", "59"], /out of range.*60 to 1440/],
    [["--expires-in", "1441"], /out of range/],
    [["--expires-in", "0"], /out of range/],
    [["--expires-in", "-60"], /needs a number of minutes|not a whole number/],
    [["--expires-in", "90.5"], /not a whole number/],
    [["--expires-in", "1e3"], /not a whole number/],
    [["--expires-in", "0x3c"], /not a whole number/],
    [["--emulator", "--live"], /exclude each other/],
    [["--json=yes"], /--json takes no value/],
    [["--keep=false"], /--keep takes no value/],
  ];
  it.each(invalid)("rejects %j", (args, message) => {
    expect(() => parseArgs(args)).toThrow(UsageError);
    expect(() => parseArgs(args)).toThrow(message);
  });
});
