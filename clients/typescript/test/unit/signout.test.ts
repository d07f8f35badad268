// Signing out: what the client says happened is what happened.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { AuthError, MemoryStorage, createAuthClient, type AuthHubEvent, type AuthMode } from '../../src/index.js';
import { FakeService, empty, json, problem, signedInAnswer } from '../support/fake.js';

function setUp(mode: AuthMode) {
  const fake = new FakeService();
  const storage = new MemoryStorage();
  const auth = createAuthClient({ mode, endpoint: fake.origin, fetch: fake.fetch, storage });
  const events: AuthHubEvent[] = [];
  auth.listen(({ payload }) => events.push(payload.event));
  return { fake, auth, events, storage };
}

/** A page's `location`, for the federated sign-out; gone again after each test. */
function pageLocation(): string[] {
  const assigned: string[] = [];
  Object.defineProperty(globalThis, 'location', {
    value: { href: 'https://app.example.test/', assign: (url: string) => assigned.push(url) },
    configurable: true,
  });
  return assigned;
}

afterEach(() => {
  delete (globalThis as { location?: unknown }).location;
});

describe('signing out a browser', () => {
  it('throws a refusal, emits nothing, and keeps the user signed in', async () => {
    const { fake, auth, events } = setUp('browser');
    fake.on('POST', '/login', () => json(200, { status: 'authenticated', next_step: 'DONE' }));
    fake.on('POST', '/logout', () => problem(403, 'origin_not_allowed'));
    await auth.signIn({ username: 'u', password: 'x' });
    await assert.rejects(auth.signOut(), { name: 'AuthError', code: 'origin_not_allowed', status: 403 });
    fake.on('POST', '/logout', () => problem(503, 'service_unavailable'));
    await assert.rejects(auth.signOut(), { code: 'service_unavailable' });
    assert.deepEqual(events, ['signedIn']);
  });

  it('says signed out when a global sign-out finds no session, and throws', async () => {
    const { fake, auth, events } = setUp('browser');
    fake.on('POST', '/login', () => json(200, { status: 'authenticated', next_step: 'DONE' }));
    fake.on('POST', '/logout', () => problem(401, 'no_session'));
    await auth.signIn({ username: 'u', password: 'x' });
    await assert.rejects(auth.signOut({ global: true }), { code: 'no_session', status: 401 });
    assert.deepEqual(events, ['signedIn', 'signedOut']);
  });

  it('follows a federated logout_url that is a web address', async () => {
    const assigned = pageLocation();
    const { fake, auth, events } = setUp('browser');
    const url = 'https://auth.example.test/logout?client_id=1&logout_uri=https%3A%2F%2Fapp.example.test%2F';
    fake.on('POST', '/logout', () => json(200, { logout_url: url }));
    await auth.signOut();
    assert.deepEqual(assigned, [url]);
    assert.deepEqual(events, ['signedOut']);
  });

  for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', '//evil.example/']) {
    it(`does not follow the logout_url ${JSON.stringify(url)}`, async () => {
      const assigned = pageLocation();
      const { fake, auth, events } = setUp('browser');
      fake.on('POST', '/logout', () => json(200, { logout_url: url }));
      await assert.rejects(auth.signOut(), { name: 'AuthError', code: 'unexpected_response' });
      assert.deepEqual(assigned, []);
      // The service did end the session.
      assert.deepEqual(events, ['signedOut']);
    });
  }
});

describe('signing out an app', () => {
  it('drops the tokens when the service refuses, and says it refused', async () => {
    const { fake, auth, events, storage } = setUp('native');
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    fake.on('POST', '/logout', () => problem(503, 'service_unavailable'));
    await auth.signIn({ username: 'user-1', password: 'x' });
    await assert.rejects(auth.signOut(), (error: unknown) => error instanceof AuthError && error.code === 'service_unavailable');
    assert.equal(storage.getItem('cognito-bff.tokens'), null);
    assert.deepEqual(events, ['signedIn', 'signedOut']);
  });

  it('keeps everything when a global sign-out is refused', async () => {
    const { fake, auth, events, storage } = setUp('native');
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    fake.on('POST', '/logout', () => problem(503, 'service_unavailable'));
    await auth.signIn({ username: 'user-1', password: 'x' });
    await assert.rejects(auth.signOut({ global: true }), { code: 'service_unavailable' });
    assert.notEqual(storage.getItem('cognito-bff.tokens'), null);
    assert.deepEqual(events, ['signedIn']);
  });

  it('signs out quietly when the service agrees', async () => {
    const { fake, auth, events, storage } = setUp('native');
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    fake.on('POST', '/logout', () => empty());
    await auth.signIn({ username: 'user-1', password: 'x' });
    await auth.signOut();
    assert.equal(storage.getItem('cognito-bff.tokens'), null);
    assert.deepEqual(events, ['signedIn', 'signedOut']);
    assert.deepEqual(fake.sentTo('/logout')[0]?.body, { everywhere: false, refresh_token: 'refresh-first' });
  });
});
