/**
 * Every error code strata emits, with its exit code. This table is the single place where codes map
 * to exit codes; the README's exit-code table is generated from the same facts.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
  noRepository: 10,
  locked: 11,
  integrity: 12,
  internal: 70,
  interrupted: 130,
} as const;

export const ERROR_CODES = {
  // usage (2)
  USAGE: EXIT.usage,
  INVALID_ARGUMENT: EXIT.usage,
  // repository discovery and config (10, 1)
  NO_REPOSITORY: EXIT.noRepository,
  REPO_EXISTS: EXIT.failed,
  FORMAT_UNSUPPORTED: EXIT.failed,
  CONFIG_INVALID: EXIT.failed,
  // names and revisions (1)
  INVALID_ID: EXIT.failed,
  AMBIGUOUS_ID: EXIT.failed,
  UNKNOWN_REVISION: EXIT.failed,
  UNKNOWN_REF: EXIT.failed,
  INVALID_REF_NAME: EXIT.failed,
  REF_CHANGED: EXIT.failed,
  PATH_NOT_FOUND: EXIT.failed,
  WRONG_KIND: EXIT.failed,
  INVALID_OBJECT: EXIT.failed,
  // tags and branches (1)
  TAG_EXISTS: EXIT.failed,
  UNKNOWN_TAG: EXIT.failed,
  BRANCH_EXISTS: EXIT.failed,
  UNKNOWN_BRANCH: EXIT.failed,
  RECORD_NOT_FOUND: EXIT.failed,
  BRANCH_CURRENT: EXIT.failed,
  // locks (11)
  LOCKED: EXIT.locked,
  STALE_LOCK: EXIT.locked,
  // integrity (12)
  OBJECT_MISSING: EXIT.integrity,
  OBJECT_CORRUPT: EXIT.integrity,
  FSCK_FAILED: EXIT.integrity,
  RESTORE_INCOMPLETE: EXIT.integrity,
  VERIFY_FAILED: EXIT.integrity,
  // filesystem (1)
  UNSAFE_PATH: EXIT.failed,
  TARGET_NOT_EMPTY: EXIT.failed,
  FILE_NOT_FOUND: EXIT.failed,
  IO_ERROR: EXIT.failed,
  UNSUPPORTED_FILE_TYPE: EXIT.failed,
  UNSAVED_CHANGES: EXIT.failed,
  RESTORE_FAILED: EXIT.failed,
  // assets (creative persona): a file that cannot be read as the format its name or bytes claim
  ASSET_UNSUPPORTED: EXIT.failed,
  ASSET_CORRUPT: EXIT.failed,
  FILE_TOO_LARGE: EXIT.failed,
  ELEMENT_NOT_FOUND: EXIT.failed,
  TARGET_EXISTS: EXIT.failed,
  UNKNOWN_APP: EXIT.failed,
  APP_RUNNING: EXIT.failed,
  // game persona
  MILESTONE_EXISTS: EXIT.failed,
  UNKNOWN_MILESTONE: EXIT.failed,
  RELEASE_RULE: EXIT.failed,
  UNKNOWN_PLATFORM: EXIT.failed,
  CONFIG_PARSE: EXIT.failed,
  LAYER_CYCLE: EXIT.failed,
  CONFIG_INVALID_VALUES: EXIT.failed,
  // git bridge
  NOT_A_GIT_REPOSITORY: EXIT.failed,
  GIT_FORMAT_UNSUPPORTED: EXIT.failed,
  GIT_DIRTY_WORKTREE: EXIT.failed,
  GIT_REF_MOVED: EXIT.failed,
  UNKNOWN_SESSION: EXIT.failed,
  NO_SESSIONS: EXIT.failed,
  PLAYTEST_EMPTY: EXIT.failed,
  REPLAY_INVALID: EXIT.failed,
  PORT_IN_USE: EXIT.failed,
  FEEDBACK_PARSE: EXIT.failed,
  FEEDBACK_SECRET: EXIT.failed,
  // process
  INTERRUPTED: EXIT.interrupted,
  INTERNAL: EXIT.internal,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The exit code for an error code; unknown codes are command failures (1). */
export function exitCodeFor(code: string): number {
  return (ERROR_CODES as Record<string, number>)[code] ?? EXIT.failed;
}
