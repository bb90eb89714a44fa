import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Strava tokens at rest (docs/STRAVA.md §OAuth): AES-256-GCM under TOKEN_ENCRYPTION_KEY.
// Format `v1.<iv>.<tag>.<ciphertext>`, each part base64url, so a later scheme (key rotation,
// another cipher) can sit beside v1 and old rows stay readable.

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size; random per call, never reused with a key
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Raised when a stored token cannot be decrypted: tampered, truncated, or another key. */
export class TokenDecryptionError extends Error {
  override name = 'TokenDecryptionError';
}

function checkKey(key: Buffer): void {
  // A wrong-sized key is a configuration bug, not bad data: fail loudly.
  if (key.length !== KEY_BYTES) throw new RangeError(`The token encryption key must be ${KEY_BYTES} bytes.`);
}

/**
 * Encrypts a token as `v1.<iv>.<tag>.<ciphertext>`. `context` (e.g. "strava:access:<userId>")
 * is bound as associated data, so a ciphertext copied to another row or column fails to decrypt.
 */
export function encryptToken(key: Buffer, plaintext: string, context = ''): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypts a value from encryptToken; throws TokenDecryptionError on tampering, a wrong key or context. */
export function decryptToken(key: Buffer, value: string, context = ''): string {
  checkKey(key);
  const parts = value.split('.');
  const [version, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 4 || version !== VERSION || ivText === undefined || tagText === undefined || ciphertextText === undefined) {
    throw new TokenDecryptionError('Not an encrypted token of a known version.');
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  // Node accepts shorter GCM tags unless told otherwise; insist on the full 16 bytes.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new TokenDecryptionError('Malformed encrypted token.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Never echo the value: it may be most of a token.
    throw new TokenDecryptionError('The encrypted token failed authentication (tampered, or another key).');
  }
}
