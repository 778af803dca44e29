import { project } from "../../vitest.shared.js";

export default project("runner", { include: ["test/*.test.ts"] });
