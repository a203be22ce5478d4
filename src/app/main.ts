import { run } from "probot";
import { rolegateApp } from "./app.js";
import { readSettings } from "./config.js";

/**
 * `npm start`: check the environment first, so a missing or malformed setting stops
 * start-up with one line naming it; then hand over to Probot's server.
 */
const checked = readSettings(process.env);
if (!checked.ok) {
  process.stderr.write(`rolegate: ${checked.error}\n`);
  process.exit(1);
}
const { settings } = checked;
process.env.PRIVATE_KEY = settings.privateKey;
delete process.env.PRIVATE_KEY_PATH;
await run(rolegateApp({ mergeMethod: settings.mergeMethod }), { env: process.env as never });
