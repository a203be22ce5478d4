import { Octokit } from "@octokit/rest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withNativeJson, type OctokitLike } from "../../src/github/native-json.js";
import { nodeFetch } from "../../src/github/node-fetch.js";

// Time budget: under 2 s. Two local HTTP servers on 127.0.0.1; nothing leaves the machine.

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let routes: Record<string, Handler> = {};
const seen: { url: string; method: string; headers: IncomingMessage["headers"]; body: string }[] = [];

function listen(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ url: req.url!, method: req.method!, headers: req.headers, body });
      const route = routes[`${req.method} ${req.url}`];
      if (route) route(req, body, res);
      else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

let one: { server: Server; base: string };
let two: { server: Server; base: string };
beforeAll(async () => {
  one = await listen();
  two = await listen();
});
afterAll(() => {
  one.server.close();
  two.server.close();
});

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(value));

describe("nodeFetch", () => {
  it("sends method, headers and body, and gives status, headers and the whole body", async () => {
    routes = {
      "POST /echo": (req, body, res) => json(res, 201, { got: JSON.parse(body), auth: req.headers.authorization }, { "x-ratelimit-remaining": "41" }),
    };
    const res = await nodeFetch(`${one.base}/echo`, {
      method: "POST",
      headers: { authorization: "token t", "content-type": "application/json" },
      body: JSON.stringify({ a: "é" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("41");
    expect([...res.headers]).toContainEqual(["x-ratelimit-remaining", "41"]);
    expect(await res.json()).toEqual({ got: { a: "é" }, auth: "token t" });
    expect(seen.at(-1)!.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ a: "é" }))));
  });

  it("follows redirects as fetch does: 307 keeps the POST, 302 after a POST becomes a GET, another origin loses the authorization", async () => {
    routes = {
      "POST /a": (_q, _b, res) => res.writeHead(307, { location: "/b" }).end(),
      "POST /b": (_q, body, res) => json(res, 200, { body }),
      "POST /c": (_q, _b, res) => res.writeHead(302, { location: `${two.base}/d` }).end(),
      "GET /d": (req, _b, res) => json(res, 200, { auth: req.headers.authorization ?? null }),
    };
    expect(await (await nodeFetch(`${one.base}/a`, { method: "POST", body: "x", headers: { authorization: "token t" } })).json()).toEqual({ body: "x" });
    const moved = await nodeFetch(`${one.base}/c`, { method: "POST", body: "x", headers: { authorization: "token t" } });
    expect(moved.url).toBe(`${two.base}/d`);
    expect(await moved.json()).toEqual({ auth: null });
  });

  it("rejects with the signal's reason on a timeout, and with a TypeError naming the cause when the connection drops", async () => {
    routes = { "GET /slow": (_q, _b, res) => void setTimeout(() => json(res, 200, {}), 1000), "GET /drop": (req) => req.socket.destroy() };
    await expect(nodeFetch(`${one.base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: "TimeoutError" });
    const dropped = await nodeFetch(`${one.base}/drop`).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(TypeError);
    expect((dropped as TypeError).cause).toBeInstanceOf(Error);
  });

  it("decodes a compressed body", async () => {
    routes = {
      "GET /gz": (_q, _b, res) =>
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync(JSON.stringify({ ok: 1 }))),
    };
    expect(await (await nodeFetch(`${one.base}/gz`)).json()).toEqual({ ok: 1 });
  });

  it("serves Octokit: REST answers, 4xx errors and GraphQL through withNativeJson", async () => {
    routes = {
      "GET /repos/acme/app/pulls/7/files?per_page=100": (_q, _b, res) => json(res, 200, [{ filename: "a.tf", status: "added" }]),
      "POST /graphql": (_q, body, res) => json(res, 200, { data: { echo: JSON.parse(body).variables } }),
    };
    const api = withNativeJson(
      new Octokit({
        auth: "t",
        baseUrl: one.base,
        request: { fetch: nodeFetch },
        log: { debug() {}, info() {}, warn() {}, error() {} },
      }) as unknown as OctokitLike,
    );
    expect(
      (await api.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "app", pull_number: 7, per_page: 100 })).data,
    ).toEqual([{ filename: "a.tf", status: "added" }]);
    expect(await api.graphql("query Q($n: Int!) { echo }", { n: 3 })).toEqual({ echo: { n: 3 } });
    await expect(api.request("GET /repos/acme/missing")).rejects.toMatchObject({ status: 404, message: expect.stringContaining("Not Found") });
  });
});
