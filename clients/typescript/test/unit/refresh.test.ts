// Native mode's token refresh: one at a time, and never outliving the sign-in it began in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, MemoryStorage, createAuthClient, type AuthHubEvent } from '../../src/index.js';
import { Deferred, FakeService, empty, json, problem, signedInAnswer, tokens } from '../support/fake.js';

const KEY = 'cognito-bff.tokens';

function setUp() {
  const fake = new FakeService();
  const storage = new MemoryStorage();
  const auth = createAuthClient({ mode: 'native', endpoint: fake.origin, fetch: fake.fetch, storage });
  const events: AuthHubEvent[] = [];
  auth.listen(({ payload }) => events.push(payload.event));
  const kept = () => {
    const text = storage.getItem(KEY);
    return text === null ? null : (JSON.parse(text) as { accessToken: string; refreshToken: string | null });
  };
  const label = async () => {
    const session = await auth.fetchAuthSession();
    return session.tokens?.accessToken.payload['label'];
  };
  return { fake, storage, auth, events, kept, label };
}

/** user-1 signs in and starts a refresh; user-2 signs in before its answer comes. */
async function refreshOverlappedBySecondSignIn() {
  const { fake, auth, events, label } = setUp();
  fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
  const answer = new Deferred<Response>();
  fake.on('POST', '/token/refresh', () => answer.promise);
  await auth.signIn({ username: 'user-1', password: 'x' });
  const arrived = fake.arrival('POST', '/token/refresh');
  const refreshing = auth.fetchAuthSession({ forceRefresh: true });
  await arrived;
  fake.on('POST', '/login', () => signedInAnswer('user-2', 'second'));
  await auth.signIn({ username: 'user-2', password: 'x' });
  return { answer, refreshing, events, label };
}

describe('refreshing tokens (native)', () => {
  it('refreshes again after a forced refresh that had no refresh token', async () => {
    const { fake, auth, label } = setUp();
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first', null));
    await auth.signIn({ username: 'user-1', password: 'x' });
    // Nothing to refresh with: the tokens held are the answer.
    assert.equal((await auth.fetchAuthSession({ forceRefresh: true })).tokens?.accessToken.payload['label'], 'first');
    assert.equal(fake.sentTo('/token/refresh').length, 0);
    // A later sign-in has a refresh token, and a forced refresh uses it.
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'second'));
    fake.on('POST', '/token/refresh', () => json(200, { status: 'authenticated', next_step: 'DONE', tokens: tokens('user-1', 'refreshed', null) }));
    await auth.signIn({ username: 'user-1', password: 'x' });
    assert.equal((await auth.fetchAuthSession({ forceRefresh: true })).tokens?.accessToken.payload['label'], 'refreshed');
    assert.equal(fake.sentTo('/token/refresh').length, 1);
    assert.equal(await label(), 'refreshed');
  });

  it('makes one request for refreshes asked at the same time, and a new one afterwards', async () => {
    const { fake, auth } = setUp();
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    await auth.signIn({ username: 'user-1', password: 'x' });
    let round = 0;
    fake.on('POST', '/token/refresh', () => {
      round += 1;
      return json(200, { status: 'authenticated', next_step: 'DONE', tokens: tokens('user-1', `refreshed-${round}`, null) });
    });
    const both = await Promise.all([auth.fetchAuthSession({ forceRefresh: true }), auth.fetchAuthSession({ forceRefresh: true })]);
    assert.deepEqual(both.map((s) => s.tokens?.accessToken.payload['label']), ['refreshed-1', 'refreshed-1']);
    const again = await auth.fetchAuthSession({ forceRefresh: true });
    assert.equal(again.tokens?.accessToken.payload['label'], 'refreshed-2');
    assert.equal(fake.sentTo('/token/refresh').length, 2);
  });

  it('drops a refresh that ends after a sign-out', async () => {
    const { fake, auth, events, kept } = setUp();
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    fake.on('POST', '/logout', () => empty());
    const answer = new Deferred<Response>();
    fake.on('POST', '/token/refresh', () => answer.promise);
    await auth.signIn({ username: 'user-1', password: 'x' });
    const arrived = fake.arrival('POST', '/token/refresh');
    const refreshing = auth.fetchAuthSession({ forceRefresh: true });
    await arrived;
    await auth.signOut();
    answer.resolve(json(200, { status: 'authenticated', next_step: 'DONE', tokens: tokens('user-1', 'late') }));
    await assert.rejects(refreshing, (error: unknown) => error instanceof AuthError && error.code === 'session_changed');
    assert.equal(kept(), null);
    assert.deepEqual(await auth.fetchAuthSession(), {});
    assert.deepEqual(events, ['signedIn', 'signedOut']);
  });

  it('drops a refresh that ends after another sign-in, whose tokens stay', async () => {
    const { answer, refreshing, events, label } = await refreshOverlappedBySecondSignIn();
    answer.resolve(json(200, { status: 'authenticated', next_step: 'DONE', tokens: tokens('user-1', 'late') }));
    await assert.rejects(refreshing, { code: 'session_changed' });
    assert.equal(await label(), 'second');
    assert.deepEqual(events, ['signedIn', 'signedIn']);
  });

  it('signs nobody out when a refresh refused after another sign-in ends', async () => {
    const { answer, refreshing, events, label } = await refreshOverlappedBySecondSignIn();
    answer.resolve(problem(401, 'invalid_refresh_token'));
    await assert.rejects(refreshing, { code: 'session_changed' });
    assert.equal(await label(), 'second');
    assert.deepEqual(events, ['signedIn', 'signedIn']);
  });

  it('a refresh the service refuses in the current sign-in signs out', async () => {
    const { fake, auth, events, kept } = setUp();
    fake.on('POST', '/login', () => signedInAnswer('user-1', 'first'));
    fake.on('POST', '/token/refresh', () => problem(401, 'invalid_refresh_token'));
    await auth.signIn({ username: 'user-1', password: 'x' });
    assert.deepEqual(await auth.fetchAuthSession({ forceRefresh: true }), {});
    assert.equal(kept(), null);
    assert.deepEqual(events, ['signedIn', 'tokenRefresh_failure', 'signedOut']);
  });
});

describe('tokens read back from storage (native)', () => {
  it('takes what is not the kept shape for nobody signed in', async () => {
    for (const text of ['null', '"x"', '{"accessToken":1}', '[]', '{']) {
      const { auth, storage } = setUp();
      storage.setItem(KEY, text);
      assert.deepEqual(await auth.fetchAuthSession(), {}, text);
      assert.equal(storage.getItem(KEY), null, text);
    }
  });

  it('reports a kept token that is no JWT as an AuthError', async () => {
    const { auth, storage } = setUp();
    const expiresAt = Date.now() + 3_600_000;
    for (const accessToken of ['garbage', 'a.%%%.c', `a.${Buffer.from('[1]').toString('base64url')}.c`, 'a.bm90IGpzb24.c']) {
      storage.setItem(KEY, JSON.stringify({ accessToken, idToken: null, refreshToken: null, expiresAt }));
      await assert.rejects(auth.getCurrentUser(), { name: 'AuthError', code: 'malformed_token' }, accessToken);
      await assert.rejects(auth.fetchAuthSession(), { name: 'AuthError', code: 'malformed_token' }, accessToken);
    }
  });
});
