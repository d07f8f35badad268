import { AuthError } from './errors.js';
import type { JWT, JwtPayload } from './types.js';

/**
 * The payload of a JWT, read without checking its signature: the app only reads it. A token
 * fresh from the service is one the service had from Cognito; one read back from storage is
 * whatever the storage held, so nothing here vouches for it. The service checks every token
 * it is sent. A token that can't be read is an AuthError `malformed_token`.
 */
export function decodeJwt(token: string): JWT {
  try {
    const part = token.split('.')[1];
    if (part === undefined) {
      throw new TypeError('not a JWT');
    }
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const text = new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
    const payload: unknown = JSON.parse(text);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new TypeError('the payload is not a JSON object');
    }
    return { payload: payload as JwtPayload, toString: () => token };
  } catch (error) {
    throw new AuthError({ code: 'malformed_token', message: 'a kept token is not a readable JWT', underlyingError: error });
  }
}
