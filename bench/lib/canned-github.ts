/**
 * The lightweight GitHub of section 4: canned answers in front of the strict fake. The issue
 * asks for canned answers under load (the strict fake, even unvalidated, executes GitHub's
 * GraphQL schema for every query and took half a core from the machine the app runs on).
 *
 * Every answer is the strict fake's own: the pull request queries of a phase are asked of the
 * fake before the phase starts (`prefetch`, outside the clock) and served from memory; team and
 * permission reads are kept after their first answer; writes the load makes (check runs, their
 * annotation updates, review requests) are answered here and recorded; anything else (tokens,
 * blobs) goes to the fake.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CannedGitHub {
  readonly url: string;
  /** Answers from memory, and requests passed on to the strict fake. */
  readonly counts: { canned: number; passedOn: number };
  /** Asks the fake, ahead of time, the pull request query the app will ask for each of these pull requests. */
  prefetch(prs: { owner: string; repo: string; number: number; installation: number }[]): Promise<void>;
  close(): Promise<void>;
}

interface Stored {
  status: number;
  body: string;
}

const json = (res: ServerResponse, status: number, body: string) =>
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);

export async function startCannedGitHub(opts: {
  upstream: string;
  /** The app's pull request query text (from dist/github/pull-request.js). */
  pullRequestQuery: string;
  tokenFor: (installation: number) => string;
  onCheckRun: (owner: string, repo: string, headSha: string, conclusion: string) => void;
}): Promise<CannedGitHub> {
  const upstream = new URL(opts.upstream);
  const memory = new Map<string, Stored>();
  const counts = { canned: 0, passedOn: 0 };
  let checkRunId = 0;

  const prKey = (v: Record<string, unknown>) =>
    `pr|${v.owner}/${v.name}#${v.number}|${v.withText}|${v.withFiles}|${v.reviewsAfter ?? ""}|${v.commitsAfter ?? ""}|${v.ymlExpr}|${v.yamlExpr}`;

  /** One request to the strict fake. */
  const ask = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: string) =>
    new Promise<Stored & { headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = request(
        { host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host, "content-length": Buffer.byteLength(body) } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 502, body: text, headers: res.headers }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  const handle = async (req: IncomingMessage, body: string, res: ServerResponse) => {
    const path = req.url ?? "/";
    const method = req.method ?? "GET";
    if (method === "POST" && path.endsWith("/graphql")) {
      const parsed = JSON.parse(body) as { query?: string; variables?: Record<string, unknown> };
      if (parsed.query === opts.pullRequestQuery && parsed.variables) {
        const hit = memory.get(prKey(parsed.variables));
        if (hit) {
          counts.canned++;
          return json(res, hit.status, hit.body);
        }
      }
    }
    const checkRun = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/check-runs(?:\/(\d+))?$/.exec(path);
    if (checkRun && method === "POST") {
      const b = JSON.parse(body) as { head_sha: string; conclusion?: string; name: string };
      opts.onCheckRun(checkRun[1]!, checkRun[2]!, b.head_sha, String(b.conclusion));
      counts.canned++;
      return json(res, 201, JSON.stringify({ id: ++checkRunId, head_sha: b.head_sha, name: b.name, status: "completed", conclusion: b.conclusion }));
    }
    if (checkRun && method === "PATCH") {
      counts.canned++;
      return json(res, 200, JSON.stringify({ id: Number(checkRun[3]) }));
    }
    if (method === "POST" && /\/pulls\/\d+\/requested_reviewers$/.test(path)) {
      counts.canned++;
      return json(res, 201, JSON.stringify({ requested_reviewers: [], requested_teams: [] }));
    }
    const readOnce = method === "GET" && (/\/teams\/[^/]+\/members\?/.test(path) || /\/collaborators\/[^/]+\/permission$/.test(path));
    if (readOnce) {
      const hit = memory.get(`get|${path}`);
      if (hit) {
        counts.canned++;
        return json(res, hit.status, hit.body);
      }
    }
    counts.passedOn++;
    const answer = await ask(method, path, req.headers, body);
    if (readOnce && answer.status === 200) memory.set(`get|${path}`, answer);
    res
      .writeHead(
        answer.status,
        Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !["content-length", "transfer-encoding", "connection", "keep-alive"].includes(k))),
      )
      .end(answer.body);
  };

  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => void handle(req, body, res).catch((e: unknown) => json(res, 502, JSON.stringify({ message: String(e) }))));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    counts,
    async prefetch(prs) {
      for (const pr of prs) {
        for (const withText of [true, false]) {
          const variables = {
            owner: pr.owner,
            name: pr.repo,
            number: pr.number,
            reviewsAfter: null,
            commitsAfter: null,
            ymlExpr: "main:.github/rolegate.yml",
            yamlExpr: "main:.github/rolegate.yaml",
            withText,
            withFiles: true,
          };
          const answer = await ask(
            "POST",
            "/api/graphql",
            { authorization: `token ${opts.tokenFor(pr.installation)}`, "content-type": "application/json" },
            JSON.stringify({ query: opts.pullRequestQuery, variables }),
          );
          if (answer.status !== 200 || answer.body.includes('"errors"'))
            throw new Error(`prefetch of ${pr.owner}/${pr.repo}#${pr.number} failed: ${answer.status} ${answer.body.slice(0, 300)}`);
          memory.set(prKey(variables), answer);
        }
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
