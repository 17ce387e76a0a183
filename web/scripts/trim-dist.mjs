// Drops from dist/ what browsers never fetch, since dist/ is embedded in the
// binary: the .woff fonts (every browser we serve takes the .woff2 listed
// first) and the Spectral serif face, which the interface does not use.
import { readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

let removed = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (name.endsWith(".woff") || name.toLowerCase().startsWith("spectral")) {
      removed += statSync(path).size;
      unlinkSync(path);
    }
  }
}
walk(process.env.GUICHET_WEB_OUT ?? "dist");
console.log(`trim-dist: ${(removed / 1024).toFixed(0)} KiB of unused fonts removed`);
