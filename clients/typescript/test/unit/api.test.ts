// `api(name)` and `endSession`: whatever the app passes, a request goes below the API's base
// (in a browser, `/api/{name}/`; in native mode, the configured URL) and nowhere else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, createAuthClient, type AuthClient } from '../../src/index.js';
import { FakeService, empty, json, signedInAnswer } from '../support/fake.js';

const API_BASE = 'https://apis.example.test/orders/v1';

function browserClient(): { auth: AuthClient; fake: FakeService } {
  const fake = new FakeService();
  return { auth: createAuthClient({ mode: 'browser', endpoint: fake.origin, fetch: fake.fetch }), fake };
}

async function nativeClient(): Promise<{ auth: AuthClient; fake: FakeService }> {
  const fake = new FakeService();
  fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
  const auth = createAuthClient({
    mode: 'native',
    endpoint: fake.origin,
    fetch: fake.fetch,
    apis: { echo: API_BASE },
  });
  await auth.signIn({ username: 'user-1', password: 'x' });
  return { auth, fake };
}

/** Paths that would leave the API's base once resolved, or that some server reads so. */
const REFUSED_PATHS = [
  '../../logout',
  '..',
  '.',
  '../',
  'items/..',
  'items/../../../logout',
  './../logout',
  '%2e%2e/logout',
  '%2E%2E/logout',
  '.%2e/logout',
  '%2e./logout',
  '%2e',
  'items/%2E%2e',
  '%252e%252e/logout',
  '..\\logout',
  'items\\..\\..\\logout',
  'items%5c..%5c..%5clogout',
  'items%5C..',
  'items%2f..%2f..%2flogout',
  'items%2F..',
  '//evil.example/x',
  'https://evil.example/x',
  'javascript:alert(1)',
  '.\t./logout',
  '.\n./logout',
  'items/%2e%0a%2e/x',
];

for (const mode of ['browser', 'native'] as const) {
  describe(`api paths (${mode})`, () => {
    const make = mode === 'browser' ? async () => browserClient() : nativeClient;

    for (const path of REFUSED_PATHS) {
      it(`refuses ${JSON.stringify(path)} without a request`, async () => {
        const { auth, fake } = await make();
        const before = fake.requests.length;
        await assert.rejects(auth.api('echo')(path), (error: unknown) => {
          assert.ok(error instanceof AuthError);
          assert.equal(error.code, 'invalid_path');
          assert.equal(error.status, 0);
          return true;
        });
        assert.equal(fake.requests.length, before);
      });
    }

    it('sends an ordinary nested path with its query below the base', async () => {
      const { auth, fake } = await make();
      const base = mode === 'browser' ? `${fake.origin}/api/echo` : API_BASE;
      const sent = fake.arrival('POST', new URL(`${base}/items/42/notes`).pathname);
      fake.on('POST', new URL(`${base}/items/42/notes`).pathname, () => json(200, {}));
      const answer = await auth.api('echo')('/items/42/notes?page=2&next=../x%2fy', { method: 'POST', body: '{}' });
      assert.equal(answer.status, 200);
      const request = await sent;
      assert.equal(request.url, `${base}/items/42/notes?page=2&next=../x%2fy`);
      if (mode === 'browser') {
        assert.equal(request.headers.get('x-csrf'), '1');
        assert.equal(request.headers.get('authorization'), null);
      } else {
        assert.match(request.headers.get('authorization') ?? '', /^Bearer eyJ/);
        assert.equal(request.headers.get('x-csrf'), null);
        assert.equal(request.credentials, 'omit');
      }
    });

    it('calls the base itself for an empty path, and keeps dots inside a name', async () => {
      const { auth, fake } = await make();
      const base = mode === 'browser' ? `${fake.origin}/api/echo` : API_BASE;
      await auth.api('echo')();
      await auth.api('echo')('files/report.v2..txt');
      await auth.api('echo')('...');
      const urls = fake.requests.slice(-3).map((r) => r.url);
      assert.deepEqual(urls, [base, `${base}/files/report.v2..txt`, `${base}/...`]);
    });

    it('refuses an API name the service would not take', async () => {
      const { auth } = await make();
      for (const name of ['', 'Echo', '../logout', 'a/b', 'a.b', '%2e%2e', 'x'.repeat(33)]) {
        assert.throws(() => auth.api(name), { name: 'AuthError', code: 'invalid_api_name' }, name);
      }
    });
  });
}

describe('api names in native mode', () => {
  it('looks a name up among the configured APIs only, not what every object inherits', async () => {
    const { auth, fake } = await nativeClient();
    const before = fake.requests.length;
    for (const name of ['constructor', 'orders']) {
      await assert.rejects(auth.api(name)('x'), { name: 'AuthError', code: 'api_not_configured' }, name);
    }
    assert.equal(fake.requests.length, before);
  });

  it('refuses a base URL that is not one', async () => {
    const fake = new FakeService();
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    const auth = createAuthClient({ mode: 'native', endpoint: fake.origin, fetch: fake.fetch, apis: { bad: 'not a url' } });
    await auth.signIn({ username: 'user-1', password: 'x' });
    await assert.rejects(auth.api('bad')('x'), { name: 'AuthError', code: 'api_not_configured' });
  });
});

describe('endSession', () => {
  for (const id of ['', '.', '..']) {
    it(`refuses the id ${JSON.stringify(id)} without a request`, async () => {
      const { auth, fake } = browserClient();
      await assert.rejects(auth.endSession({ id }), { name: 'AuthError', code: 'invalid_session_id' });
      assert.equal(fake.requests.length, 0);
    });
  }

  it('ends the session an ordinary id names, encoded as one segment', async () => {
    const { auth, fake } = browserClient();
    fake.on('DELETE', '/sessions/abc', () => empty());
    fake.on('DELETE', '/sessions/a%2F..', () => empty());
    await auth.endSession({ id: 'abc' });
    await auth.endSession({ id: 'a/..' });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url}`),
      [`DELETE ${fake.origin}/sessions/abc`, `DELETE ${fake.origin}/sessions/a%2F..`],
    );
  });
});
