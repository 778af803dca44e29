/**
 * `@acs-quickstart/common`: what the quickstart and the emulator share, with no ACS SDK (the emulator must
 * not depend on `@acs-quickstart/core`, which brings the Azure SDK).
 *
 * - {@link repoRoot}, {@link stateDir}, {@link makeStateDir}: the repository's root and the state folder
 *   (`ACS_QUICKSTART_STATE_DIR`), made so that git never commits it
 * - {@link writeAtomic}, {@link writeAtomicSync}: atomic, flushed file writes (write-file-atomic)
 * - {@link lockFile}, {@link withFileLock}: one process at a time per file (proper-lockfile), one staleness rule
 * - {@link isAccessKey}, {@link accessKeyProblem}, {@link accessKeyNote}, {@link canonicalAccessKey}: the form of an access key
 * - {@link gitWouldCommit}, {@link refuseCommittable}: no secret is written where git would commit it
 * - {@link optionsTakenByNpm}: options npm took for itself (`npm run x --opt` without `--`)
 * - {@link readAccessToken}, {@link accessTokenFacts}: the form of an access token, read without a key (jose)
 */
export {
  accessKeyNote,
  accessKeyProblem,
  canonicalAccessKey,
  isAccessKey,
  isCanonicalAccessKey,
  NEW_ACCESS_KEY_COMMAND,
} from "./access-key.js";
export {
  type AccessTokenFacts,
  accessTokenFacts,
  readAccessToken,
  TokenFormatError,
  type TokenReading,
} from "./access-token.js";
export { type AtomicWriteOptions, writeAtomic, writeAtomicSync } from "./atomic-write.js";
export { CommittablePathError, gitWouldCommit, refuseCommittable } from "./committable.js";
export {
  describeHolder,
  type FileLock,
  LOCK_STALE_MS,
  LockError,
  type LockHolder,
  type LockOptions,
  lockFile,
  readLockHolder,
  withFileLock,
} from "./lock.js";
export { type NpmTakableOption, optionsTakenByNpm } from "./npm-options.js";
export {
  fromRoot,
  makeStateDir,
  repoRoot,
  STATE_DIR_GITIGNORE,
  STATE_DIR_VARIABLE,
  StateDirError,
  stateDir,
  typedPath,
} from "./paths.js";
