import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Token secrets: 32 random bytes, shown once, stored only as a SHA-256 hash (high entropy needs no slow hash). */
export const WORKSPACE_TOKEN_PREFIX = 'itk_'
export const CONTAINER_TOKEN_PREFIX = 'itc_'

export function generateSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** SHA-256 in hex, one-shot (crypto.hash: no Hash object per call, as createHash makes). */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex')
}

/**
 * What listings show of a secret. A generated secret shows its kind and 6 of its 43 random characters, enough to
 * tell tokens apart and nothing worth guessing from; a secret the operator chose (INTAKE_ADMIN_TOKEN) shows nothing,
 * since any part of it is part of a password.
 */
export function displayPrefix(secret: string, origin: 'generated' | 'chosen'): string {
  return origin === 'generated' ? secret.slice(0, 10) : ''
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}
