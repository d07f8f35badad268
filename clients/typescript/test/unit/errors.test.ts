// AuthError: its name and request id, whatever the answer held.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AuthError, createAuthClient } from '../../src/index.js';
import { FakeService, json, problem } from '../support/fake.js';

function setUp() {
  const fake = new FakeService();
  return { fake, auth: createAuthClient({ mode: 'browser', endpoint: fake.origin, fetch: fake.fetch }) };
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof AuthError, `not an AuthError: ${String(error)}`);
  return error;
}

describe('AuthError', () => {
  it('is named as Amplify names the code, and by no name every object inherits', () => {
    assert.equal(new AuthError({ code: 'code_mismatch', message: '' }).name, 'CodeMismatchException');
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'something_new']) {
      assert.equal(new AuthError({ code, message: '' }).name, 'AuthError', code);
    }
  });

  it('takes the problem\'s request_id, else the x-request-id header', async () => {
    const { fake, auth } = setUp();
    fake.on('GET', '/me', () => problem(400, 'invalid_request', { request_id: 'from-body' }, { 'x-request-id': 'from-header' }));
    assert.equal((await failure(auth.fetchUserAttributes())).request_id, 'from-body');
    fake.on('GET', '/me', () => problem(409, 'constructor', {}, { 'x-request-id': 'header-only' }));
    const inherited = await failure(auth.fetchUserAttributes());
    assert.equal(inherited.request_id, 'header-only');
    assert.equal(inherited.name, 'AuthError');
    fake.on('GET', '/me', () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'x-request-id': 'proxy-1' } }));
    const gateway = await failure(auth.fetchUserAttributes());
    assert.equal(gateway.code, 'unexpected_response');
    assert.equal(gateway.status, 502);
    assert.equal(gateway.request_id, 'proxy-1');
  });

  it('reports a success that is not the service\'s JSON as unexpected_response', async () => {
    const { fake, auth } = setUp();
    fake.on('GET', '/me', () => new Response('<html>sign in to the wifi</html>', { status: 200, headers: { 'x-request-id': 'portal' } }));
    const error = await failure(auth.fetchUserAttributes());
    assert.equal(error.code, 'unexpected_response');
    assert.equal(error.request_id, 'portal');
    fake.on('GET', '/me', () => json(200, null));
    assert.equal((await failure(auth.fetchUserAttributes())).code, 'unexpected_response');
  });

  it('reports a body cut off in transit as network_error', async () => {
    const { fake, auth } = setUp();
    fake.on('GET', '/me', () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"attri'));
          controller.error(new Error('connection reset'));
        },
      });
      return new Response(body, { status: 200 });
    });
    assert.equal((await failure(auth.fetchUserAttributes())).code, 'network_error');
  });

  it('keeps attribute names as own properties, whatever they are', async () => {
    const { fake, auth } = setUp();
    fake.on('GET', '/me', () => new Response('{"attributes":{"__proto__":"x","email":"a@example.com"},"mfa":{"enabled":[],"preferred":null}}', { status: 200 }));
    const attributes = await auth.fetchUserAttributes();
    assert.equal(Object.getPrototypeOf(attributes), Object.prototype);
    assert.deepEqual(Object.keys(attributes).sort(), ['__proto__', 'email']);
    assert.equal(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value, 'x');
  });

  it('names only known MFA types from what the service lists', async () => {
    const fake = new FakeService();
    const auth = createAuthClient({ mode: 'browser', endpoint: fake.origin, fetch: fake.fetch });
    fake.on('POST', '/login', () =>
      json(200, {
        status: 'challenge',
        challenge: 'SELECT_MFA_TYPE',
        next_step: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION',
        parameters: { MFAS_CAN_CHOOSE: ['constructor', 'SOFTWARE_TOKEN_MFA', 'toString', 'EMAIL_OTP'] },
      }),
    );
    assert.deepEqual(await auth.signIn({ username: 'u', password: 'x' }), {
      isSignedIn: false,
      nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', allowedMFATypes: ['TOTP', 'EMAIL'] },
    });
  });

  it('is what a client without an endpoint in native mode throws', () => {
    assert.throws(() => createAuthClient({ mode: 'native' }), { name: 'AuthError', code: 'invalid_config' });
  });
});
