// AES-256-GCM for secrets at rest (bank provider tokens, signing keys). Each ciphertext is stored with
// the id of the key that made it; `boundTo` (the row's id) is the additional data, so a ciphertext
// copied onto another row does not decrypt. Rotation: decrypt with whichever listed key made it,
// encrypt only with the first.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CipherKey } from './cipher.keys.js';

export interface Sealed {
  keyId: string;
  /** iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. */
  data: Uint8Array;
}

export class SecretCipher {
  private readonly byId: Map<string, Buffer>;

  /** `variable` names the setting the keys come from, for the error when a key is missing. */
  constructor(
    private readonly keys: readonly CipherKey[],
    private readonly variable = 'the cipher keys',
  ) {
    if (!keys.length) throw new Error('SecretCipher needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new ciphertexts are made with. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plaintext: string, boundTo: string): Sealed {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: id, data: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  open(sealed: Sealed, boundTo: string): string {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`key ${sealed.keyId} is not configured (${this.variable})`);
    const data = Buffer.from(sealed.data);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Whether a ciphertext should be made again with the current key. */
  isStale(sealed: Pick<Sealed, 'keyId'>): boolean {
    return sealed.keyId !== this.currentKeyId;
  }
}
