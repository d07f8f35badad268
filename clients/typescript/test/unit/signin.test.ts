// Sign-in answers the service could give that the emulator never does: a step or challenge
// newer than the client, a refused TOTP set-up, a session where an app needs tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, createAuthClient, type AuthHubEvent, type AuthMode } from '../../src/index.js';
import { FakeService, json, problem } from '../support/fake.js';

function setUp(mode: AuthMode) {
  const fake = new FakeService();
  const auth = createAuthClient({ mode, endpoint: fake.origin, fetch: fake.fetch });
  const events: AuthHubEvent[] = [];
  auth.listen(({ payload }) => events.push(payload.event));
  return { fake, auth, events };
}

for (const mode of ['browser', 'native'] as const) {
  describe(`sign-in answers (${mode})`, () => {
    it('refuses a next_step it does not know, and leaves nothing pending', async () => {
      const { fake, auth } = setUp(mode);
      fake.on('POST', '/login', () =>
        json(200, { status: 'challenge', challenge: 'EMAIL_OTP', next_step: 'CONFIRM_SIGN_IN_WITH_HOLOGRAM', parameters: {} }),
      );
      await assert.rejects(auth.signIn({ username: 'u' }), (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'unknown_next_step');
        return true;
      });
      await assert.rejects(auth.confirmSignIn({ challengeResponse: '123456' }), { code: 'no_sign_in_in_progress' });
    });

    it('refuses a challenge it does not know', async () => {
      const { fake, auth } = setUp(mode);
      fake.on('POST', '/login', () =>
        json(200, { status: 'challenge', challenge: 'DEVICE_SRP_AUTH', next_step: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', parameters: {} }),
      );
      await assert.rejects(auth.signIn({ username: 'u' }), { name: 'AuthError', code: 'unknown_next_step' });
      await assert.rejects(auth.confirmSignIn({ challengeResponse: '123456' }), { code: 'no_sign_in_in_progress' });
    });

    it('ends the pending challenge when fetching the TOTP secret is refused with 401', async () => {
      const { fake, auth, events } = setUp(mode);
      fake.on('POST', '/login', () =>
        json(200, { status: 'challenge', challenge: 'MFA_SETUP', next_step: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', parameters: {} }),
      );
      fake.on('POST', '/challenge/totp', () => problem(401, 'challenge_expired'));
      await assert.rejects(auth.signIn({ username: 'u', password: 'x' }), { name: 'NotAuthorizedException', code: 'challenge_expired' });
      await assert.rejects(auth.confirmSignIn({ challengeResponse: '123456' }), { code: 'no_sign_in_in_progress' });
      assert.equal(fake.sentTo('/challenge').length, 0);
      assert.deepEqual(events, []);
    });

    it('hands out the TOTP secret with the step when fetching it succeeds', async () => {
      const { fake, auth } = setUp(mode);
      fake.on('POST', '/login', () =>
        json(200, { status: 'challenge', challenge: 'MFA_SETUP', next_step: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', parameters: {} }),
      );
      fake.on('POST', '/challenge/totp', () =>
        json(200, {
          status: 'challenge',
          challenge: 'MFA_SETUP',
          next_step: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP',
          secret: 'JBSWY3DPEHPK3PXP',
          otpauth_uri: 'otpauth://totp/Service:jin?secret=JBSWY3DPEHPK3PXP&issuer=Service',
        }),
      );
      const result = await auth.signIn({ username: 'jin', password: 'x' });
      assert.ok(result.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
      assert.equal(result.nextStep.totpSetupDetails.sharedSecret, 'JBSWY3DPEHPK3PXP');
    });
  });
}

describe('a native sign-in answered with a browser session', () => {
  it('is refused: the app could not use it', async () => {
    const { fake, auth, events } = setUp('native');
    fake.on('POST', '/login', () =>
      json(200, { status: 'authenticated', next_step: 'DONE', session: {} }, { 'x-request-id': 'req-7' }),
    );
    await assert.rejects(auth.signIn({ username: 'u', password: 'x' }), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'unexpected_response');
      assert.equal(error.request_id, 'req-7');
      return true;
    });
    assert.deepEqual(events, []);
    assert.deepEqual(await auth.fetchAuthSession(), {});
  });
});
