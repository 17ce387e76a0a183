// Writes the Brotli (.br) and gzip (.gz) forms of every text file of dist/,
// which the server sends to browsers that take them (a town hall's 2 Mbit/s
// line: 600 KB of DSFR stylesheet become 70). Node's own zlib: no package.
// Then prints the budget of the login page's first load: index.html and
// what it links (stylesheets, scripts, preloaded modules), as sent with
// Brotli — fonts and icons come on top, as the page uses them (the
// end-to-end test measures the whole, on a throttled line).
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = process.env.GUICHET_WEB_OUT ?? "dist";
const compressible = /\.(html|js|mjs|css|svg|json|txt|webmanifest)$/;
const BUDGET = 300 * 1024;

let files = 0;
let before = 0;
let after = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!name.startsWith(".")) walk(path);
      continue;
    }
    if (!compressible.test(name)) continue;
    const body = readFileSync(path);
    const br = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    const gz = gzipSync(body, { level: 9 });
    // Only where it pays: a small file can grow.
    if (gz.length < body.length * 0.9) {
      writeFileSync(`${path}.br`, br);
      writeFileSync(`${path}.gz`, gz);
      files++;
      before += body.length;
      after += br.length;
    }
  }
}
walk(dist);

const sent = (path) => {
  const file = join(dist, path.split("?")[0]);
  try {
    return statSync(`${file}.br`).size;
  } catch {
    return statSync(file).size;
  }
};
const html = readFileSync(join(dist, "index.html"), "utf8");
const linked = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="(\/[^"]+)"[^>]*>/g)]
  .filter(([tag]) => !/rel="icon"/.test(tag))
  .map(([, path]) => path);
const first = sent("index.html") + linked.reduce((sum, path) => sum + sent(path), 0);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(
  `compress-dist: ${files} files, ${kb(before)} → ${kb(after)} with Brotli; ` +
    `login page's first load ${kb(first)} (index.html and ${linked.length} linked files; ` +
    `budget ${kb(BUDGET)}, fonts as used on top)`,
);
if (first > BUDGET) {
  console.error(`compress-dist: the login page's first load (${kb(first)}) is over its budget`);
  process.exit(1);
}
