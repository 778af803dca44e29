import { project } from "../vitest.shared.js";

// The docs tool's tests (until it is a package of its own).
export default project("docs", { testTimeout: 60_000 });
