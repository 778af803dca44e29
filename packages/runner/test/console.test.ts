/**
 * What a step prints reaches the run's reporter, whichever way the step prints it: every console method, and
 * direct writes to process.stdout and process.stderr; what the rest of the process prints meanwhile does not.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { capturingConsole, type OutputStream } from "../src/console.js";

/** What reached the real streams (their writes are replaced for the test, under the capture's patches). */
let written: Array<[OutputStream, string]>;
let restoreStreams: () => void;
beforeEach(() => {
  written = [];
  const saved = [process.stdout.write, process.stderr.write] as const;
  process.stdout.write = ((chunk: string) => written.push(["stdout", String(chunk)]) > 0) as never;
  process.stderr.write = ((chunk: string) => written.push(["stderr", String(chunk)]) > 0) as never;
  restoreStreams = () => {
    [process.stdout.write, process.stderr.write] = saved;
  };
});
afterEach(() => restoreStreams());

async function capture(task: () => unknown): Promise<Array<[OutputStream, string]>> {
  const told: Array<[OutputStream, string]> = [];
  await capturingConsole(
    (text, stream) => told.push([stream, text]),
    async () => task(),
  );
  return told;
}

describe("capturingConsole", () => {
  it.each([
    ["console.log", () => console.log("a token: %s", "eyJ"), "stdout"],
    ["console.info", () => console.info("a token: %s", "eyJ"), "stdout"],
    ["console.debug", () => console.debug("a token: %s", "eyJ"), "stdout"],
    ["console.error", () => console.error("a token: %s", "eyJ"), "stderr"],
    ["console.warn", () => console.warn("a token: %s", "eyJ"), "stderr"],
    ["process.stdout.write", () => process.stdout.write("a token: eyJ\n"), "stdout"],
    ["process.stderr.write", () => process.stderr.write(Buffer.from("a token: eyJ\n")), "stderr"],
  ] as const)("%s is given to onText with its stream, not printed", async (_name, print, stream) => {
    expect(await capture(print)).toEqual([[stream, "a token: eyJ"]]);
    expect(written).toEqual([]);
  });

  it("words objects, tables and traces as Node's console does", async () => {
    const told = await capture(() => {
      console.error({ token: "eyJ" });
      console.dir({ scopes: ["voip"] });
      console.table([{ scope: "voip" }]);
      console.trace("here");
      console.assert(false, "not so");
    });
    expect(told[0]).toEqual(["stderr", "{ token: 'eyJ' }"]);
    expect(told[1]).toEqual(["stdout", "{ scopes: [ 'voip' ] }"]);
    expect(told[2]?.[0]).toBe("stdout");
    expect(told[2]?.[1]).toMatch(/│ scope +│[\s\S]*│ 'voip' │/);
    expect(told[3]?.[0]).toBe("stderr");
    expect(told[3]?.[1]).toMatch(/^Trace: here\n {4}at /);
    expect(told[4]).toEqual(["stderr", "Assertion failed: not so"]);
  });

  it("one console.log is one text, lines and all; writes are told by the line; an unfinished line at the end", async () => {
    const told = await capture(() => {
      console.log("first\nsecond");
      console.log();
      process.stdout.write("Issuing");
      process.stdout.write("… done\nand ");
      process.stdout.write("more");
    });
    expect(told).toEqual([
      ["stdout", "first\nsecond"],
      ["stdout", ""],
      ["stdout", "Issuing… done"],
      ["stdout", "and more"],
    ]);
  });

  it("a write's callback is called, as the stream would", async () => {
    let called = false;
    await capture(
      () =>
        new Promise<void>((resolve) =>
          process.stdout.write("x\n", () => {
            called = true;
            resolve();
          }),
        ),
    );
    expect(called).toBe(true);
  });

  it("what onText prints (the reporter) goes to the stream, not back to onText", async () => {
    const told: string[] = [];
    await capturingConsole(
      (text) => {
        told.push(text);
        process.stdout.write(`reporter: ${text}\n`);
      },
      async () => console.error("from the step"),
    );
    expect(told).toEqual(["from the step"]);
    expect(written).toEqual([["stdout", "reporter: from the step\n"]]);
  });

  it("the runner's own writes during the step, to the stream its reporter took before, are not the step's", async () => {
    const reporterOut = process.stdout; // as run.ts takes it when the run starts
    const told = await capture(() => {
      process.stdout.write("Created an identity\n");
      reporterOut.write('{"event":"identity-created"}\n'); // the session reports, inside the step
    });
    expect(told).toEqual([["stdout", "Created an identity"]]);
    expect(written).toEqual([["stdout", '{"event":"identity-created"}\n']]);
  });

  it("a stream the step kept writes to the console again once the step is over", async () => {
    let kept: NodeJS.WriteStream | undefined;
    await capture(() => {
      kept = process.stderr;
    });
    kept?.write("later\n");
    expect(written).toEqual([["stderr", "later\n"]]);
  });

  it("what the rest of the process prints meanwhile is not the step's", async () => {
    let release: () => void = () => {};
    const elsewhere = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => process.stderr.write("Interrupted (Ctrl-C)\n"));
    const told = await capture(async () => {
      console.log("step");
      release();
      await elsewhere;
    });
    expect(told).toEqual([["stdout", "step"]]);
    expect(written).toEqual([["stderr", "Interrupted (Ctrl-C)\n"]]);
  });

  it("puts the console and the streams back afterwards, also when the task throws", async () => {
    const { log, error } = console;
    const { write } = process.stdout;
    const stdout = process.stdout;
    await expect(
      capturingConsole(
        () => {},
        async () => {
          throw new Error("the step failed");
        },
      ),
    ).rejects.toThrow("the step failed");
    expect(console.log).toBe(log);
    expect(console.error).toBe(error);
    expect(process.stdout.write).toBe(write);
    expect(process.stdout).toBe(stdout);
  });

  it("two captures at once: each gets its own output", async () => {
    const a: string[] = [];
    const b: string[] = [];
    let go: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      go = resolve;
    });
    await Promise.all([
      capturingConsole(
        (text) => a.push(text),
        async () => {
          await gate;
          console.log("from a");
        },
      ),
      capturingConsole(
        (text) => b.push(text),
        async () => {
          console.warn("from b");
          go();
        },
      ),
    ]);
    expect(a).toEqual(["from a"]);
    expect(b).toEqual(["from b"]);
  });
});
