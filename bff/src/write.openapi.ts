// Writes the committed OpenAPI document (bff/openapi.json): `pnpm run openapi` at the root.
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApiDocument } from './openapi.document.js';

writeFileSync(OPENAPI_FILE, await renderOpenApiDocument());
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
