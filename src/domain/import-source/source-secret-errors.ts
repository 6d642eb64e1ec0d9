import { defineError } from '../errors.js'

/** Errors of the secrets in source configs (passwords, tokens, client secrets; docs/sources.md "Secrets"). */

export const SecretKeyMissingError = defineError<{ field: string }>(
  'SECRET_KEY_MISSING',
  409,
  ({ field }) =>
    `${field} is a secret, and this server has no INTAKE_SECRET_KEY to encrypt it with: set INTAKE_SECRET_KEY ` +
    '(32 random bytes, base64 or hex) and restart, or leave the secret out',
  'A source config carries a secret (password, token, client secret) but INTAKE_SECRET_KEY is not set: Intake ' +
    'never stores a secret unencrypted, so nothing was stored.',
)

export const SecretUnreadableError = defineError<{ importSourceId: string; field: string }>(
  'SECRET_UNREADABLE',
  409,
  ({ importSourceId, field }) =>
    `The stored secret ${field} of import source ${importSourceId} cannot be decrypted: INTAKE_SECRET_KEY is ` +
    'missing or is not the key it was stored with; set the original key, or send the secret again',
  'A stored secret was encrypted with another INTAKE_SECRET_KEY (or the key was removed); the source cannot connect.',
)
