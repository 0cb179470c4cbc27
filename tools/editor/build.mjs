// Builds src/kg/static/vendor/codemirror.js (minified IIFE, global KGEditor) and copies the
// licences of everything bundled next to it. Run: npm ci && npm run build (in tools/editor).
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const out = new URL("../../src/kg/static/vendor/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: ["entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "KGEditor",
  target: ["es2020"],
  outfile: join(out, "codemirror.js"),
  legalComments: "none",
  metafile: true,
});
// Every package that ended up in the bundle, with its version and licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
let text = "Third-party code bundled in codemirror.js (built by tools/editor/build.mjs).\n";
for (const name of [...packages].sort()) {
  const dir = join("node_modules", name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  text += `\n==== ${name} ${pkg.version} (${pkg.license}) ====\n`;
  text += licence && existsSync(join(dir, licence)) ? readFileSync(join(dir, licence), "utf8") : "";
}
writeFileSync(join(out, "codemirror.LICENSE.txt"), text);
console.log([...packages].sort().join(" "));
