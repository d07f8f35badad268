// Registering, listing and removing passkeys, as Amplify's associateWebAuthnCredential,
// listWebAuthnCredentials and deleteWebAuthnCredential.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createAuthClient, type AuthConfig, type AuthHubEvent } from '../../src/index.js';
import { FakeService, json, problem } from '../support/fake.js';

const OPTIONS = { challenge: 'Y2hhbGxlbmdl', rp: { id: 'app.example.test', name: 'app' } };
const CREDENTIAL = { id: 'bmV3', rawId: 'bmV3', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } };

function setUp(config: AuthConfig = {}) {
  const fake = new FakeService();
  const auth = createAuthClient({ mode: 'browser', endpoint: fake.origin, fetch: fake.fetch, ...config });
  const events: AuthHubEvent[] = [];
  auth.listen(({ payload }) => events.push(payload.event));
  return { fake, auth, events };
}

function passkey(id: string, created: number) {
  return { id, name: `Key ${id}`, relying_party_id: 'app.example.test', transports: ['internal'], created_at: created };
}

describe('associateWebAuthnCredential', () => {
  it("hands Cognito's options to the authenticator and its credential back to the service", async () => {
    const given: unknown[] = [];
    const { fake, auth, events } = setUp({
      createPasskeyCredential: async (options) => {
        given.push(options);
        return CREDENTIAL;
      },
    });
    fake.on('POST', '/me/passkeys', () => json(200, { creation_options: OPTIONS }));
    fake.on('POST', '/me/passkeys/complete', () => json(200, { registered: true, session: 'renewed' }));

    await auth.associateWebAuthnCredential();

    assert.deepEqual(given, [OPTIONS]);
    const [started, completed] = fake.requests;
    assert.equal(started?.headers.get('x-csrf'), '1');
    assert.equal(completed?.headers.get('x-csrf'), '1');
    assert.deepEqual(completed?.body, { credential: CREDENTIAL });
    // A moved session is still a signed-in one.
    assert.deepEqual(events, []);
  });

  it('says the user is signed out when the registration ended the session', async () => {
    const { fake, auth, events } = setUp({ createPasskeyCredential: async () => CREDENTIAL });
    fake.on('POST', '/me/passkeys', () => json(200, { creation_options: OPTIONS }));
    fake.on('POST', '/me/passkeys/complete', () => json(200, { registered: true, session: 'ended' }));
    await auth.associateWebAuthnCredential();
    assert.deepEqual(events, ['signedOut']);
  });

  it('starts nothing when there is no WebAuthn and no createPasskeyCredential', async () => {
    const { fake, auth } = setUp();
    fake.on('POST', '/me/passkeys', () => json(200, { creation_options: OPTIONS }));
    await assert.rejects(auth.associateWebAuthnCredential(), { name: 'AuthError', code: 'not_supported' });
    assert.deepEqual(fake.requests, []);
  });

  it("says passkey_failed when the browser's credential can't be read, and sends nothing on", async () => {
    const made: unknown[] = [];
    const browser = globalThis as { PublicKeyCredential?: unknown; navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    browser.PublicKeyCredential = { parseCreationOptionsFromJSON: (json: unknown) => json };
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: {
        credentials: {
          create: async (options: unknown) => {
            made.push(options);
            return made.length === 1
              ? { toJSON: () => { throw new TypeError('Illegal invocation'); } }
              : null;
          },
        },
      },
    });
    try {
      const { fake, auth } = setUp();
      fake.on('POST', '/me/passkeys', () => json(200, { creation_options: OPTIONS }));
      await assert.rejects(auth.associateWebAuthnCredential(), { name: 'AuthError', code: 'passkey_failed' });
      await assert.rejects(auth.associateWebAuthnCredential(), { name: 'AuthError', code: 'passkey_failed' });
      assert.deepEqual(made, [{ publicKey: OPTIONS }, { publicKey: OPTIONS }]);
      assert.deepEqual(fake.sentTo('/me/passkeys/complete'), []);
    } finally {
      delete browser.PublicKeyCredential;
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    }
  });

  it('takes neither missing options nor an answer that does not say registered for success', async () => {
    const { fake, auth } = setUp({ createPasskeyCredential: async () => CREDENTIAL });
    fake.on('POST', '/me/passkeys', () => json(200, {}));
    await assert.rejects(auth.associateWebAuthnCredential(), { code: 'unexpected_response' });
    assert.deepEqual(fake.sentTo('/me/passkeys/complete'), []);
    fake.on('POST', '/me/passkeys', () => json(200, { creation_options: OPTIONS }));
    fake.on('POST', '/me/passkeys/complete', () => json(200, {}));
    await assert.rejects(auth.associateWebAuthnCredential(), { code: 'unexpected_response' });
  });

  it("passes on the service's refusal, with what to do next", async () => {
    const { fake, auth } = setUp({ createPasskeyCredential: async () => assert.fail('not asked') });
    fake.on('POST', '/me/passkeys', () => problem(403, 'recent_sign_in_required', { next_step: 'SIGN_IN' }));
    await assert.rejects(auth.associateWebAuthnCredential(), {
      code: 'recent_sign_in_required',
      status: 403,
      next_step: 'SIGN_IN',
    });
  });
});

describe('listWebAuthnCredentials', () => {
  it("gives each passkey in Amplify's shape", async () => {
    const { fake, auth } = setUp();
    fake.on('GET', '/me/passkeys', () =>
      json(200, { passkeys: [{ ...passkey('a1', 1_700_000_000), attachment: 'platform' }, passkey('b2', 1_700_000_100)] }),
    );
    const { credentials, nextToken } = await auth.listWebAuthnCredentials();
    assert.equal(nextToken, undefined);
    assert.deepEqual(credentials, [
      {
        credentialId: 'a1',
        friendlyCredentialName: 'Key a1',
        relyingPartyId: 'app.example.test',
        authenticatorAttachment: 'platform',
        authenticatorTransports: ['internal'],
        createdAt: new Date(1_700_000_000_000),
      },
      {
        credentialId: 'b2',
        friendlyCredentialName: 'Key b2',
        relyingPartyId: 'app.example.test',
        authenticatorTransports: ['internal'],
        createdAt: new Date(1_700_000_100_000),
      },
    ]);
  });

  it('pages through them oldest first, and a removal between pages skips none', async () => {
    const { fake, auth } = setUp();
    let held = [passkey('c3', 30), passkey('a1', 10), passkey('b2', 20), passkey('d4', 30)];
    fake.on('GET', '/me/passkeys', () => json(200, { passkeys: held }));
    const first = await auth.listWebAuthnCredentials({ pageSize: 2 });
    assert.deepEqual(first.credentials.map((c) => c.credentialId), ['a1', 'b2']);
    assert.equal(typeof first.nextToken, 'string');
    // The first page's passkeys removed before the next page is asked for.
    held = held.filter((p) => p.id !== 'a1' && p.id !== 'b2');
    const second = await auth.listWebAuthnCredentials({ pageSize: 2, nextToken: first.nextToken ?? '' });
    assert.deepEqual(second.credentials.map((c) => c.credentialId), ['c3', 'd4']);
    assert.equal(second.nextToken, undefined);
    const whole = await auth.listWebAuthnCredentials({ pageSize: 1_000_000 });
    assert.deepEqual(whole.credentials.map((c) => c.credentialId), ['c3', 'd4']);
    assert.equal(whole.nextToken, undefined);
  });

  it('refuses a page size or token it did not make, asking nothing', async () => {
    const { fake, auth } = setUp();
    const tokens = ['x', '-1', '1', '.a1', '1.', '1.a', '1.a/b', '1e3.a1', '1.a1.', '1234567890123456.a1'];
    for (const input of [{ pageSize: 0 }, { pageSize: 1.5 }, ...tokens.map((nextToken) => ({ nextToken }))]) {
      await assert.rejects(auth.listWebAuthnCredentials(input), { code: 'invalid_input' }, JSON.stringify(input));
    }
    assert.deepEqual(fake.requests, []);
  });
});

describe('deleteWebAuthnCredential', () => {
  it('takes an answer that does not say removed for no success', async () => {
    const { fake, auth } = setUp();
    fake.on('DELETE', '/me/passkeys/a1', () => json(200, {}));
    await assert.rejects(auth.deleteWebAuthnCredential({ credentialId: 'a1' }), { code: 'unexpected_response' });
  });

  it('removes the passkey named', async () => {
    const { fake, auth, events } = setUp();
    fake.on('DELETE', '/me/passkeys/a1_-Z', () => json(200, { removed: true, signed_out_others: 2, session: 'renewed' }));
    await auth.deleteWebAuthnCredential({ credentialId: 'a1_-Z' });
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]?.headers.get('x-csrf'), '1');
    assert.deepEqual(events, []);
  });

  it('refuses an id that could name another path, asking nothing', async () => {
    const { fake, auth } = setUp();
    for (const credentialId of ['', '.', '..', '../sessions', 'a/b', 'a%2F', 'a?x', 'x'.repeat(1365)]) {
      await assert.rejects(auth.deleteWebAuthnCredential({ credentialId }), { code: 'invalid_input' }, credentialId);
    }
    for (const input of [undefined, null, {}, { credentialId: 7 }]) {
      await assert.rejects(auth.deleteWebAuthnCredential(input as never), { code: 'invalid_input' });
    }
    assert.deepEqual(fake.requests, []);
  });
});
