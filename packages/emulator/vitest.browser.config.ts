import { project, reporting } from "../../vitest.shared.js";

// The dashboard in a real browser (chromium). \`npm test\` runs it as its own task, test:browser, after the runner's
// tests (turbo.json): chromium's start would otherwise compete on 2 cores with their time-outs of 100 ms. From the
// root (\`npx vitest run\`), it runs after every other project (a later group).
export default project("emulator-browser", {
  include: ["test/**/*.browser.test.ts"],
  sequence: { groupOrder: 1 },
  testTimeout: 60_000,
  // Its own report (the emulator's test task writes results.json), for npm test's summary.
  ...reporting("browser"),
});
