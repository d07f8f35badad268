// The checked-in types are exactly what the generator makes of the current openapi.yaml.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { generate, output } from '../scripts/generate.mjs';

test('src/generated/openapi.ts matches openapi.yaml (run `npm run generate` after changing the contract)', async () => {
  const checkedIn = await readFile(output, 'utf8');
  const fresh = await generate();
  assert.ok(fresh.includes('export interface paths'), 'the generator produced no paths');
  assert.equal(checkedIn, fresh);
});
