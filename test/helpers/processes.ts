import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const WEBHOOK_SECRET = "e2e-webhook-secret";

export function appKeys() {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface AppProcess {
  port: number;
  child: ChildProcess;
  output(): string;
  deliver(name: string, payload: unknown, signature?: string): Promise<Response>;
  stop(signal?: NodeJS.Signals): void;
}

/** The environment `npm start` needs to run the app on 127.0.0.1 against a local GitHub (GHE_HOST over http), logging JSON. */
export function appEnvironment(o: {
  appId: number;
  keyPath: string;
  secret: string;
  githubUrl: string;
  port: number;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    APP_ID: String(o.appId),
    PRIVATE_KEY_PATH: o.keyPath,
    WEBHOOK_SECRET: o.secret,
    GHE_HOST: new URL(o.githubUrl).host,
    GHE_PROTOCOL: "http",
    PORT: String(o.port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    NODE_ENV: "production",
    // The start-up judging of every open pull request is tested on its own.
    ROLEGATE_REPLAN_ON_START: "false",
    ...o.extra,
  };
}

/** Starts `npm start`'s entry (node dist/app/main.js) as a child process against a fake GitHub. */
export async function startApp(fakeUrl: string, privateKey: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const dir = mkdtempSync(join(tmpdir(), "rolegate-app-"));
  writeFileSync(join(dir, "app.pem"), privateKey);
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "dist", "app", "main.js")], {
    env: appEnvironment({ appId: 1001, keyPath: join(dir, "app.pem"), secret: WEBHOOK_SECRET, githubUrl: fakeUrl, port, extra: env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`the app on port ${port} to listen (output: ${output})`, async () => {
    try {
      return (await fetch(`${base}/api/github/webhooks`)).status > 0 ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return {
    port,
    child,
    output: () => output,
    deliver(name, payload, signature) {
      const body = JSON.stringify(payload);
      const sig = signature ?? `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
      return fetch(`${base}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": name, "x-github-delivery": `d-${Math.random()}`, "x-hub-signature-256": sig },
        body,
      });
    },
    stop(signal = "SIGTERM") {
      child.kill(signal);
    },
  };
}

/** A throw-away redis-server on a free loopback port, without persistence. */
export async function startRedis(): Promise<{ url: string; port: number; stop(): void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "rolegate-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const failed = new Promise<never>((_, reject) =>
    child.on("error", (e) => reject(new Error(`redis-server could not start (${e.message}); install it: apt-get install redis-server`))),
  );
  await Promise.race([
    failed,
    waitFor("redis-server to listen", async () => {
      try {
        const { Redis } = await import("ioredis");
        const c = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
        c.on("error", () => {});
        await c.connect();
        const ok = (await c.ping()) === "PONG";
        c.disconnect();
        return ok ? true : undefined;
      } catch {
        return undefined;
      }
    }),
  ]);
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => child.kill("SIGKILL") };
}
