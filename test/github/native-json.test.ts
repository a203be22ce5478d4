import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { GraphQLResponseError, graphqlUrl, withNativeJson, type OctokitLike } from "../../src/github/native-json.js";

// Time budget: under 1 s. nock answers; nothing leaves the machine.

const api = (baseUrl = "https://api.github.com") => withNativeJson(new Octokit({ auth: "t", baseUrl }) as unknown as OctokitLike);

afterEach(() => nock.cleanAll());

describe("answers parsed with JSON.parse", () => {
  it("gives REST answers as Octokit would: status, headers, data", async () => {
    nock("https://api.github.com")
      .get("/repos/acme/app/pulls/7/files")
      .query(true)
      .reply(200, [{ filename: "a.tf", status: "added" }], { "x-ratelimit-remaining": "4999" });
    const res = await api().request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "app", pull_number: 7, per_page: 100 });
    expect(res).toMatchObject({ status: 200, data: [{ filename: "a.tf", status: "added" }], headers: { "x-ratelimit-remaining": "4999" } });
  });

  it("leaves a malformed JSON answer as text, as Octokit does", async () => {
    nock("https://api.github.com").get("/repos/acme/app/pulls/7/files").reply(200, "[{oops", { "content-type": "application/json" });
    expect((await api().request("GET /repos/acme/app/pulls/7/files")).data).toBe("[{oops");
  });

  it("still fails with Octokit's error on a 4xx", async () => {
    nock("https://api.github.com").get("/repos/acme/app").reply(404, { message: "Not Found" });
    await expect(api().request("GET /repos/acme/app")).rejects.toMatchObject({ status: 404 });
  });

  it("sends GraphQL variables and returns data; GitHub's errors throw with the errors listed", async () => {
    let sent: any;
    nock("https://api.github.com")
      .post("/graphql", (b) => {
        sent = b;
        return true;
      })
      .reply(200, { data: { viewer: { login: "x" } } })
      .post("/graphql")
      .reply(200, { data: null, errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }] });
    expect(await api().graphql("query Q($n: Int!) { viewer { login } }", { n: 3, request: { headers: {} } })).toEqual({ viewer: { login: "x" } });
    expect(sent).toEqual({ query: "query Q($n: Int!) { viewer { login } }", variables: { n: 3 } });
    const failed = api().graphql("query { viewer { login } }");
    await expect(failed).rejects.toBeInstanceOf(GraphQLResponseError);
    await expect(failed).rejects.toMatchObject({ errors: [{ type: "NOT_FOUND" }] });
  });

  it("finds the GraphQL endpoint of GitHub and of GitHub Enterprise Server", async () => {
    expect(graphqlUrl("https://api.github.com")).toBe("https://api.github.com/graphql");
    expect(graphqlUrl("https://ghe.example/api/v3")).toBe("https://ghe.example/api/graphql");
    nock("https://ghe.example")
      .post("/api/graphql")
      .reply(200, { data: { ok: true } });
    expect(await api("https://ghe.example/api/v3").graphql("{ ok }")).toEqual({ ok: true });
  });
});
