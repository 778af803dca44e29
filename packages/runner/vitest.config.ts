import { project } from "../../vitest.shared.js";

// The runner's tests, and the tests of the samples it runs: in one vitest process, the six samples' tests
// cost 2.6 s of CPU here against 23 s as six processes (each pays vitest's start-up and loads the SDK, msw and
// the emulator again). `npm test` in a sample's folder still runs that sample's tests alone.
export default project("runner", { include: ["test/*.test.ts", "../../samples/*/test/**/*.test.ts"] });
