// The signed-in user: attributes, MFA settings, who is signed in and the session, in both modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, MemoryStorage, createAuthClient } from '../../src/index.js';
import { JWT_PATTERN } from '../support/browser.js';
import { MODES, assertNoTokenSeen, client, confirmedUser, signedIn } from '../support/clients.js';
import { service } from '../support/env.js';
import { totpCode, wrongTotpCode } from '../support/totp.js';

for (const mode of MODES) {
  describe(`the signed-in user (${mode})`, () => {
    it('reads the attributes as text, as Cognito keeps them', async () => {
      const username = await confirmedUser('attrs');
      const { auth } = client(mode);
      await signedIn(auth, username);
      const attributes = await auth.fetchUserAttributes();
      assert.equal(attributes['email'], `${username}@example.com`);
      assert.equal(attributes['email_verified'], 'true');
      assert.equal(attributes['sub'], (await auth.getCurrentUser()).userId);
    });

    it('changes attributes, each DONE', async () => {
      const username = await confirmedUser('update');
      const { auth } = client(mode);
      await signedIn(auth, username);
      assert.deepEqual(await auth.updateUserAttributes({ userAttributes: { nickname: 'jin', updated_at: '1700000100' } }), {
        nickname: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
        updated_at: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
      });
      const attributes = await auth.fetchUserAttributes();
      assert.equal(attributes['nickname'], 'jin');
      assert.equal(attributes['updated_at'], '1700000100');
    });

    it('refuses an attribute users may not set, naming it', async () => {
      const username = await confirmedUser('notwritable');
      const { auth } = client(mode);
      await signedIn(auth, username);
      await assert.rejects(auth.updateUserAttributes({ userAttributes: { 'custom:tier': '3' } }), {
        code: 'attribute_not_writable',
        attribute: 'custom:tier',
        status: 400,
      });
    });

    it('sets up an authenticator, verifies it, and turns it off', async () => {
      const username = await confirmedUser('totp-setup');
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      assert.deepEqual(await auth.fetchMFAPreference(), {});
      const { sharedSecret, getSetupUri } = await auth.setUpTOTP();
      assert.match(sharedSecret, /^[A-Za-z2-7]+=*$/);
      assert.equal(
        getSetupUri('Example', 'jin@example.com').toString(),
        `otpauth://totp/Example:jin@example.com?secret=${sharedSecret}&issuer=Example`,
      );
      await assert.rejects(auth.verifyTOTPSetup({ code: await wrongTotpCode(sharedSecret) }), {
        name: 'CodeMismatchException',
        code: 'code_mismatch',
      });
      await auth.verifyTOTPSetup({ code: await totpCode(sharedSecret) });
      assert.deepEqual(await auth.fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
      // What an Amplify app calls next: already so, so nothing to do.
      await auth.updateMFAPreference({ totp: 'PREFERRED' });
      await auth.updateMFAPreference({ totp: 'DISABLED' });
      assert.deepEqual(await auth.fetchMFAPreference(), {});
      // The session moved to a new id with each change, and is still signed in.
      assert.equal((await auth.getCurrentUser()).username, username);
      assert.deepEqual(events, ['signedIn']);
    });

    it('refuses to make TOTP preferred before it is set up', async () => {
      const username = await confirmedUser('totp-early');
      const { auth } = client(mode);
      await signedIn(auth, username);
      await assert.rejects(auth.updateMFAPreference({ totp: 'PREFERRED' }), { code: 'not_supported' });
    });

    it('turns email MFA on and off', async () => {
      const username = await confirmedUser('email-mfa');
      const { auth } = client(mode);
      await signedIn(auth, username);
      await auth.updateMFAPreference({ email: 'ENABLED' });
      assert.deepEqual(await auth.fetchMFAPreference(), { enabled: ['EMAIL'], preferred: 'EMAIL' });
      await auth.updateMFAPreference({ email: 'DISABLED' });
      assert.deepEqual(await auth.fetchMFAPreference(), {});
    });

    it('has no SMS MFA to change', async () => {
      const username = await confirmedUser('sms');
      const { auth } = client(mode);
      await signedIn(auth, username);
      await assert.rejects(auth.updateMFAPreference({ sms: 'ENABLED' }), (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'not_supported');
        assert.equal(error.status, 0);
        return true;
      });
    });

    it('describes the session, and refreshes it when asked', async () => {
      const username = await confirmedUser('session');
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      const { userId } = await auth.getCurrentUser();
      const before = await auth.fetchAuthSession();
      const after = await auth.fetchAuthSession({ forceRefresh: true });
      assert.deepEqual(events, ['signedIn', 'tokenRefresh']);
      assert.equal(before.userSub, userId);
      assert.equal(after.userSub, userId);
      if (mode === 'browser') {
        assert.equal(after.tokens, undefined);
        assert.equal(after.session?.user.username, username);
        assert.ok((after.session?.expiresAt.getTime() ?? 0) > Date.now());
        assert.ok((after.session?.idleExpiresAt.getTime() ?? 0) > Date.now());
      } else {
        assert.match(after.tokens?.accessToken.toString() ?? '', JWT_PATTERN);
        assert.equal(after.tokens?.idToken?.payload['cognito:username'], username);
        assert.notEqual(after.tokens?.accessToken.toString(), before.tokens?.accessToken.toString());
      }
      // The refreshed session still works.
      assert.equal((await auth.fetchUserAttributes())['email'], `${username}@example.com`);
    });

    it('knows nobody before a sign-in', async () => {
      const { auth } = client(mode);
      assert.deepEqual(await auth.fetchAuthSession(), {});
      await assert.rejects(auth.getCurrentUser(), { name: 'UserUnAuthenticatedException' });
      await assert.rejects(auth.fetchUserAttributes(), { name: 'UserUnAuthenticatedException', status: 401 });
    });
  });
}

describe('tokens in native mode', () => {
  /** Storage whose kept tokens a test can age, as time would. */
  function agedStorage() {
    const storage = new MemoryStorage();
    const age = () => {
      const text = storage.getItem('cognito-bff.tokens');
      assert.ok(text !== null, 'no tokens kept');
      storage.setItem('cognito-bff.tokens', JSON.stringify({ ...JSON.parse(text), expiresAt: Date.now() }));
    };
    return { storage, age };
  }

  it('refreshes tokens about to expire before using them', async () => {
    const username = await confirmedUser('aged');
    const { storage, age } = agedStorage();
    const auth = createAuthClient({ mode: 'native', endpoint: service, storage });
    const events: string[] = [];
    auth.listen(({ payload }) => events.push(payload.event));
    await signedIn(auth, username);
    const before = storage.getItem('cognito-bff.tokens');
    age();
    assert.equal((await auth.fetchUserAttributes())['email'], `${username}@example.com`);
    assert.deepEqual(events, ['signedIn', 'tokenRefresh']);
    const after = JSON.parse(storage.getItem('cognito-bff.tokens') ?? '{}') as { expiresAt: number; refreshToken: string };
    assert.ok(after.expiresAt > Date.now() + 60_000);
    // Without rotation the refresh answers no refresh token: the one held is kept.
    assert.equal(after.refreshToken, (JSON.parse(before ?? '{}') as { refreshToken: string }).refreshToken);
  });

  it('signs out when the refresh is refused', async () => {
    const username = await confirmedUser('refused');
    const { storage, age } = agedStorage();
    const auth = createAuthClient({ mode: 'native', endpoint: service, storage });
    const events: string[] = [];
    auth.listen(({ payload }) => events.push(payload.event));
    await signedIn(auth, username);
    const elsewhere = client('native').auth;
    await signedIn(elsewhere, username);
    await elsewhere.signOut({ global: true });
    age();
    assert.deepEqual(await auth.fetchAuthSession(), {});
    assert.deepEqual(events, ['signedIn', 'tokenRefresh_failure', 'signedOut']);
    assert.equal(storage.getItem('cognito-bff.tokens'), null);
  });
});

describe('the pages', () => {
  it('never saw a token, in any answer about the user above', async () => {
    await assertNoTokenSeen();
  });
});
