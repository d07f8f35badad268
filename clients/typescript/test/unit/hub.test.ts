// Hub: listeners belong to the package, before `configure` and across it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Hub, configure, signIn, type AuthHubEvent } from '../../src/index.js';
import { FakeService, signedInAnswer } from '../support/fake.js';

function service(label: string): FakeService {
  const fake = new FakeService(`https://${label}.example.test`);
  fake.on('POST', '/login', () => signedInAnswer('user-1', label));
  return fake;
}

describe('Hub', () => {
  it('listens before configure, hears the client configure set up last, and stops', async () => {
    // Node: native mode, where configure() without an endpoint would throw.
    const heard: AuthHubEvent[] = [];
    const stop = Hub.listen('auth', ({ payload }) => heard.push(payload.event));
    const throwing = Hub.listen('auth', () => {
      throw new Error('a listener that fails');
    });

    const first = service('first');
    const firstClient = configure({ endpoint: first.origin, fetch: first.fetch });
    await signIn({ username: 'user-1', password: 'x' });
    assert.deepEqual(heard, ['signedIn']);

    const second = service('second');
    configure({ endpoint: second.origin, fetch: second.fetch });
    await signIn({ username: 'user-1', password: 'x' });
    assert.deepEqual(heard, ['signedIn', 'signedIn']);
    assert.equal(second.sentTo('/login').length, 1);

    // The replaced client no longer speaks for Hub.
    await firstClient.signIn({ username: 'user-1', password: 'x' });
    assert.deepEqual(heard, ['signedIn', 'signedIn']);

    stop();
    throwing();
    await signIn({ username: 'user-1', password: 'x' });
    assert.deepEqual(heard, ['signedIn', 'signedIn']);
  });

  it('hears the auth channel only', () => {
    assert.throws(() => Hub.listen('storage' as 'auth', () => undefined), { name: 'AuthError', code: 'not_supported' });
  });
});
