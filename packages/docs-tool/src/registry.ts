/** The tutorial's steps as the docs see them: a part of each entry of the runner's step registry. */
import type { TutorialStep } from "@acs-quickstart/runner";

/**
 * A step: its id and its page (the file name in every docs/<language>/ folder, e.g. `01-create-identity.md`);
 * its sample folder (default `samples/<id>`), source file and title when known. The command line passes the
 * runner's `STEPS`; tests pass their own.
 */
export type DocsStep = Pick<TutorialStep, "id" | "page"> &
  Partial<Pick<TutorialStep, "title" | "sample" | "source">>;

/** Where the steps are named, for the messages. */
export const REGISTRY = "packages/runner/src/steps.ts";

/** The step's sample folder, relative to the repository root. */
export const sampleOf = (step: DocsStep): string => step.sample ?? `samples/${step.id}`;
