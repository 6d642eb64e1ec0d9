import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Encrypts and decrypts short secrets; `context` is bound to the ciphertext (it must match to decrypt). */
export interface SecretBox {
  seal(plain: string, context: string): string
  /** The plaintext, or null when the sealed text was not made by this key for this context. */
  open(sealed: string, context: string): string | null
}

const VERSION = 'v1'

/**
 * AES-256-GCM with a random 96-bit nonce per secret; the text form is `v1:<nonce>:<tag>:<ciphertext>` (base64url).
 * `context` (the source id and field path) is the associated data, so a sealed value copied into another source
 * or field does not open.
 */
export function aesGcmSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes')
  const k = Buffer.from(key)
  return {
    seal(plain, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', k, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'))
      return [VERSION, ...parts].join(':')
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split(':')
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'))
        decipher.setAAD(Buffer.from(context, 'utf8'))
        decipher.setAuthTag(Buffer.from(tag, 'base64url'))
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        )
      } catch {
        return null
      }
    },
  }
}
