/**
 * JSON Schema (draft 2020-12) for policy version 1. The single source of truth:
 * `npm run schema` writes it to policies/rolegate.schema.json for editors and compiles it
 * ahead of time into schema-validator.generated.ts, and `npm run check:schema` fails when
 * either copy drifts. Unknown keys are errors everywhere.
 */

const NAME = "^[A-Za-z0-9_][A-Za-z0-9_.-]*$";
const LOGIN = "^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\\[bot\\])?$";
const TEAM = "^@[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$";
const TEAM_IN_OBJECT = "^@?[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$";
const DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
const CLOCK = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
const LOCKED_KEY = "^[A-Za-z0-9_.*-]+$";
const ACTION = "^[a-z][a-z0-9_-]*$";
const CATEGORY_OR_ALL = "^(\\*|[A-Za-z0-9_][A-Za-z0-9_.-]*)$";

/** Where editors find the schema: the copy in policies/ at the release tag `v1`, valid wherever a policy lives. */
export const SCHEMA_URL = "https://raw.githubusercontent.com/rolegate/rolegate/v1/policies/rolegate.schema.json";

/** What each pattern accepts, in the words schema messages use (a new pattern needs its words here). */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [NAME]: "a name of letters, digits, `_`, `.` and `-`",
  [LOGIN]: "a GitHub login (letters, digits and `-`)",
  [TEAM]: "a team written `@org/team`",
  [TEAM_IN_OBJECT]: "a team written `org/team` or `@org/team`",
  [DATE]: "a date YYYY-MM-DD",
  [CLOCK]: "a time of day HH:MM, from 00:00 to 23:59",
  [LOCKED_KEY]: "a key such as `require` or `roles.security-contact`",
  [ACTION]: "an action name in lower case, such as `approve`",
  [CATEGORY_OR_ALL]: "a category name (or `*` for every category)",
};

const nonEmptyStrings = (description: string) => ({
  type: "array",
  minItems: 1,
  items: { type: "string", minLength: 1 },
  description,
});

/**
 * A grant or deny entry: a category name, or an object with a level bound and a condition that
 * names a category or (for `deploy`) an environment, never both.
 */
function ruleRef(levelKey: "up_to_level" | "from_level", minimum: number) {
  return {
    type: ["string", "object"],
    if: { type: "string" },
    then: { $ref: "#/$defs/categoryName" },
    else: {
      additionalProperties: false,
      properties: {
        category: { $ref: "#/$defs/categoryName" },
        environment: { $ref: "#/$defs/environmentName" },
        [levelKey]: { type: "integer", minimum, maximum: 5 },
        when: { $ref: "#/$defs/condition" },
      },
      if: { required: ["environment"] },
      then: { not: { required: ["category"] } },
      else: { required: ["category"] },
    },
  };
}

export const policySchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: SCHEMA_URL,
  title: "rolegate policy, version 1",
  type: "object",
  additionalProperties: false,
  required: ["version"],
  properties: {
    version: { const: 1, description: "Policy format version; must be 1." },
    extends: {
      type: "string",
      minLength: 1,
      description: "Parent policy: `.github`, `OWNER/REPO:PATH` or `preset:NAME`.",
    },
    locked: {
      type: "array",
      minItems: 1,
      items: { type: "string", pattern: LOCKED_KEY },
      description: "Keys a child policy may not redefine, e.g. `roles.security-contact`, `require`.",
    },
    privileges: {
      type: "array",
      minItems: 1,
      items: { type: "string", pattern: "^[a-z][a-z0-9_-]*$" },
      description: "Action names beyond author, approve, merge and deploy that grants and denies may use.",
    },
    enforce: {
      type: "boolean",
      description:
        "In an organisation default: bind every repository of the organisation, those with a policy of their own included (they are judged as its children).",
    },
    break_glass: {
      type: "object",
      additionalProperties: false,
      required: ["roles"],
      properties: {
        roles: { $ref: "#/$defs/names" },
        reason_min_length: { type: "integer", minimum: 1, maximum: 1000 },
      },
      description: "Who may override unmet requirements with `/rolegate break-glass REASON`, and how long the reason must be (default 10).",
    },
    categories: {
      type: "object",
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: "#/$defs/category" },
      description: "Named kinds of change, each a list of path globs.",
    },
    environments: {
      type: "object",
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: "#/$defs/environment" },
      description: "Production levels: 1 sandbox … 5 production.",
    },
    roles: {
      type: "object",
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: "#/$defs/role" },
    },
    require: { type: "array", minItems: 1, items: { $ref: "#/$defs/requirement" } },
    options: {
      type: "object",
      additionalProperties: false,
      properties: {
        stale_approvals: {
          enum: ["dismiss", "unless_changed", "keep"],
          description:
            "Approvals of an earlier commit: void (`dismiss`), kept while the pull request's changes are the same (`unless_changed`), or kept (`keep`).",
        },
        author_can_approve: { type: "boolean" },
        committers_can_approve: { type: "boolean" },
        check_commit_authors: { type: "boolean" },
      },
    },
    notify: {
      type: "object",
      additionalProperties: false,
      properties: { violations: { type: "array", minItems: 1, items: { type: "string", pattern: NAME } } },
    },
    review: {
      type: "object",
      additionalProperties: false,
      required: ["last_reviewed", "interval_days"],
      properties: {
        last_reviewed: { type: "string", pattern: DATE },
        interval_days: { type: "integer", minimum: 1 },
      },
    },
  },
  $defs: {
    globs: nonEmptyStrings("Gitignore-style globs, without `!` or `[...]`."),
    names: { type: "array", minItems: 1, items: { type: "string", pattern: NAME } },
    category: {
      type: "object",
      additionalProperties: false,
      required: ["paths"],
      properties: { paths: { $ref: "#/$defs/globs" }, description: { type: "string" } },
    },
    environment: {
      type: "object",
      additionalProperties: false,
      required: ["level"],
      properties: {
        level: { type: "integer", minimum: 1, maximum: 5 },
        paths: { $ref: "#/$defs/globs" },
        branches: { $ref: "#/$defs/globs" },
        github_environments: {
          type: "array",
          minItems: 1,
          items: { type: "string", minLength: 1, maxLength: 255 },
          description: "The GitHub environments that are this environment (default: the one of the same name).",
        },
        description: { type: "string" },
      },
    },
    role: {
      type: "object",
      additionalProperties: false,
      properties: {
        description: { type: "string" },
        inherits: { $ref: "#/$defs/names" },
        members: { type: "array", minItems: 1, items: { $ref: "#/$defs/member" } },
        min_members: { type: "integer", minimum: 0 },
        recommended_members: { type: "integer", minimum: 0 },
        grants: { $ref: "#/$defs/grants" },
        denies: { $ref: "#/$defs/denies" },
      },
    },
    member: {
      type: ["string", "object"],
      if: { type: "string" },
      then: { anyOf: [{ pattern: LOGIN }, { pattern: TEAM }] },
      else: {
        additionalProperties: false,
        properties: {
          user: { type: "string", pattern: LOGIN },
          team: { type: "string", pattern: TEAM_IN_OBJECT },
          environments: { $ref: "#/$defs/names" },
          paths: { $ref: "#/$defs/globs" },
          expires: { type: "string", pattern: DATE },
        },
        if: { required: ["user"] },
        then: { not: { required: ["team"] } },
        else: { required: ["team"] },
      },
    },
    grants: {
      type: "object",
      propertyNames: { pattern: ACTION },
      additionalProperties: { type: "array", minItems: 1, items: { $ref: "#/$defs/grantRef" } },
    },
    denies: {
      type: "object",
      propertyNames: { pattern: ACTION },
      additionalProperties: { type: "array", minItems: 1, items: { $ref: "#/$defs/denyRef" } },
    },
    categoryName: { type: "string", pattern: CATEGORY_OR_ALL },
    environmentName: { type: "string", pattern: CATEGORY_OR_ALL },
    grantRef: ruleRef("up_to_level", 1),
    denyRef: ruleRef("from_level", 0),
    requirement: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { type: "string", minLength: 1 },
        categories: { $ref: "#/$defs/names" },
        environments: { $ref: "#/$defs/names" },
        paths: { $ref: "#/$defs/globs" },
        min_level: { type: "integer", minimum: 0, maximum: 5 },
        roles: { $ref: "#/$defs/names" },
        approvals: { type: "integer", minimum: 1 },
        exclusive: { type: "boolean", description: "One person counts toward at most one exclusive requirement." },
        when: { $ref: "#/$defs/condition" },
      },
    },
    condition: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: {
        target_branch: { $ref: "#/$defs/globs" },
        source_branch: { $ref: "#/$defs/globs" },
        checks_passed: nonEmptyStrings("Each named check run or commit status on the head commit concluded `success`."),
        labels: nonEmptyStrings("All of these labels are present."),
        not_labels: nonEmptyStrings("None of these labels is present."),
        author_roles: { $ref: "#/$defs/names" },
        draft: { type: "boolean" },
        time: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: {
            days: { type: "array", minItems: 1, items: { enum: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] } },
            from: { type: "string", pattern: CLOCK },
            to: { type: "string", pattern: CLOCK },
            timezone: { type: "string", minLength: 1 },
          },
          dependentRequired: { from: ["to"], to: ["from"] },
        },
        all: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } },
        any: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } },
        not: { $ref: "#/$defs/condition" },
      },
    },
  },
} as const;
