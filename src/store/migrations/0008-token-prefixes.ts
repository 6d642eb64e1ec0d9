import type { Kysely } from 'kysely'

/**
 * `api_token.token_prefix` held the first 10 characters of every secret, including a secret an operator chose
 * (INTAKE_ADMIN_TOKEN): for a 16-character secret, most of it, in plain text, printed by `token list`. From now
 * on only generated secrets keep a prefix (`itk_`/`itc_` and 6 random characters of their 43, which name the token
 * without weakening it); a chosen secret stores none.
 *
 * A stored row does not say whether its secret was chosen. Chosen secrets only ever came from INTAKE_ADMIN_TOKEN,
 * whose rows are named `bootstrap admin`; those lose their prefix, and so does any row whose prefix is not the shape
 * of a generated one. Container tokens were always generated and keep theirs.
 */
const GENERATED = /^it[kc]_[A-Za-z0-9_-]{6}$/

/** The columns this migration reads, as they were when it was written. */
interface Tables {
  api_token: { id: string; name: string; kind: string; token_prefix: string }
}

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as unknown as Kysely<Tables>
  const rows = await db.selectFrom('api_token').select(['id', 'name', 'kind', 'token_prefix']).execute()
  const cleared = rows
    .filter(
      (r) =>
        r.token_prefix !== '' &&
        ((r.kind === 'workspace' && r.name === 'bootstrap admin') || !GENERATED.test(r.token_prefix)),
    )
    .map((r) => r.id)
  for (let i = 0; i < cleared.length; i += 500) {
    await db
      .updateTable('api_token')
      .set({ token_prefix: '' })
      .where('id', 'in', cleared.slice(i, i + 500))
      .execute()
  }
}
