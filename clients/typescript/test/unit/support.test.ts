// The tests' own tools: the pattern by which a page's answers are searched for tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { JWT_PATTERN } from '../support/browser.js';
import { jwt } from '../support/fake.js';

describe('JWT_PATTERN', () => {
  it('finds a signed token (JWS, three parts) inside text', () => {
    assert.match(`{"access_token":"${jwt({ sub: 'x' })}"}`, JWT_PATTERN);
  });

  it('finds an encrypted token (JWE, five parts), as Cognito\'s refresh tokens are', () => {
    const header = Buffer.from('{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}').toString('base64url');
    assert.match(`refresh=${header}.a2V5.aXY.Y2lwaGVydGV4dA.dGFn;`, JWT_PATTERN);
    // With direct encryption the key part is empty.
    assert.match(`${header}..aXY.Y2lwaGVydGV4dA.dGFn`, JWT_PATTERN);
  });

  it('finds no token in what pages do see', () => {
    for (const text of ['{"user":{"sub":"0b7c"}}', 'x-request-id: 5f0e1a52-9b6c-4c1e-8f3e-2d7a9b1c0e4f', 'eyJhbGciOiJub25lIn0']) {
      assert.doesNotMatch(text, JWT_PATTERN, text);
    }
  });
});
