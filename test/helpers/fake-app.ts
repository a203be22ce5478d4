import { generateKeyPairSync, randomUUID } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { rolegateApp } from "../../src/app/app.js";
import { RolegateService } from "../../src/app/service.js";
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from "../fake-github/index.js";
import { silentLog } from "./github-world.js";

/**
 * rolegate's Probot app running in this process against the strict fake GitHub: every call
 * it makes goes over HTTP to the fake (JWT → installation token → REST and GraphQL), so a
 * test sets up `fake.state`, delivers an event and reads back what the app did.
 */
export interface FakeApp {
  fake: FakeGitHub;
  probot: Probot;
  service: RolegateService;
  appId: number;
  installationId: number;
  /** Hands a webhook event to the app, as Probot's webhook server would; resolves when every handler is done. */
  deliver(name: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface FakeAppOptions {
  /** the organization the app is installed on (default "acme") */
  org?: string;
  /** default 1, the installation the fake attaches repositories to */
  installationId?: number;
  /**
   * How the app reaches the fake: "ghes" as GitHub Enterprise Server (REST under /api/v3,
   * GraphQL at /api/graphql) or "root" as api.github.com (REST at the root, GraphQL at /graphql).
   * Octokit derives the GraphQL URL from the REST base URL in both cases.
   */
  layout?: "ghes" | "root";
  fake?: Omit<FakeGitHubOptions, "appId" | "appPublicKey" | "installationId">;
  service?: RolegateService;
}

const APP_ID = 1001;

let keys: { privateKey: string; publicKey: string } | undefined;
function appKeys() {
  keys ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return keys;
}

export async function startFakeApp(options: FakeAppOptions = {}): Promise<FakeApp> {
  const { privateKey, publicKey } = appKeys();
  const installationId = options.installationId ?? 1;
  // The fake checks the app's JWT signatures with its public key.
  const fake = await startFakeGitHub({ ...options.fake, appId: APP_ID, appPublicKey: publicKey, installationId });
  fake.state.addInstallation({ id: installationId, appId: APP_ID, account: options.org ?? "acme" });
  const service = options.service ?? new RolegateService(silentLog);
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    log: silentLog,
    baseUrl: (options.layout ?? "ghes") === "ghes" ? fake.apiUrl : fake.url,
    // Retries and throttling off, so faults the fake injects show at once. The function form
    // runs after Probot merged its own throttle defaults back in.
    Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  await probot.load(rolegateApp({ service, appId: APP_ID }));
  return {
    fake,
    probot,
    service,
    appId: APP_ID,
    installationId,
    deliver: (name, payload) => probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot["receive"]>[0]),
    close: () => fake.close(),
  };
}
