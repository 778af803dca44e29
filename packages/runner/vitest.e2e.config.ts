import { project } from "../../vitest.shared.js";

// Whole runs as child processes: slower, apart from the unit tests.
export default project("e2e", { include: ["test/e2e/**/*.test.ts"], testTimeout: 60_000 });
