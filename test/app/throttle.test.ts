import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { isGraphQLQuery, withRolegateThrottling } from "../../src/app/throttle.js";

// Time budget: under 1 s. nock answers api.github.com; nothing leaves the machine.

/** Stands in for the throttling plugin's per-id write queue and records who queued there. */
function recordingWriteQueue() {
  const queued: string[] = [];
  let current = "";
  return {
    queued,
    label: (name: string) => (current = name),
    group: {
      key: (id: string) => ({
        schedule: <T>(_o: unknown, job: () => Promise<T>) => {
          queued.push(`${id}:${current}`);
          return job();
        },
      }),
    },
  };
}

const Octokit = ProbotOctokit.defaults(withRolegateThrottling);

afterEach(() => nock.cleanAll());

describe("throttling", () => {
  it("spaces writes and mutations in the write queue, but not GraphQL queries", async () => {
    nock("https://api.github.com")
      .persist()
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "x" } } })
      .post("/repos/acme/app/check-runs")
      .reply(201, { id: 1 });
    const write = recordingWriteQueue();
    const octokit = new Octokit({ auth: { token: "t" }, throttle: { write: write.group } } as never);
    write.label("query");
    await octokit.graphql("query { viewer { login } }");
    write.label("check run");
    await octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "app", name: "rolegate", head_sha: "abc" });
    write.label("mutation");
    await octokit.graphql('mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }');
    expect(write.queued.map((q) => q.split(":")[1])).toEqual(["check run", "mutation"]);
  });

  it("keys the queues by installation", () => {
    const options = withRolegateThrottling({ auth: { installationId: 42 }, throttle: {} });
    expect(options.throttle).toMatchObject({ id: "installation-42" });
    expect(options.retry).toEqual({ enabled: false });
  });

  it("tells queries from everything else", () => {
    expect(isGraphQLQuery({ method: "POST", url: "/graphql", query: "query Q { a }" })).toBe(true);
    expect(isGraphQLQuery({ method: "POST", url: "https://ghe.example/api/graphql", body: { query: "{ a }" } })).toBe(true);
    expect(isGraphQLQuery({ method: "POST", url: "/graphql", query: "mutation { a }" })).toBe(false);
    expect(isGraphQLQuery({ method: "POST", url: "/repos/a/b/check-runs" })).toBe(false);
    expect(isGraphQLQuery({ method: "GET", url: "/graphql", query: "{ a }" })).toBe(false);
  });
});
