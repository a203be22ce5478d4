import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import type { RolegateService } from "./service.js";

/** How long one health reading is reused: a load balancer polling often must not spend API budget. */
const HEALTH_CACHE_MS = 5_000;

/**
 * GET /healthz: 200 when GitHub answers the app's own credentials and Redis (where configured)
 * answers PING; 503 with the reasons otherwise. GET /metrics: Prometheus text format.
 */
export function httpHandler(app: Probot, service: RolegateService, redis: boolean) {
  let last: { at: number; ok: boolean; checks: Record<string, string> } | undefined;
  const health = async () => {
    if (last && Date.now() - last.at < HEALTH_CACHE_MS) return last;
    const checks: Record<string, string> = {};
    try {
      const octokit = await app.auth();
      await octokit.request("GET /app");
      checks.github = "ok";
    } catch (e) {
      checks.github = `unreachable: ${(e as Error).message}`;
    }
    if (redis) checks.redis = (await service.store.ping()) ? "ok" : "unreachable";
    last = { at: Date.now(), ok: Object.values(checks).every((v) => v === "ok"), checks };
    return last;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || (path !== "/healthz" && path !== "/metrics")) return false;
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": service.metrics.registry.contentType });
      res.end(await service.metrics.registry.metrics());
      return true;
    }
    const h = await health();
    res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: h.ok ? "ok" : "unavailable", checks: h.checks }));
    return true;
  };
}
