import { randomUUID } from 'node:crypto'
import { isScope, type Principal, type Scope } from '../domain/auth/scopes.js'
import {
  CONTAINER_TOKEN_PREFIX,
  WORKSPACE_TOKEN_PREFIX,
  displayPrefix,
  generateSecret,
  hashSecret,
  hashesEqual,
} from '../domain/auth/token-secret.js'
import { isoNow, type Clock, systemClock } from '../domain/clock.js'
import { NotFoundError, ValidationError } from '../domain/errors.js'
import type { Db } from '../store/create-store.js'
import { tokenRepository, tokenRevocations } from '../store/repositories/token.repository.js'
import type { ApiTokenRow } from '../store/tables.js'

export interface TokenInfo {
  id: string
  name: string
  kind: 'workspace' | 'container'
  importSourceId: string | null
  scopes: string[]
  /** The start of a generated secret; empty for a secret the operator chose (nothing of it is stored). */
  prefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

/** last_used_at is written at most this often per token, so authentication stays read-only on hot paths. */
const TOUCH_INTERVAL_MS = 60_000
/**
 * How long a verified token is trusted without asking the database again. A revocation made by this process
 * voids every entry at once (tokenRevocations); one made by another process (a second server, `intake worker`,
 * SQL by hand) takes effect here within this time. docs/security.md.
 */
export const VERIFIED_TOKEN_TTL_MS = 5_000
/** Entries kept at most; the cache is emptied when it is full (a flood of distinct valid tokens is not a case). */
const VERIFIED_TOKEN_MAX = 1_000

interface Verified {
  principal: Principal
  /** tokenRevocations.current() when the lookup that verified it started. */
  revocations: number
  expiresAt: number
  tokenId: string
  lastUsedAt: number
}

export class TokenService {
  /** SHA-256 of a secret → the principal it resolved to, for VERIFIED_TOKEN_TTL_MS. */
  readonly #verified = new Map<string, Verified>()

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
    /** True while writes would wait for a lock held by this very process (an import on SQLite). */
    private readonly writesBlocked: () => boolean = () => false,
  ) {}

  /** Creates a workspace API token; the secret is returned once and stored only as a hash. */
  async createWorkspaceToken(input: {
    workspaceId: string
    name: string
    scopes: string[]
    secret?: string
  }): Promise<{ token: string; info: TokenInfo }> {
    const scopes = validateScopes(input.scopes)
    const name = input.name.trim()
    if (name === '') throw ValidationError({ problems: [{ field: 'name', message: 'must not be empty' }] })
    const secret = input.secret ?? generateSecret(WORKSPACE_TOKEN_PREFIX)
    const row: ApiTokenRow = {
      id: randomUUID(),
      workspace_id: input.workspaceId,
      name,
      kind: 'workspace',
      import_source_id: null,
      scopes: scopes.join(' '),
      token_prefix: displayPrefix(secret, input.secret === undefined ? 'generated' : 'chosen'),
      token_hash: hashSecret(secret),
      created_at: isoNow(this.clock),
      last_used_at: null,
      revoked_at: null,
    }
    await tokenRepository.insert(this.db, row)
    return { token: secret, info: toInfo(row) }
  }

  /** A new container token for an import source; the previous one stops working in the same transaction. */
  async createContainerToken(
    workspaceId: string,
    importSourceId: string,
  ): Promise<{ token: string; info: TokenInfo }> {
    const secret = generateSecret(CONTAINER_TOKEN_PREFIX)
    const now = isoNow(this.clock)
    const row: ApiTokenRow = {
      id: randomUUID(),
      workspace_id: workspaceId,
      name: `container token of ${importSourceId}`,
      kind: 'container',
      import_source_id: importSourceId,
      scopes: '',
      token_prefix: displayPrefix(secret, 'generated'),
      token_hash: hashSecret(secret),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    }
    await this.db
      .transaction()
      .execute(async (trx) => {
        await tokenRepository.revokeForSource(trx, importSourceId, now)
        await tokenRepository.insert(trx, row)
      })
      .finally(tokenRevocations.committed)
    return { token: secret, info: toInfo(row) }
  }

  /** Makes sure a bootstrap admin token with this exact secret exists (INTAKE_ADMIN_TOKEN). */
  async ensureAdminSecret(workspaceId: string, secret: string): Promise<void> {
    const existing = await tokenRepository.findActiveByHash(this.db, hashSecret(secret))
    if (existing) return
    await this.createWorkspaceToken({ workspaceId, name: 'bootstrap admin', scopes: ['admin'], secret })
  }

  /** Generates a first admin token when the workspace has none; returns its secret (to print once) or null. */
  async ensureSomeAdmin(workspaceId: string): Promise<string | null> {
    if ((await tokenRepository.countActiveAdmins(this.db, workspaceId)) > 0) return null
    const { token } = await this.createWorkspaceToken({
      workspaceId,
      name: 'bootstrap admin',
      scopes: ['admin'],
    })
    return token
  }

  /**
   * Resolves a presented secret to a principal, or null. The lookup is by hash; the final compare is constant-time.
   * A verified token is remembered for VERIFIED_TOKEN_TTL_MS (never an unknown or revoked one: a new token works
   * at once), and forgotten as soon as this process revokes any token.
   */
  async authenticate(secret: string): Promise<Principal | null> {
    if (secret.length < 8 || secret.length > 512) return null
    const hash = hashSecret(secret)
    const now = this.clock()
    const cached = this.#verified.get(hash)
    if (cached && cached.revocations === tokenRevocations.current() && now.getTime() < cached.expiresAt) {
      await this.touchIfDue(cached.tokenId, cached, now)
      return cached.principal
    }
    this.#verified.delete(hash)
    const revocations = tokenRevocations.current()
    const row = await tokenRepository.findActiveByHash(this.db, hash)
    if (!row || !hashesEqual(row.token_hash, hash)) return null
    const entry: Verified = {
      principal: principalOf(row),
      revocations,
      expiresAt: now.getTime() + VERIFIED_TOKEN_TTL_MS,
      tokenId: row.id,
      lastUsedAt: row.last_used_at ? Date.parse(row.last_used_at) : 0,
    }
    if (this.#verified.size >= VERIFIED_TOKEN_MAX) this.#verified.clear()
    this.#verified.set(hash, entry)
    await this.touchIfDue(row.id, entry, now)
    return entry.principal
  }

  /**
   * authenticate()'s answer when it needs no await: the principal of a secret verified within
   * VERIFIED_TOKEN_TTL_MS, not revoked since, whose "last used" needs no write now. Null when only authenticate()
   * can tell (unknown, expired, revoked, or due a touch) — the caller then asks it.
   */
  verifiedPrincipal(secret: string): Principal | null {
    if (secret.length < 8 || secret.length > 512) return null
    const cached = this.#verified.get(hashSecret(secret))
    if (!cached || cached.revocations !== tokenRevocations.current()) return null
    const now = this.clock().getTime()
    if (now >= cached.expiresAt) return null
    if (now - cached.lastUsedAt > TOUCH_INTERVAL_MS && !this.writesBlocked()) return null
    return cached.principal
  }

  /** Writes last_used_at when it is older than TOUCH_INTERVAL_MS (best effort). */
  private async touchIfDue(tokenId: string, entry: Verified, now: Date): Promise<void> {
    if (now.getTime() - entry.lastUsedAt <= TOUCH_INTERVAL_MS || this.writesBlocked()) return
    entry.lastUsedAt = now.getTime()
    // Best effort: "last used" is information, and a busy database must never fail the request it describes.
    await tokenRepository.touch(this.db, tokenId, now.toISOString()).catch(() => undefined)
  }

  async list(workspaceId: string): Promise<TokenInfo[]> {
    return (await tokenRepository.list(this.db, workspaceId, 'workspace')).map(toInfo)
  }

  /** The current container token of a source, without its secret. */
  async containerTokenInfo(workspaceId: string, importSourceId: string): Promise<TokenInfo | null> {
    const rows = await tokenRepository.list(this.db, workspaceId, 'container')
    const row = rows.find((r) => r.import_source_id === importSourceId && r.revoked_at === null)
    return row ? toInfo(row) : null
  }

  async revoke(workspaceId: string, id: string): Promise<void> {
    const row = await tokenRepository.find(this.db, workspaceId, id)
    if (!row || row.revoked_at !== null) throw NotFoundError({ entity: 'Token', id })
    await tokenRepository.revoke(this.db, id, isoNow(this.clock)).finally(tokenRevocations.committed)
  }
}

function principalOf(row: ApiTokenRow): Principal {
  if (row.kind === 'container' && row.import_source_id) {
    return {
      kind: 'container',
      tokenId: row.id,
      workspaceId: row.workspace_id,
      importSourceId: row.import_source_id,
    }
  }
  const scopes = new Set(row.scopes.split(' ').filter(isScope))
  return { kind: 'workspace', tokenId: row.id, workspaceId: row.workspace_id, scopes }
}

function validateScopes(scopes: string[]): Scope[] {
  const unknown = scopes.filter((s) => !isScope(s))
  if (scopes.length === 0 || unknown.length > 0) {
    throw ValidationError({
      problems: [
        {
          field: 'scopes',
          message:
            scopes.length === 0
              ? 'at least one scope is required'
              : `unknown scope ${unknown.join(', ')}; expected admin, import:import-configuration:cmdb, read:cmdb-object:jira or write:cmdb-object:jira`,
          value: scopes,
        },
      ],
    })
  }
  return [...new Set(scopes)] as Scope[]
}

function toInfo(row: ApiTokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'container' ? 'container' : 'workspace',
    importSourceId: row.import_source_id,
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    prefix: row.token_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}
