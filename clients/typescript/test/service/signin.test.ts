// Signing in through every challenge the emulator can produce, in both modes: the results an
// Amplify app's `nextStep` switch reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, createAuthClient } from '../../src/index.js';
import { Browser, JWT_PATTERN } from '../support/browser.js';
import {
  MODES,
  PASSWORD,
  assertNoTokenSeen,
  browserClient,
  client,
  confirmedUser,
  invitedUser,
  receivedTokens,
  uniqueName,
  userWithEmailMfa,
  userWithTotp,
} from '../support/clients.js';
import { cognito, sentCode, setPoolMfa, withDeviceTracking } from '../support/emulator.js';
import { service, userPoolId } from '../support/env.js';
import type { Echo } from '../support/upstream.js';
import { totpCode, wrongTotpCode } from '../support/totp.js';

const DONE = { isSignedIn: true, nextStep: { signInStep: 'DONE' } };

for (const mode of MODES) {
  describe(`signing in (${mode})`, () => {
    it('signs in with the password: DONE, and the user is known', async () => {
      const username = await confirmedUser('password');
      const { auth, browser, events } = client(mode);
      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), DONE);
      assert.deepEqual(events, ['signedIn']);
      const user = await auth.getCurrentUser();
      assert.equal(user.username, username);
      const session = await auth.fetchAuthSession();
      assert.equal(session.userSub, user.userId);
      if (mode === 'browser') {
        assert.ok(browser?.cookie('cognito-bff-session'), 'no session cookie');
        assert.equal(session.tokens, undefined);
        assert.deepEqual(session.session?.amr, ['pwd']);
      } else {
        assert.equal(session.tokens?.accessToken.payload.sub, user.userId);
        assert.match(session.tokens?.accessToken.toString() ?? '', JWT_PATTERN);
      }
    });

    it('refuses a wrong password as Amplify names it, with the problem', async () => {
      const username = await confirmedUser('wrong');
      const { auth, events } = client(mode);
      const error = await auth.signIn({ username, password: 'Not-The-Passw0rd' }).catch((e: unknown) => e);
      assert.ok(error instanceof AuthError);
      assert.equal(error.name, 'NotAuthorizedException');
      assert.equal(error.code, 'invalid_credentials');
      assert.equal(error.status, 401);
      assert.match(error.request_id ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(events, []);
    });

    it('names the field at fault', async () => {
      const { auth } = client(mode);
      await assert.rejects(auth.signIn({ username: '' }), (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'invalid_request');
        assert.equal(error.field, 'username');
        assert.equal(error.status, 400);
        return true;
      });
    });

    it('asks an invited user for a new password, then signs in with it', async () => {
      const username = await invitedUser('invited', 'Temp-Passw0rd');
      const { auth } = client(mode);
      assert.deepEqual(await auth.signIn({ username, password: 'Temp-Passw0rd' }), {
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', missingAttributes: [] },
      });
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'N3w-Passw0rd' }), DONE);
      assert.equal((await auth.getCurrentUser()).username, username);
      const again = client(mode).auth;
      assert.deepEqual(await again.signIn({ username, password: 'N3w-Passw0rd' }), DONE);
    });

    it('asks for the authenticator code; a wrong one is CodeMismatchException and may be retried', async () => {
      const { username, secret } = await userWithTotp('totp');
      const { auth } = client(mode);
      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), {
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' },
      });
      await assert.rejects(auth.confirmSignIn({ challengeResponse: await wrongTotpCode(secret) }), {
        name: 'CodeMismatchException',
        code: 'code_mismatch',
        status: 400,
      });
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: await totpCode(secret) }), DONE);
      if (mode === 'browser') {
        assert.deepEqual((await auth.fetchAuthSession()).session?.amr, ['pwd', 'otp', 'mfa']);
      }
    });

    it('skips the authenticator code on a device remembered at the last sign-in, and only there', async () => {
      const { username, secret } = await userWithTotp('device');
      await withDeviceTracking(async () => {
        const { auth } = client(mode);
        const asked = { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } };
        // Not asked to remember: the next sign-in asks for the code again.
        assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), asked);
        assert.deepEqual(await auth.confirmSignIn({ challengeResponse: await totpCode(secret) }), DONE);
        await auth.signOut();
        assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), asked);
        const code = await totpCode(secret);
        assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code, options: { rememberDevice: true } }), DONE);
        await auth.signOut();
        // Remembered: the password alone.
        assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), DONE);
        await auth.signOut();
        // Another device is asked.
        const other = client(mode).auth;
        assert.deepEqual(await other.signIn({ username, password: PASSWORD }), asked);
      });
    });

    it('asks for the mailed code of email MFA, saying where it went', async () => {
      const username = await userWithEmailMfa('emailmfa');
      const { auth } = client(mode);
      // The address, masked as Cognito masks it.
      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), {
        isSignedIn: false,
        nextStep: {
          signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE',
          codeDeliveryDetails: { deliveryMedium: 'EMAIL', destination: `${username[0]}***@e***` },
        },
      });
      const { code } = await sentCode(username, 'EMAIL_MFA');
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code }), DONE);
    });

    it('lets a user with two MFAs and no preference choose one, then asks for it', async () => {
      const { username, secret } = await userWithTotp('choice');
      await cognito('AdminSetUserMFAPreference', {
        UserPoolId: userPoolId,
        Username: username,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
        EmailMfaSettings: { Enabled: true, PreferredMfa: false },
      });
      const { auth } = client(mode);
      const choose = {
        isSignedIn: false,
        nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', allowedMFATypes: ['TOTP', 'EMAIL'] },
      };
      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), choose);
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'EMAIL' }), {
        isSignedIn: false,
        nextStep: {
          signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE',
          codeDeliveryDetails: { deliveryMedium: 'EMAIL', destination: `${username[0]}***@e***` },
        },
      });
      const { code } = await sentCode(username, 'EMAIL_MFA');
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code }), DONE);
      await auth.signOut();

      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), choose);
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'TOTP' }), {
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' },
      });
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: await totpCode(secret) }), DONE);
    });

    it('offers the first factors, and signs in with a mailed code', async () => {
      const username = await confirmedUser('choice');
      const { auth } = client(mode);
      const offer = await auth.signIn({ username });
      assert.equal(offer.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
      assert.ok(offer.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
      assert.ok(offer.nextStep.availableChallenges?.includes('EMAIL_OTP'), 'no EMAIL_OTP on offer');
      assert.ok(offer.nextStep.availableChallenges?.includes('PASSWORD'), 'no PASSWORD on offer');
      const step = await auth.confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
      assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      const { code } = await sentCode(username, 'EMAIL_OTP');
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code }), DONE);
      if (mode === 'browser') {
        assert.deepEqual((await auth.fetchAuthSession()).session?.amr, ['otp']);
      }
    });

    it('asks for the password once it is picked from the factors', async () => {
      const username = await confirmedUser('pick');
      const { auth } = client(mode);
      await auth.signIn({ username });
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'PASSWORD' }), {
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_PASSWORD' },
      });
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: PASSWORD }), DONE);
    });

    it('signs in with the preferred first factor, a mailed code', async () => {
      const username = await confirmedUser('otp');
      const { auth } = client(mode);
      const step = await auth.signIn({ username, options: { preferredChallenge: 'EMAIL_OTP' } });
      assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      await assert.rejects(auth.confirmSignIn({ challengeResponse: '00000000' }), { code: 'code_mismatch' });
      const { code } = await sentCode(username, 'EMAIL_OTP');
      assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code }), DONE);
    });

    it('tells an unconfirmed user to confirm the sign-up, as a step', async () => {
      const username = uniqueName('unconfirmed');
      const { auth } = client(mode);
      await auth.signUp({ username, password: PASSWORD, options: { userAttributes: { email: `${username}@example.com` } } });
      assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), {
        isSignedIn: false,
        nextStep: { signInStep: 'CONFIRM_SIGN_UP' },
      });
    });

    it('has nothing to confirm before a sign-in', async () => {
      const { auth } = client(mode);
      await assert.rejects(auth.confirmSignIn({ challengeResponse: '123456' }), { code: 'no_sign_in_in_progress' });
    });

    describe('on a pool that requires MFA', () => {
      it('sets up an authenticator during the first sign-in', async () => {
        await setPoolMfa('ON');
        try {
          const username = await invitedUser('setup-totp', 'Temp-Passw0rd');
          const { auth } = client(mode);
          await auth.signIn({ username, password: 'Temp-Passw0rd' });
          assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'N3w-Passw0rd' }), {
            isSignedIn: false,
            nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION', allowedMFATypes: ['TOTP', 'EMAIL'] },
          });
          const setup = await auth.confirmSignIn({ challengeResponse: 'TOTP' });
          assert.ok(setup.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
          const { sharedSecret, getSetupUri } = setup.nextStep.totpSetupDetails;
          assert.match(sharedSecret, /^[A-Za-z2-7]+=*$/);
          assert.equal(
            getSetupUri('Example').toString(),
            `otpauth://totp/Example:${username}?secret=${sharedSecret}&issuer=Example`,
          );
          await assert.rejects(auth.confirmSignIn({ challengeResponse: await wrongTotpCode(sharedSecret) }), {
            code: 'code_mismatch',
          });
          assert.deepEqual(await auth.confirmSignIn({ challengeResponse: await totpCode(sharedSecret) }), DONE);
          assert.equal((await auth.getCurrentUser()).username, username);
        } finally {
          await setPoolMfa('OPTIONAL');
        }
      });

      it('hands out the authenticator secret with the step when TOTP is the only choice', async () => {
        await setPoolMfa('ON', true);
        try {
          const username = await invitedUser('totp-only', 'Temp-Passw0rd');
          const { auth } = client(mode);
          await auth.signIn({ username, password: 'Temp-Passw0rd' });
          const setup = await auth.confirmSignIn({ challengeResponse: 'N3w-Passw0rd' });
          assert.ok(setup.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', setup.nextStep.signInStep);
          const { sharedSecret } = setup.nextStep.totpSetupDetails;
          assert.deepEqual(await auth.confirmSignIn({ challengeResponse: await totpCode(sharedSecret) }), DONE);
        } finally {
          await setPoolMfa('OPTIONAL');
        }
      });

      it('sets up email MFA during the first sign-in', async () => {
        await setPoolMfa('ON');
        try {
          const username = await invitedUser('setup-email', 'Temp-Passw0rd');
          const { auth } = client(mode);
          await auth.signIn({ username, password: 'Temp-Passw0rd' });
          await auth.confirmSignIn({ challengeResponse: 'N3w-Passw0rd' });
          assert.deepEqual(await auth.confirmSignIn({ challengeResponse: 'EMAIL' }), {
            isSignedIn: false,
            nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' },
          });
          const step = await auth.confirmSignIn({ challengeResponse: `${username}@example.com` });
          assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
          const { code } = await sentCode(username, 'EMAIL_MFA');
          assert.deepEqual(await auth.confirmSignIn({ challengeResponse: code }), DONE);
          assert.deepEqual(await auth.fetchMFAPreference(), { enabled: ['EMAIL'], preferred: 'EMAIL' });
        } finally {
          await setPoolMfa('OPTIONAL');
        }
      });
    });
  });
}

describe('a browser the service cannot tell from an app', () => {
  it('gets a session and never a token: X-Token-Delivery is what keeps them out', async () => {
    const username = await confirmedUser('unmarked');
    // Asked as this browser asks, but without X-Token-Delivery, the service answers tokens:
    // nothing else in the request says "browser".
    const bare = await fetch(new URL('/login', service), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf': '1' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const answered = (await bare.json()) as { tokens?: { access_token: string; id_token?: string } };
    assert.match(answered.tokens?.access_token ?? '', JWT_PATTERN);
    assert.match(answered.tokens?.id_token ?? '', JWT_PATTERN);

    // No Origin, no Sec-Fetch-Site: a browser behind a proxy that strips both.
    const browser = new Browser(service, { fetchMetadata: false });
    const { auth, events } = browserClient(browser);
    assert.deepEqual(await auth.signIn({ username, password: PASSWORD }), DONE);
    assert.deepEqual(events, ['signedIn']);
    assert.ok(browser.cookie('cognito-bff-session'), 'no session cookie');
    const session = await auth.fetchAuthSession();
    assert.equal(session.tokens, undefined);
    // The session's own access token, as the service sends it to the upstream API.
    const read = await auth.api('echo')('whoami');
    assert.equal(((await read.json()) as Echo).bearerSub, session.userSub);
    const known = await receivedTokens();
    assert.ok(known.length > 0, 'the upstream received no token');
    for (const text of browser.seen) {
      assert.doesNotMatch(text, JWT_PATTERN);
      for (const token of known) assert.ok(!text.includes(token), 'the page saw the session\'s access token');
      assert.ok(!text.includes(answered.tokens?.access_token ?? '-'), 'the page saw a token');
    }
  });
});

describe('an app the service takes for a browser', () => {
  it('refuses the sign-in: a session cookie is of no use to it', async () => {
    const username = await confirmedUser('mistaken');
    // Headers a browser would send, which a proxy or a web view added to the app's requests.
    const auth = createAuthClient({
      mode: 'native',
      endpoint: service,
      fetch: (input, init = {}) => {
        const headers = new Headers(init.headers);
        headers.set('origin', service);
        headers.set('sec-fetch-site', 'same-origin');
        return fetch(input, { ...init, headers });
      },
    });
    const events: string[] = [];
    auth.listen(({ payload }) => events.push(payload.event));
    await assert.rejects(auth.signIn({ username, password: PASSWORD }), { name: 'AuthError', code: 'unexpected_response', status: 200 });
    assert.deepEqual(events, []);
    assert.deepEqual(await auth.fetchAuthSession(), {});
  });
});

describe('the pages', () => {
  it('never saw a token, in any answer of the sign-ins above', async () => {
    await assertNoTokenSeen();
  });
});
