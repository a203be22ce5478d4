import { generateKeyPairSync, createHmac } from "node:crypto";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { startFakeGitHub } from "../test/fake-github/index.js";
import { globSpecs, policyYaml, teamMembers } from "./lib/scenario.js";
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
writeFileSync("/tmp/dbg.pem", keys.privateKey);
const fake = await startFakeGitHub({ validate: false, appPublicKey: keys.publicKey, preload: true });
const s = fake.state;
const N = Number(process.argv[3] ?? 5);
for (let i = 0; i < N; i++) {
const o = `org-${i}`;
s.addInstallation({ id: 1000 + i, account: o });
s.addRepo({ owner: o, name: "app", installationId: 1000 + i });
s.setFile(o, "app", "main", ".github/rolegate.yml", policyYaml(globSpecs(30), o));
for (const [team, logins] of teamMembers(o)) s.setTeam(o, team.split("/")[1]!, logins);
s.addPullRequest({ owner: o, repo: "app", number: 1, author: "dev-1", base: { ref: "main" }, head: { ref: "x", sha: String(i).padStart(40, "b") }, files: [{ filename: "a.tf", status: "modified" }] });
}
const app = spawn(process.execPath, [process.argv[2] ?? "dist/app/main.js"], { env: { PATH: process.env.PATH, APP_ID: "1001", PRIVATE_KEY_PATH: "/tmp/dbg.pem", WEBHOOK_SECRET: "s", GHE_HOST: new URL(fake.url).host, GHE_PROTOCOL: "http", PORT: "39123", HOST: "127.0.0.1", LOG_LEVEL: "debug", LOG_FORMAT: "json", NODE_ENV: "production" }, stdio: ["ignore", "inherit", "inherit"] });
await new Promise((r) => setTimeout(r, 2500));
const t = Date.now();
await Promise.all(Array.from({ length: N }, async (_, i) => {
const o = `org-${i}`;
const body = JSON.stringify({ action: "opened", number: 1, pull_request: fake.pullRequestJson(o, "app", 1), repository: fake.repositoryJson(o, "app"), installation: { id: 1000 + i }, sender: { login: "dev-1", type: "User" } });
const res = await fetch("http://127.0.0.1:39123/api/github/webhooks", { method: "POST", headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "d" + i, "x-hub-signature-256": `sha256=${createHmac("sha256", "s").update(body).digest("hex")}` }, body });
console.log("answer", i, res.status, Date.now() - t, "ms");
}));
const counts: Record<string, number> = {};
for (const c of fake.calls) { const k = `${c.method} ${c.path.replace(/org-\d+/, "org-N").replace(/\/\d+\//, "/N/")} ${c.status}`; counts[k] = (counts[k] ?? 0) + 1; }
console.log(counts);
app.kill(); await fake.close();
