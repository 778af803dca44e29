import { project } from "../../vitest.shared.js";

// Some tests run a real quickstart (the output blocks are checked against one).
export default project("docs-tool", { testTimeout: 60_000 });
