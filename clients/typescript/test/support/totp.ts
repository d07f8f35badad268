// TOTP codes (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), as an authenticator app computes
// them from the secret the service hands out.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const STEP_MS = 30_000;
/** A code computed closer than this to the end of its step might reach Cognito in the next. */
const MARGIN_MS = 3_000;

function base32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.toUpperCase().replace(/=+$/, '')) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error('the TOTP secret is not base32');
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}

function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

/** The code an authenticator app shows now for `secret`. */
export async function totpCode(secret: string): Promise<string> {
  const key = base32(secret);
  for (;;) {
    const now = Date.now();
    const left = STEP_MS - (now % STEP_MS);
    if (left >= MARGIN_MS) return hotp(key, Math.floor(now / STEP_MS));
    // Aligns with the TOTP clock (Cognito takes only the current step's code), as a user
    // waits for the app's next code; it waits for nothing in the system under test.
    await sleep(left);
  }
}

/** A code that is not the current one for `secret`. */
export async function wrongTotpCode(secret: string): Promise<string> {
  const right = Number(await totpCode(secret));
  return String((right + 1) % 1_000_000).padStart(6, '0');
}
