/** A step's server logs JSON lines (pino); among the step's output each is one line with what it logged. */
import { describe, expect, it } from "vitest";
import { describeLogLine } from "../src/service-log.js";

describe("describeLogLine", () => {
  it("gives the message and the facts logged with it, not pino's bookkeeping", () => {
    const line = JSON.stringify({
      level: 50,
      time: 1764467352000,
      pid: 4242,
      hostname: "box",
      reqId: "req-7",
      status: 503,
      code: "ServiceUnavailable",
      msg: "Communication Services did not answer as expected",
    });
    expect(describeLogLine(`${line}\n`)).toBe(
      "Communication Services did not answer as expected (status 503, code ServiceUnavailable)",
    );
  });

  it("a line without facts is its message; an error gives its message, never its stack", () => {
    expect(describeLogLine('{"level":40,"time":1,"msg":"shutting down"}')).toBe("shutting down");
    const withError = JSON.stringify({
      level: 50,
      msg: "request failed",
      err: { type: "TypeError", message: "boom", stack: "TypeError: boom\n    at handler (x.ts:1:1)" },
      scopes: ["chat", "voip"],
    });
    expect(describeLogLine(withError)).toBe('request failed (scopes ["chat","voip"], error boom)');
    expect(describeLogLine('{"level":50,"status":502}')).toBe("(no message) (status 502)");
  });

  it("a line that is not a JSON object is shown as it is", () => {
    expect(describeLogLine("plain text\n")).toBe("plain text");
    expect(describeLogLine("[1,2]")).toBe("[1,2]");
  });
});
