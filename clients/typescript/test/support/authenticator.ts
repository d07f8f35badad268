// A passkey authenticator in software, for the client's passkey functions in Node (which has
// no WebAuthn): it makes ES256 credentials with "none" attestation and signs assertions, as
// a platform authenticator would for a page at `origin`. The client takes it through its
// `createPasskeyCredential` and `getPasskeyCredential` settings, as a native app would take
// its platform's passkey API.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Buffer | Map<Cbor, Cbor>;

/** CBOR's head: the major type and the length or value, shortest form. */
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  const out = Buffer.alloc(3);
  out[0] = (major << 5) | 25;
  out.writeUInt16BE(n, 1);
  return out;
}

/** The few CBOR items an attestation holds: small integers, text, bytes and maps. */
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Buffer): string => data.toString('base64url');

// authenticatorData flags: user present, user verified, attested credential data.
const PRESENT_AND_VERIFIED = 0x01 | 0x04;
const ATTESTED = 0x40;

interface Held {
  key: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

export class SoftwareAuthenticator {
  readonly #origin: string;
  readonly #held = new Map<string, Held>();

  constructor(origin: string) {
    this.#origin = origin;
  }

  /** The passkeys it holds, by credential id. */
  get credentialIds(): string[] {
    return [...this.#held.keys()];
  }

  /** navigator.credentials.create: a new passkey for the options' relying party and user. */
  readonly create = async (options: Record<string, unknown>): Promise<unknown> => {
    const rpId = (options.rp as { id: string }).id;
    const userHandle = (options.user as { id: string }).id;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
    const id = randomBytes(16);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authenticatorData = Buffer.concat([
      sha256(rpId),
      Buffer.from([PRESENT_AND_VERIFIED | ATTESTED]),
      Buffer.alloc(4), // sign count 0
      Buffer.alloc(16), // AAGUID: none given
      idLength,
      id,
      coseKey,
    ]);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.#origin, crossOrigin: false }),
    );
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authenticatorData],
      ]),
    );
    this.#held.set(b64url(id), { key: privateKey, rpId, userHandle, counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  };

  /** navigator.credentials.get: an assertion by a held passkey the options allow. */
  readonly get = async (options: Record<string, unknown>): Promise<unknown> => {
    const rpId = options.rpId as string;
    const allowed = ((options.allowCredentials as { id: string }[] | undefined) ?? []).map((c) => c.id);
    const found = [...this.#held].find(
      ([id, held]) => held.rpId === rpId && (allowed.length === 0 || allowed.includes(id)),
    );
    if (found === undefined) throw new Error('no passkey here for this relying party');
    const [id, held] = found;
    held.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(held.counter);
    const authenticatorData = Buffer.concat([sha256(rpId), Buffer.from([PRESENT_AND_VERIFIED]), counter]);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.#origin, crossOrigin: false }),
    );
    // ES256: ECDSA over authenticatorData and the client data's hash, DER-encoded.
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientData)]), held.key);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: held.userHandle,
      },
    };
  };
}
