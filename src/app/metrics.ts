import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { GitHubApi } from "../github/api.js";

/** Prometheus metrics of one replica, served at GET /metrics. */
export class Metrics {
  readonly registry = new Registry();
  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }
  readonly events = this.counter("rolegate_events_total", "Webhook events handled, by event name and outcome.", ["event", "outcome"]);
  readonly evaluations = new Histogram({
    name: "rolegate_evaluation_seconds",
    help: "Time to judge a pull request and post its check, by conclusion.",
    labelNames: ["conclusion"],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly apiCalls = this.counter("rolegate_github_api_calls_total", "GitHub API calls, by route and status.", ["route", "status"]);
  readonly cache = this.counter("rolegate_cache_lookups_total", "Cache lookups, by cache and result.", ["cache", "result"]);
  readonly rateLimitRemaining = new Gauge({
    name: "rolegate_github_rate_limit_remaining",
    help: "x-ratelimit-remaining of the latest GitHub answer, by installation.",
    labelNames: ["installation"],
    registers: [this.registry],
  });

  /** Counts every call and keeps the latest rate-limit reading. */
  instrument(api: GitHubApi, installation: string): GitHubApi {
    const record = (route: string, status: number | string, headers?: Record<string, unknown>) => {
      this.apiCalls.inc({ route, status: String(status) });
      const remaining = headers?.["x-ratelimit-remaining"];
      if (remaining !== undefined && !Number.isNaN(Number(remaining))) this.rateLimitRemaining.set({ installation }, Number(remaining));
    };
    return {
      request: async (route, params) => {
        try {
          const res = await api.request(route, params);
          record(route, res.status, res.headers);
          return res;
        } catch (e) {
          const err = e as { status?: number; response?: { headers?: Record<string, unknown> } };
          record(route, err.status ?? "error", err.response?.headers);
          throw e;
        }
      },
      graphql: async (query, params) => {
        try {
          const data = await api.graphql(query, params);
          record("POST /graphql", 200);
          return data;
        } catch (e) {
          record("POST /graphql", (e as { status?: number }).status ?? "error");
          throw e;
        }
      },
    };
  }
}
