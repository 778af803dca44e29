import { project } from "../../vitest.shared.js";

// The emulator's tests; the dashboard's browser tests are a project of their own (vitest.browser.config.ts).
export default project("emulator", { exclude: ["**/node_modules/**", "test/**/*.browser.test.ts"] });
