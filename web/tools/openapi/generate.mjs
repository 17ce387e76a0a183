// docs/openapi.json → web/src/api/schema.d.ts: the API's paths, parameters,
// bodies and answers as TypeScript types, which api.ts and openapi-fetch
// check every call against — a page calling a path, sending a body or
// reading a field the document does not have fails `tsc`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, "../../../docs/openapi.json");
const target = path.resolve(here, "../../src/api/schema.d.ts");

// A field is optional unless the document's schema lists it as required
// (a `default` says what the server assumes, not that it is always there).
const ast = await openapiTS(new URL(`file://${source}`), { defaultNonNullable: false });
const header =
  "// Generated from docs/openapi.json by web/tools/openapi/generate.mjs (npm run api-types).\n" +
  "// Do not edit: change the document, and the server with it.\n";
const text = header + astToString(ast);
fs.mkdirSync(path.dirname(target), { recursive: true });
if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== text) {
  fs.writeFileSync(target, text);
}
