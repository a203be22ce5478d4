/**
 * JSON Schema of the policy tests file (`.github/rolegate.tests.yml`). `npm run schema`
 * compiles it ahead of time into policy-tests-validator.generated.ts; runtime never compiles it.
 */
import { STANDING_KEYWORDS } from "./review-standing.js";

const NOW = "^[0-9]{4}-[0-9]{2}-[0-9]{2}";

/** What each pattern accepts, in the words the file's error messages use. */
export const TESTS_PATTERN_WORDS: Readonly<Record<string, string>> = {
  [NOW]: "a date YYYY-MM-DD, optionally with a time (2026-01-31T09:00:00Z)",
};

const LOGINS = { type: "array", items: { type: "string", minLength: 1 } };
const REVIEW_STATES = ["approved", "changes_requested", "dismissed", "commented"];
/** A review in full: who, what, on which commit, and how it relates to the head and the base. */
const REVIEW_ROW = {
  type: "object",
  additionalProperties: false,
  required: ["user"],
  properties: {
    user: { type: "string", minLength: 1 },
    state: { enum: REVIEW_STATES },
    commit: { type: "string", minLength: 1 },
    on_head: { type: "boolean" },
    same_as_head: { type: "boolean" },
    before_base_change: { type: "boolean" },
  },
};
/** What a case expects of one reviewer's standing; `reasons` are keywords, compared as a set. */
const EXPECTED_STANDING = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    state: { enum: REVIEW_STATES },
    counted: { type: "boolean" },
    requirements: LOGINS,
    reasons: { type: "array", items: { enum: [...STANDING_KEYWORDS] } },
  },
};
export const testsSchema = {
  type: "object",
  additionalProperties: false,
  required: ["version", "cases"],
  properties: {
    version: { const: 1 },
    teams: { type: "object", additionalProperties: LOGINS },
    cases: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "files", "expect"],
        properties: {
          name: { type: "string", minLength: 1 },
          files: {
            type: "array",
            minItems: 1,
            items: {
              type: ["string", "object"],
              if: { type: "string" },
              then: { minLength: 1 },
              else: {
                additionalProperties: false,
                required: ["path"],
                properties: {
                  path: { type: "string", minLength: 1 },
                  status: { enum: ["added", "modified", "removed", "renamed"] },
                  previous_path: { type: "string", minLength: 1 },
                },
              },
            },
          },
          author: { type: "string" },
          approved_by: LOGINS,
          stale_approved_by: LOGINS,
          changes_requested_by: LOGINS,
          reviews: { type: "array", items: REVIEW_ROW },
          committers: LOGINS,
          merged_by: { type: "string" },
          admins: LOGINS,
          labels: LOGINS,
          target_branch: { type: "string", minLength: 1 },
          source_branch: { type: "string", minLength: 1 },
          checks_passed: LOGINS,
          draft: { type: "boolean" },
          now: { type: "string", pattern: NOW },
          expect: {
            type: "object",
            additionalProperties: false,
            required: ["conclusion"],
            properties: {
              conclusion: { enum: ["success", "action_required", "failure"] },
              eligible: { type: "object", additionalProperties: LOGINS },
              assigned: { type: "object", additionalProperties: LOGINS },
              reviews: { type: "object", additionalProperties: EXPECTED_STANDING },
              violations: {
                type: "array",
                items: {
                  type: "object",
                  additionalProperties: false,
                  required: ["action", "user"],
                  properties: { action: { type: "string" }, user: { type: "string" }, path: { type: "string" } },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
