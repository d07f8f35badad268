// Generates src/generated/openapi.ts from the service's contract, ../../openapi.yaml, with
// openapi-typescript. `npm run generate` writes it; test/generated.test.mjs compares the
// checked-in file with what this produces, so the types can't drift from the contract.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';

export const contract = new URL('../../../openapi.yaml', import.meta.url);
export const output = new URL('../src/generated/openapi.ts', import.meta.url);

const HEADER = `// Generated from openapi.yaml by openapi-typescript (npm run generate). Do not edit.\n\n`;

/** The text of src/generated/openapi.ts for the contract as it is now. */
export async function generate() {
  const ast = await openapiTS(await readFile(contract, 'utf8'));
  return HEADER + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(output, await generate());
}
