import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outsideServiceRange } from "../src/cli.js";
import { OPTION_GROUPS, parseArgs, STEP_IDS, STEPS, UsageError, usage } from "../src/index.js";
import { cleanUpCommand } from "../src/run.js";
import { NO_STACK, runInProcess } from "./helpers/in-process.js";

describe("parseArgs", () => {
  it("defaults: the six steps of Microsoft's quickstart (part 1), voip, auto mode", () => {
    const partOne = STEPS.filter((step) => step.part === 1).map((step) => step.id);
    expect(partOne).toHaveLength(6);
    expect(parseArgs([])).toMatchObject({
      mode: "auto",
      steps: partOne,
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

  it("--part 2 runs part two, --part all both; --from and --to pick their own part; --step any step", () => {
    const part = (n: number) => STEPS.filter((step) => step.part === n).map((step) => step.id);
    expect(part(2)).toEqual(["token-service", "use-token"]);
    expect(parseArgs(["--part", "2"]).steps).toEqual(part(2));
    expect(parseArgs(["--part", "1"]).steps).toEqual(part(1));
    expect(parseArgs(["--part=all"]).steps).toEqual([...STEP_IDS]);
    expect(parseArgs(["--from", "use-token"]).steps).toEqual(["use-token"]);
    expect(parseArgs(["--to", "token-service"]).steps).toEqual(["token-service"]);
    expect(parseArgs(["--from", "delete-identity", "--to", "use-token"]).steps).toEqual([
      "delete-identity",
      "token-service",
      "use-token",
    ]);
    expect(parseArgs(["--part", "all", "--from", "revoke-access-tokens"]).steps).toEqual([
      "revoke-access-tokens",
      "delete-identity",
      ...part(2),
    ]);
    expect(parseArgs(["--step", "use-token", "--step", "create-identity"]).steps).toEqual([
      "create-identity",
      "use-token",
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

  it("takes any whole number of minutes from 1: the service, not the runner, refuses a lifetime outside 60 to 1440", () => {
    for (const [value, minutes] of [
      ["1", 1],
      ["59", 59],
      ["60", 60],
      ["90", 90],
      [" 1440 ", 1440],
      ["1441", 1441],
      ["100000", 100000],
    ] as const) {
      expect(parseArgs(["--expires-in", value]).expiresInMinutes, value).toBe(minutes);
    }
  });

  it("notes a lifetime outside 60 to 1440 (it is sent anyway), and nothing inside", () => {
    for (const minutes of [1, 59, 1441, 100000]) {
      expect(outsideServiceRange(minutes)).toBe(
        `--expires-in ${minutes} is outside the range the service accepts (60 to 1440 minutes): it is sent anyway, and the service will refuse it (400 ValidationError).`,
      );
    }
    for (const minutes of [undefined, 60, 61, 90, 1439, 1440])
      expect(outsideServiceRange(minutes)).toBeUndefined();
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
    [
      ["--expires-in", "0"],
      /--expires-in 0: a token lives at least a minute.*the service accepts 60 to 1440/,
    ],
    [["--expires-in", "000"], /--expires-in 0: a token lives at least a minute/],
    [["--expires-in", "abc"], /'abc' is not a whole number.*the service accepts 60 to 1440/],
    [["--expires-in", "-5"], /needs a number of minutes|not a whole number/],
    [["--expires-in", "-60"], /needs a number of minutes|not a whole number/],
    [["--expires-in", "1.5"], /'1.5' is not a whole number/],
    [["--expires-in", "90.5"], /not a whole number/],
    [["--expires-in", "1e3"], /not a whole number/],
    [["--expires-in", "0x3c"], /not a whole number/],
    [["--emulator", "--live"], /exclude each other/],
    [["--json=yes"], /--json takes no value/],
    [["--keep=false"], /--keep takes no value/],
    [["--part"], /--part needs a value\. Valid values: 1, 2 or all/],
    [["--part", "3"], /Unknown part '3' for --part/],
    [["--part", "two"], /Unknown part 'two'/],
    [["--part", "2", "--step", "use-token"], /--step cannot be combined with --part/],
    [
      ["--part", "2", "--from", "create-identity"],
      /--from create-identity is a step of part 1, which --part 2 leaves out/,
    ],
    [["--part", "1", "--to", "use-token"], /--to use-token is a step of part 2/],
  ];
  it.each(invalid)("rejects %j", (args, message) => {
    expect(() => parseArgs(args)).toThrow(UsageError);
    expect(() => parseArgs(args)).toThrow(message);
  });
});

const BAD_FLAGS: Array<[string[], RegExp]> = [
  [["--bogus"], /Unknown option '--bogus'/],
  [["-x"], /Unknown option '-x'/],
  [["stray"], /Unexpected argument 'stray'/],
  [["--step"], /--step needs a step id/],
  [["--step", ""], /--step needs a step id/],
  [["--step", "make-coffee"], /Unknown step id 'make-coffee'.*create-identity, issue-access-token/],
  [["--step", "../../etc/passwd"], /Unknown step id/],
  [["--from", "nope"], /Unknown step id 'nope' for --from/],
  [["--to", "--json"], /--to needs a step id/],
  [["--from", "delete-identity", "--to", "create-identity"], /comes after --to/],
  [["--step", "create-identity", "--from", "create-identity"], /cannot be combined/],
  [["--scopes"], /--scopes needs at least one scope/],
  [["--scopes", " "], /--scopes needs at least one scope/],
  [["--scopes", "chat,,voip"], /empty entry/],
  [
    ["--scopes", "chat,video"],
    /Unknown scope 'video'.*chat, voip, chat\.join, chat\.join\.limited, voip\.join/,
  ],
  [["--scopes", "'chat'"], /Unknown scope ''chat''/],
  [["--expires-in"], /--expires-in needs a number/],
  [["--expires-in", "0"], /--expires-in 0: a token lives at least a minute/],
  [["--expires-in", "abc"], /--expires-in 'abc' is not a whole number/],
  [["--expires-in", "-5"], /--expires-in needs a number|not a whole number/],
  [["--expires-in", "1.5"], /--expires-in '1.5' is not a whole number/],
  [["--expires-in", "-60"], /--expires-in needs a number|not a whole number/],
  [["--expires-in", "60.5"], /not a whole number/],
  [["--expires-in", "1e3"], /not a whole number/],
  [["--expires-in", "ninety"], /not a whole number/],
  [["--json=yes"], /--json takes no value/],
  [["--keep=1"], /--keep takes no value/],
  [["--emulator", "--live"], /exclude each other/],
];

describe("bad flags: exit 2, a message naming what to fix, no stack trace", () => {
  it("every flag, with bad values", async () => {
    for (const [args, message] of BAD_FLAGS) {
      const run = await runInProcess(args);
      const where = `${JSON.stringify(args)}:\n${run.stderr}`;
      expect(run.code, where).toBe(2);
      expect(run.stderr, where).toMatch(message);
      // One line that says what is wrong, one that says where the options are; not the whole help.
      expect(run.stderr, where).toContain("\nRun `npm run quickstart -- --help` for the options.\n");
      expect(run.stderr, where).not.toContain("Usage: npm run quickstart");
      expect(run.stderr.trim().split("\n").length, where).toBeLessThanOrEqual(3);
      expect(run.stderr, where).not.toMatch(NO_STACK);
    }
  });
});

describe("help and list", () => {
  it("the help lists every option of the table, and every option it lists is accepted", () => {
    const example: Record<string, string> = {
      ID: STEP_IDS[0] as string,
      "a,b": "chat",
      MINUTES: "60",
      FILE: "workshop.env",
      "1|2|all": "all",
    };
    const help = usage();
    for (const option of OPTION_GROUPS.flatMap((group) => group.options)) {
      expect(help).toContain(`--${option.name}${option.value ? ` ${option.value}` : ""}`);
      const args = [`--${option.name}`, ...(option.value ? [example[option.value] as string] : [])];
      expect(() => parseArgs(args), args.join(" ")).not.toThrow();
    }
  });

  it("--list and --help exit 0, print the registry's steps and pages, and touch nothing", async () => {
    const list = await runInProcess(["--list"], { unseeded: true });
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines.filter((line) => /^\d+\. /.test(line))).toEqual(
      STEPS.map((step, i) => `${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}`),
    );
    expect(lines[0]).toMatch(
      /^Part 1: Microsoft's quickstart "Create and manage access tokens" \(npm run quickstart\)$/,
    );
    expect(lines[lines.indexOf("") + 1]).toMatch(
      /^Part 2: after the token: .* \(npm run quickstart -- --part 2\)$/,
    );
    expect(lines.indexOf("")).toBe(7);
    const help = await runInProcess(["--help"], { unseeded: true });
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(`${usage()}\n`);
    expect(help.stdout).toContain("--show-secrets");
    for (const run of [list, help]) {
      expect(run.stderr).not.toMatch(NO_STACK);
      expect(existsSync(join(run.stateDir, "identities.json"))).toBe(false);
    }
  });
});

describe("options npm took for itself (forgetting `--`)", () => {
  const npm = (taken: string[], script = "quickstart") => ({
    npm_lifecycle_event: script,
    ...Object.fromEntries(taken.map((name) => [`npm_config_${name.replaceAll("-", "_")}`, "true"])),
  });

  it.each([
    [["list"], [], "npm took --list for itself", "`npm run quickstart -- --list`"],
    [
      ["step"],
      ["issue-access-token"],
      "npm took --step",
      "`npm run quickstart -- --step issue-access-token`",
    ],
    [
      ["expires-in", "keep"],
      ["90"],
      "npm took --expires-in --keep",
      "`npm run quickstart -- --expires-in 90 --keep`",
    ],
    [["pause"], ["--json"], "npm took --pause", "`npm run quickstart -- --pause --json`"],
    [
      ["scopes"],
      ["chat,voip", "--", "--keep"],
      "npm took --scopes",
      "`npm run quickstart -- --scopes chat,voip --keep`",
    ],
  ])(
    "npm took %j, the quickstart got %j: exit 2, the command that was meant",
    async (taken, args, says, meant) => {
      const run = await runInProcess(args, { env: npm(taken), unseeded: true });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(says);
      expect(run.stderr).toContain(meant);
      expect(run.events.find((e) => e.event === "step-start")).toBeUndefined();
    },
  );

  it.each([
    [{ step: "use-token" }, "`npm run quickstart -- --step use-token`"],
    [{ part: "2" }, "`npm run quickstart -- --part 2`"],
    [{ scopes: "chat" }, "`npm run quickstart -- --scopes chat`"],
    [{ expires_in: "60", keep: "true" }, "`npm run quickstart -- --expires-in 60 --keep`"],
  ])(
    "the --option=value form (npm sets npm_config_* to the value), %j: exit 2, the command meant",
    async (config, meant) => {
      const env = {
        npm_lifecycle_event: "quickstart",
        ...Object.fromEntries(Object.entries(config).map(([name, value]) => [`npm_config_${name}`, value])),
      };
      const run = await runInProcess([], { env, unseeded: true });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(meant);
      expect(run.events.find((e) => e.event === "step-start")).toBeUndefined();
    },
  );

  it("npm's own settings that are not the quickstart's options are left alone", async () => {
    const run = await runInProcess(["--list"], {
      env: { npm_lifecycle_event: "quickstart", npm_config_loglevel: "warn", npm_config_yes: "true" },
      unseeded: true,
    });
    expect(run.code).toBe(0);
  });

  it("in a sample's folder the command is npm start; options after -- are not npm's", async () => {
    const run = await runInProcess(["--step", "x"], {
      env: npm(["keep-for-next-step"], "start"),
      unseeded: true,
    });
    expect(run.stderr).toContain("`npm start -- --keep-for-next-step --step x`");
    const fine = await runInProcess(["--list"], {
      env: { npm_lifecycle_event: "quickstart" },
      unseeded: true,
    });
    expect(fine.code).toBe(0);
  });
});

describe("--json outside a run", () => {
  it("--list --json is one list event: the registry's steps", async () => {
    const run = await runInProcess(["--list", "--json"], { unseeded: true });
    expect(run.code).toBe(0);
    expect(run.events).toEqual([
      {
        v: 1,
        event: "list",
        steps: STEPS.map(({ id, part, title, page }) => ({ id, part, title, page })),
      },
    ]);
  });

  it("a usage error with --json is an error event on stdout, and the message on stderr", async () => {
    const run = await runInProcess(["--json", "--expires-in", "1.5"], { unseeded: true });
    expect(run.code).toBe(2);
    expect(run.events).toEqual([
      {
        v: 1,
        event: "error",
        kind: "usage",
        message: expect.stringContaining("--expires-in '1.5' is not a whole number"),
      },
    ]);
    expect(run.stderr).toContain("--expires-in '1.5' is not a whole number");
  });
});

describe("the summary's clean-up command names what chose the resource", () => {
  it.each([
    [{ mode: "auto", envFile: undefined }, "npm run quickstart -- --clean-up"],
    [{ mode: "auto", envFile: ".env.room" }, "npm run quickstart -- --env-file .env.room --clean-up"],
    [
      { mode: "live", envFile: "../room/.env" },
      "npm run quickstart -- --live --env-file ../room/.env --clean-up",
    ],
    [{ mode: "emulator", envFile: undefined }, "npm run quickstart -- --emulator --clean-up"],
    [{ mode: "auto", envFile: "my room.env" }, "npm run quickstart -- --env-file 'my room.env' --clean-up"],
  ] as const)("%j: %s", (options, command) => {
    expect(cleanUpCommand(options)).toBe(command);
  });

  it("a run that keeps its identity shows the command with its own options", async () => {
    const run = await runInProcess(["--emulator", "--step", "create-identity", "--keep"]);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(
      "stored for this resource: npm run quickstart -- --emulator --clean-up",
    );
  });
});
