// Signing up, confirming, and the sign-in the confirmation earns, in both modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError } from '../../src/index.js';
import { MODES, PASSWORD, assertMaskedDelivery, assertNoTokenSeen, client, confirmedUser, uniqueName } from '../support/clients.js';

// The emulator takes any sign-up confirmation code: it sends none to read.
const CODE = '123456';

for (const mode of MODES) {
  describe(`signing up (${mode})`, () => {
    it('signs up, confirms with the code, and signs in automatically', async () => {
      const username = uniqueName('signup');
      const { auth, events } = client(mode);
      const signedUp = await auth.signUp({
        username,
        password: PASSWORD,
        options: { userAttributes: { email: `${username}@example.com`, birthdate: '1990-02-28' } },
      });
      assert.match(signedUp.userId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(signedUp.nextStep.signUpStep === 'CONFIRM_SIGN_UP');
      assertMaskedDelivery(signedUp.nextStep.codeDeliveryDetails);
      assert.deepEqual(signedUp, {
        isSignUpComplete: false,
        userId: signedUp.userId,
        nextStep: { signUpStep: 'CONFIRM_SIGN_UP', codeDeliveryDetails: signedUp.nextStep.codeDeliveryDetails },
      });
      assert.deepEqual(await auth.confirmSignUp({ username, confirmationCode: CODE }), {
        isSignUpComplete: true,
        nextStep: { signUpStep: 'COMPLETE_AUTO_SIGN_IN' },
      });
      assert.deepEqual(events, []);
      assert.deepEqual(await auth.autoSignIn(), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
      assert.deepEqual(events, ['signedIn']);
      assert.deepEqual(await auth.getCurrentUser(), { username, userId: signedUp.userId });
      const attributes = await auth.fetchUserAttributes();
      assert.equal(attributes['birthdate'], '1990-02-28');
    });

    it('lets the automatic sign-in happen once', async () => {
      const username = uniqueName('once');
      const { auth } = client(mode);
      await auth.signUp({ username, password: PASSWORD, options: { userAttributes: { email: `${username}@example.com` } } });
      await auth.confirmSignUp({ username, confirmationCode: CODE });
      await auth.autoSignIn();
      await assert.rejects(auth.autoSignIn(), { code: 'challenge_expired', status: 401 });
    });

    it('sends the code again, saying where', async () => {
      const username = uniqueName('resend');
      const { auth } = client(mode);
      await auth.signUp({ username, password: PASSWORD, options: { userAttributes: { email: `${username}@example.com` } } });
      assert.deepEqual(await auth.resendSignUpCode({ username }), {
        deliveryMedium: 'EMAIL',
        destination: `${username[0]}***@e***`,
      });
    });

    it('refuses a taken username as UsernameExistsException', async () => {
      const username = await confirmedUser('taken');
      const { auth } = client(mode);
      await assert.rejects(
        auth.signUp({ username, password: PASSWORD, options: { userAttributes: { email: `${username}@example.com` } } }),
        { name: 'UsernameExistsException', code: 'username_exists', status: 409 },
      );
    });

    it('names the attribute at fault', async () => {
      const { auth } = client(mode);
      const error = await auth
        .signUp({ username: uniqueName('attr'), password: PASSWORD, options: { userAttributes: { birthdate: '1990-02-30' } } })
        .catch((e: unknown) => e);
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'invalid_attribute');
      assert.equal(error.attribute, 'birthdate');
      assert.equal(error.status, 400);
    });

    it('refuses a password the pool does not take', async () => {
      const { auth } = client(mode);
      await assert.rejects(
        auth.signUp({ username: uniqueName('weak'), password: 'weak', options: { userAttributes: { email: 'weak@example.com' } } }),
        { name: 'InvalidPasswordException', code: 'invalid_password' },
      );
    });
  });
}

describe('the pages', () => {
  it('never saw a token, in any answer of the sign-ups above', async () => {
    await assertNoTokenSeen();
  });
});
