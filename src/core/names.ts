/**
 * Names every front end must agree on, in one place: where a policy lives, the tests file,
 * the check's name, and the organisation default.
 */

/** A repository's policy: exactly one of these (both at once is an error). */
export const POLICY_FILES = [".github/rolegate.yml", ".github/rolegate.yaml"] as const;

/** Declarative policy tests, run whenever a change touches the policy or the tests. */
export const POLICY_TESTS_FILE = ".github/rolegate.tests.yml";

/** Files that always define the policy (the built-in `policy` category), whatever the policy says. */
export const POLICY_DEFINING_FILES = [...POLICY_FILES, POLICY_TESTS_FILE] as const;

/** The organisation default: this file in the organisation's `.github` repository. */
export const ORG_POLICY_REPO = ".github";
export const ORG_POLICY_FILE = ".github/rolegate.yml";

/** The check run (and the status context a forger would use). */
export const CHECK_NAME = "rolegate";
