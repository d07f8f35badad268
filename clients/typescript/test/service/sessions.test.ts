// Signing out, the user's browser sessions, and calls to an upstream API, in both modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Browser } from '../support/browser.js';
import { MODES, assertNoTokenSeen, browserClient, client, confirmedUser, signedIn } from '../support/clients.js';
import { service } from '../support/env.js';
import type { Echo } from '../support/upstream.js';

for (const mode of MODES) {
  describe(`sessions and sign-out (${mode})`, () => {
    it('signs out: the user is gone, and listeners hear it', async () => {
      const username = await confirmedUser('signout');
      const { auth, browser, events } = client(mode);
      await signedIn(auth, username);
      await auth.signOut();
      assert.deepEqual(events, ['signedIn', 'signedOut']);
      assert.deepEqual(await auth.fetchAuthSession(), {});
      await assert.rejects(auth.getCurrentUser(), { name: 'UserUnAuthenticatedException' });
      if (browser !== undefined) assert.equal(browser.cookie('cognito-bff-session'), undefined);
    });

    it('signs out everywhere: every browser of the user too', async () => {
      const username = await confirmedUser('global');
      const other = client('browser');
      await signedIn(other.auth, username);
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      await auth.signOut({ global: true });
      assert.deepEqual(events, ['signedIn', 'signedOut']);
      await assert.rejects(other.auth.fetchUserAttributes(), { name: 'UserUnAuthenticatedException', status: 401 });
      assert.deepEqual(other.events, ['signedIn', 'signedOut']);
    });

    it('lists the browser sessions, and ends one of them', async () => {
      const username = await confirmedUser('list');
      const first = client('browser');
      const second = client('browser');
      await signedIn(first.auth, username);
      await signedIn(second.auth, username);
      const { auth } = mode === 'browser' ? first : client(mode);
      if (mode === 'native') await signedIn(auth, username);
      const sessions = await auth.listSessions();
      assert.equal(sessions.length, 2);
      // A browser knows which one is its own; an app's token belongs to none.
      assert.deepEqual(
        sessions.map((s) => s.current).sort(),
        mode === 'browser' ? [false, true] : [false, false],
      );
      for (const session of sessions) {
        assert.ok(session.createdAt.getTime() <= session.lastSeenAt.getTime());
        assert.ok(session.expiresAt.getTime() > Date.now());
        assert.equal(typeof session.device, 'string');
      }
      // A browser ends the other one; an app, either.
      const ended = sessions.find((s) => !s.current);
      assert.ok(ended !== undefined);
      await auth.endSession({ id: ended.id });
      const still = await Promise.all(
        [first, second].map((b) => b.auth.getCurrentUser().then(() => true, () => false)),
      );
      assert.deepEqual(still.filter(Boolean).length, 1);
      if (mode === 'browser') assert.deepEqual(still, [true, false]);
      const gone = still[0] ? second : first;
      assert.deepEqual(gone.events, ['signedIn', 'signedOut']);
      assert.equal((await auth.listSessions()).length, 1);
      await assert.rejects(auth.endSession({ id: ended.id }), { code: 'not_found', status: 404 });
    });

    it('ends the other sessions', async () => {
      const username = await confirmedUser('others');
      const other = client('browser');
      await signedIn(other.auth, username);
      const { auth } = client(mode);
      await signedIn(auth, username);
      assert.deepEqual(await auth.endOtherSessions(), { ended: 1 });
      await assert.rejects(other.auth.getCurrentUser(), { code: 'no_session' });
      // Its own sign-in stands.
      assert.equal((await auth.getCurrentUser()).username, username);
    });

    it('calls an upstream API with the user\'s token, which the page never holds', async () => {
      const username = await confirmedUser('api');
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      const { userId } = await auth.getCurrentUser();
      const echo = auth.api('echo');
      const read = await echo('items?page=2');
      assert.equal(read.status, 200);
      const got = (await read.json()) as Echo;
      assert.equal(got.method, 'GET');
      assert.equal(got.path, '/items?page=2');
      assert.equal(got.bearerSub, userId);
      assert.equal(got.cookie, false);
      // X-CSRF is for the service alone: a browser's stays there, an app sends none.
      assert.equal(got.csrf, false);
      // The service says who calls, as it does to a gateway; an app's call goes straight there.
      assert.equal(got.xAuthSub, mode === 'browser' ? userId : null);
      const write = await echo('/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'tea' }),
      });
      assert.equal(write.status, 200);
      const written = (await write.json()) as Echo;
      assert.equal(written.method, 'POST');
      assert.equal(written.body, '{"name":"tea"}');
      assert.equal(written.csrf, false);
      assert.deepEqual(events, ['signedIn']);
    });

    it('turns a 401 from the API into a sign-out', async () => {
      const username = await confirmedUser('api401');
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      if (mode === 'browser') {
        // The session ends elsewhere; the next call through the token handler finds none.
        const other = client('native');
        await signedIn(other.auth, username);
        await other.auth.endOtherSessions();
        const answer = await auth.api('echo')('items');
        assert.equal(answer.status, 401);
        assert.equal(((await answer.json()) as { code: string }).code, 'no_session');
      } else {
        const answer = await auth.api('echo')('unauthorized');
        assert.equal(answer.status, 401);
        assert.deepEqual(await auth.fetchAuthSession(), {});
      }
      assert.deepEqual(events, ['signedIn', 'signedOut']);
    });
  });
}

describe('a browser sign-out the service refuses', () => {
  it('throws, emits no signedOut, and the session goes on', async () => {
    const username = await confirmedUser('kept');
    const own = client('browser');
    await signedIn(own.auth, username);
    // The same browser's session, from a page on another port of the service's host: the same
    // site, so the cookie goes along, but an origin the service neither serves nor lists.
    const elsewhere = new URL(service);
    elsewhere.port = elsewhere.port === '1' ? '2' : '1';
    const page = browserClient(new Browser(elsewhere.origin, { cookies: own.browser?.cookies ?? new Map() }), 'include');
    await assert.rejects(page.auth.signOut(), { name: 'AuthError', code: 'origin_not_allowed', status: 403 });
    assert.deepEqual(page.events, []);
    assert.ok(own.browser?.cookie('cognito-bff-session'), 'the session cookie is gone');
    assert.equal((await page.auth.getCurrentUser()).username, username);
    assert.equal((await own.auth.getCurrentUser()).username, username);
    // Signed out from its own origin, it ends.
    await own.auth.signOut();
    assert.deepEqual(own.events, ['signedIn', 'signedOut']);
    await assert.rejects(page.auth.getCurrentUser(), { code: 'no_session', status: 401 });
  });
});

describe('the pages', () => {
  it('never saw a token, in any answer of the sessions and API calls above', async () => {
    await assertNoTokenSeen();
  });
});
