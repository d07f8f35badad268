// Forgotten and changed passwords, in both modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MODES, PASSWORD, assertMaskedDelivery, assertNoTokenSeen, client, confirmedUser, signedIn } from '../support/clients.js';

const NEW_PASSWORD = 'N3w-Passw0rd-2';

for (const mode of MODES) {
  describe(`passwords (${mode})`, () => {
    it('sends a reset code, saying where', async () => {
      const username = await confirmedUser('forgot');
      const { auth } = client(mode);
      const result = await auth.resetPassword({ username });
      assert.deepEqual(result, {
        isPasswordReset: false,
        nextStep: {
          resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE',
          codeDeliveryDetails: result.nextStep.codeDeliveryDetails,
        },
      });
      assertMaskedDelivery(result.nextStep.codeDeliveryDetails);
    });

    it('sets the new password with the code; the old one stops working', async () => {
      const username = await confirmedUser('reset');
      const { auth } = client(mode);
      await auth.resetPassword({ username });
      // The emulator checks only codes of its own form, and takes any other.
      await auth.confirmResetPassword({ username, confirmationCode: '123456', newPassword: NEW_PASSWORD });
      await signedIn(client(mode).auth, username, NEW_PASSWORD);
      await assert.rejects(client(mode).auth.signIn({ username, password: PASSWORD }), {
        name: 'NotAuthorizedException',
        code: 'invalid_credentials',
      });
    });

    it('refuses a wrong reset code as CodeMismatchException', async () => {
      const username = await confirmedUser('badcode');
      const { auth } = client(mode);
      await auth.resetPassword({ username });
      await assert.rejects(
        auth.confirmResetPassword({ username, confirmationCode: 'moto-confirmation-code:000000', newPassword: NEW_PASSWORD }),
        { name: 'CodeMismatchException', code: 'code_mismatch', status: 400 },
      );
      await signedIn(client(mode).auth, username, PASSWORD);
    });

    it('changes the password of the signed-in user, who stays signed in', async () => {
      const username = await confirmedUser('change');
      const { auth, events } = client(mode);
      await signedIn(auth, username);
      await auth.updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD });
      assert.equal((await auth.getCurrentUser()).username, username);
      assert.deepEqual(events, ['signedIn']);
      await signedIn(client(mode).auth, username, NEW_PASSWORD);
    });

    it('refuses a wrong old password, naming the field', async () => {
      const username = await confirmedUser('wrongold');
      const { auth } = client(mode);
      await signedIn(auth, username);
      await assert.rejects(auth.updatePassword({ oldPassword: 'Not-The-Passw0rd', newPassword: NEW_PASSWORD }), {
        name: 'NotAuthorizedException',
        code: 'incorrect_password',
        field: 'previous_password',
        status: 400,
      });
    });

    it('ends the other browser sessions when the password changes', async () => {
      const username = await confirmedUser('others');
      const other = client('browser');
      await signedIn(other.auth, username);
      const { auth } = client(mode);
      await signedIn(auth, username);
      await auth.updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD });
      await assert.rejects(other.auth.getCurrentUser(), { name: 'UserUnAuthenticatedException', code: 'no_session' });
      assert.deepEqual(other.events, ['signedIn', 'signedOut']);
    });
  });
}

describe('the pages', () => {
  it('never saw a token, in any answer of the password changes above', async () => {
    await assertNoTokenSeen();
  });
});
