// Writes src/operations.gen.ts from the BFF's persisted operations (bff/src/graphql/operations): each
// document with the id the BFF knows it by, so the apps send `documentId` and a BFF that runs only
// persisted operations accepts them. `pnpm run openapi` runs it; a stale file fails the SDK's tests.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const OPERATIONS_DIR = new URL('../../../bff/src/graphql/operations/', import.meta.url);
export const GENERATED = fileURLToPath(new URL('../src/operations.gen.ts', import.meta.url));

/** The generated module's text, formatted as committed. */
export async function renderOperations(): Promise<string> {
  const entries = readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const document = readFileSync(new URL(file, OPERATIONS_DIR), 'utf8');
      const id = `sha256:${createHash('sha256').update(document).digest('hex')}`;
      return `  ${file.replace(/\.graphql$/, '')}: { id: ${JSON.stringify(id)}, document: ${JSON.stringify(document)} },`;
    });
  const text =
    '// Generated from bff/src/graphql/operations by packages/sdk/scripts/persisted.operations.ts: do not edit.\n' +
    "import type { PersistedOperation } from './persisted.operation.js';\n\n" +
    `export const persistedOperations = {\n${entries.join('\n')}\n} as const satisfies Record<string, PersistedOperation>;\n`;
  const options = await prettier.resolveConfig(GENERATED);
  return prettier.format(text, { ...options, parser: 'typescript' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(GENERATED, await renderOperations());
