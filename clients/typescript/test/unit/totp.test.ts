// The authenticator's key URI: every name percent-encoded, and nothing malformed throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createAuthClient } from '../../src/index.js';
import { FakeService, json } from '../support/fake.js';

async function setupDetails(otpauthUri: string) {
  const fake = new FakeService();
  fake.on('POST', '/mfa/totp/setup', () => json(200, { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: otpauthUri }));
  const auth = createAuthClient({ mode: 'browser', endpoint: fake.origin, fetch: fake.fetch });
  return auth.setUpTOTP();
}

describe('getSetupUri', () => {
  it('names the account the service named, decoded', async () => {
    const details = await setupDetails('otpauth://totp/Service:j%C3%BCrgen%20k?secret=JBSWY3DPEHPK3PXP&issuer=Service');
    assert.equal(
      details.getSetupUri('Example').href,
      'otpauth://totp/Example:j%C3%BCrgen%20k?secret=JBSWY3DPEHPK3PXP&issuer=Example',
    );
  });

  it('keeps what a name holds inside it', async () => {
    const details = await setupDetails('otpauth://totp/Service:jin?secret=JBSWY3DPEHPK3PXP&issuer=Service');
    const uri = details.getSetupUri('Acme & Co: Staging?#', 'jin:admin@example.com/x?y=1&issuer=Evil#z');
    assert.equal(
      uri.href,
      'otpauth://totp/Acme%20%26%20Co%3A%20Staging%3F%23:jin%3Aadmin@example.com%2Fx%3Fy%3D1%26issuer%3DEvil%23z' +
        '?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20%26%20Co%3A%20Staging%3F%23',
    );
    assert.equal(uri.searchParams.get('issuer'), 'Acme & Co: Staging?#');
    assert.deepEqual([...uri.searchParams.keys()], ['secret', 'issuer']);
    assert.equal(uri.hash, '');
  });

  it('throws on nothing malformed', async () => {
    const details = await setupDetails('otpauth://totp/Service:%E0%A4%A?secret=JBSWY3DPEHPK3PXP&issuer=Service');
    // The label is no valid percent-encoding: it is kept as it came.
    assert.equal(details.getSetupUri('Example').href, 'otpauth://totp/Example:%25E0%25A4%25A?secret=JBSWY3DPEHPK3PXP&issuer=Example');
    // A lone surrogate is no character: it becomes U+FFFD rather than a URIError.
    assert.equal(
      details.getSetupUri('App\uD800', 'x\uDC00').href,
      'otpauth://totp/App%EF%BF%BD:x%EF%BF%BD?secret=JBSWY3DPEHPK3PXP&issuer=App%EF%BF%BD',
    );
  });
});
