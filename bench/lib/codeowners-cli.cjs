// The baseline as a whole process, for section 5: what a command built on the `codeowners`
// package does for one change. Started cold like `rolegate check`, with the changed files the
// same way (`--files P1,P2,...`), it finds the CODEOWNERS file from the working directory,
// resolves every path and prints one owner list per path. Plain CommonJS, run by node itself
// (no TypeScript loader), so its start-up costs what the package's own does.
const Codeowners = require("codeowners");

const at = process.argv.indexOf("--files");
const paths = at >= 0 ? process.argv[at + 1].split(",") : [];
const codeowners = new Codeowners(process.cwd());
const out = [];
for (const path of paths) out.push(`${path} ${codeowners.getOwner(path).join(" ")}`);
process.stdout.write(`${out.join("\n")}\n`);
