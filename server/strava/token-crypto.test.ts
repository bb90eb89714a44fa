import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptToken, encryptToken, TokenDecryptionError } from './token-crypto.ts';

const key = randomBytes(32);
const token = 'a3f1c0ffee5e7d2b9e4c1a0b8d7f6e5c4b3a2910';

describe('token-crypto', () => {
  it('round-trips any string, including unicode and the empty string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (plaintext) => {
        expect(decryptToken(key, encryptToken(key, plaintext))).toBe(plaintext);
      }),
    );
    expect(decryptToken(key, encryptToken(key, ''))).toBe('');
  });

  it('writes a versioned, base64url, dot-separated value', () => {
    const value = encryptToken(key, token);
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  });

  it('uses a fresh IV on every call', () => {
    const values = Array.from({ length: 50 }, () => encryptToken(key, token));
    expect(new Set(values).size).toBe(50);
    expect(new Set(values.map((v) => v.split('.')[1])).size).toBe(50);
  });

  it('never contains the plaintext, in clear or encoded', () => {
    const value = encryptToken(key, token);
    for (const form of [token, Buffer.from(token).toString('base64url'), Buffer.from(token).toString('hex')]) {
      expect(value).not.toContain(form);
      expect(value).not.toContain(form.slice(0, 12));
    }
  });

  it('detects tampering with any part', () => {
    const value = encryptToken(key, token);
    const parts = value.split('.');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
      expect(() => decryptToken(key, tampered)).toThrow(TokenDecryptionError);
    }
    expect(() => decryptToken(key, parts.slice(0, 3).join('.'))).toThrow(TokenDecryptionError);
    expect(() => decryptToken(key, `v2.${parts.slice(1).join('.')}`)).toThrow(TokenDecryptionError);
    // A truncated tag must not be accepted as a shorter GCM tag.
    const shortTag = [parts[0], parts[1], Buffer.from(parts[2]!, 'base64url').subarray(0, 12).toString('base64url'), parts[3]].join('.');
    expect(() => decryptToken(key, shortTag)).toThrow(TokenDecryptionError);
  });

  it('rejects another key, and the error does not echo the value', () => {
    const value = encryptToken(key, token);
    const error = (() => {
      try {
        decryptToken(randomBytes(32), value);
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect(error?.message).not.toContain(value.split('.')[3]!);
  });

  it('binds the context: a value moved to another row or column fails', () => {
    const value = encryptToken(key, token, 'strava:refresh:user-1');
    expect(decryptToken(key, value, 'strava:refresh:user-1')).toBe(token);
    expect(() => decryptToken(key, value, 'strava:refresh:user-2')).toThrow(TokenDecryptionError);
    expect(() => decryptToken(key, value)).toThrow(TokenDecryptionError);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => encryptToken(randomBytes(16), token)).toThrow(RangeError);
    expect(() => decryptToken(randomBytes(31), encryptToken(key, token))).toThrow(RangeError);
  });
});
