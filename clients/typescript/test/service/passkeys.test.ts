// Passkeys through the client in both modes: registered, listed, used to sign in and removed,
// against the service and the emulator (which verifies the attestation and the assertion). A
// software authenticator stands in for the platform's, through the settings a native app
// uses; in a page the client calls navigator.credentials itself (tests/api/spa.rs drives that
// in Chromium).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SoftwareAuthenticator } from '../support/authenticator.js';
import { MODES, assertNoTokenSeen, client, confirmedUser, signedIn } from '../support/clients.js';

const DONE = { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
// A page at localhost: the pool's passkeys belong to the relying party `localhost`.
const ORIGIN = 'http://localhost:5173';

for (const mode of MODES) {
  describe(`passkeys (${mode})`, () => {
    it('registers a passkey, signs in with it alone, and removes it', async () => {
      const username = await confirmedUser('passkey');
      const authenticator = new SoftwareAuthenticator(ORIGIN);
      const { auth, events } = client(mode, {
        createPasskeyCredential: authenticator.create,
        getPasskeyCredential: authenticator.get,
      });
      await signedIn(auth, username);
      assert.deepEqual(await auth.listWebAuthnCredentials(), { credentials: [] });

      await auth.associateWebAuthnCredential();
      const { credentials } = await auth.listWebAuthnCredentials();
      assert.equal(credentials.length, 1);
      const [passkey] = credentials;
      assert.equal(passkey?.credentialId, authenticator.credentialIds[0]);
      assert.equal(passkey?.relyingPartyId, 'localhost');
      assert.deepEqual(passkey?.authenticatorTransports, ['internal']);
      assert.ok(passkey?.createdAt instanceof Date);
      // Registering renewed the session; the user is still signed in.
      assert.deepEqual(events, ['signedIn']);
      assert.equal((await auth.getCurrentUser()).username, username);

      await auth.signOut();
      assert.deepEqual(await auth.signIn({ username, options: { preferredChallenge: 'WEB_AUTHN' } }), DONE);
      assert.equal((await auth.getCurrentUser()).username, username);

      await auth.deleteWebAuthnCredential({ credentialId: passkey?.credentialId ?? '' });
      assert.deepEqual(await auth.listWebAuthnCredentials(), { credentials: [] });
      await auth.signOut();
      // Gone: a sign-in that prefers a passkey is offered the other factors instead.
      const next = await auth.signIn({ username, options: { preferredChallenge: 'WEB_AUTHN' } });
      assert.equal(next.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
      assert.ok(
        next.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION' &&
          !(next.nextStep.availableChallenges ?? []).includes('WEB_AUTHN'),
        JSON.stringify(next),
      );
    });
  });
}

describe('the pages', () => {
  it('never saw a token, in any answer of the passkey calls above', async () => {
    await assertNoTokenSeen();
  });
});
