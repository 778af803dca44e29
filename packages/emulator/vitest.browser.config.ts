import { project } from "../../vitest.shared.js";

// The dashboard in a real browser (chromium): after the emulator's other tests (a later group), so that the
// browser's start does not compete with their child processes and timers on 2 cores.
export default project("emulator-browser", {
  include: ["test/**/*.browser.test.ts"],
  sequence: { groupOrder: 1 },
  testTimeout: 60_000,
});
