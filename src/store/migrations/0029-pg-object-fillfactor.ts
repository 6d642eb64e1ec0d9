import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/** The share of each heap page of `object` that inserts fill on PostgreSQL (0029; docs/engine.md). */
export const OBJECT_FILLFACTOR = 80

/**
 * PostgreSQL only: `object` gets a fillfactor of 80 — inserts (a first load's COPY included) leave a fifth of each
 * heap page free: ~1.6 kB, room for three new versions of the benchmark's ~500-byte rows (16 per page), where 90
 * left room for one (dirty marks go to runs of neighbouring rows: the referrers of one removed object). An update
 * that changes no indexed column of the row (the primary key, identity, key and the label indexes) and finds room on
 * the row's own page is then HOT: the new version is linked from the old one and no index gets an entry. Without the
 * room (fillfactor 100: the pages a load fills are full) every update — a re-import's dirty marks (`content_hash ||
 * '!'`), its hash-only and missing-counter updates, an update of attributes other than the label — wrote a new entry
 * into all five indexes of `object`, the trigram GIN included (docs/benchmarks.md, issue 11 ninth pass, branch
 * pgupd).
 *
 * What an existing database gets: the setting applies to pages written from now on — rows inserted later, and the
 * new versions of non-HOT updates. The pages already full stay full until their rows move; a `VACUUM FULL object`
 * (it locks the table for its duration, so not done here) packs them at 80 % at once. Until then updates on
 * those pages are as before, and HOT ones become possible as vacuum frees room on them.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect !== 'postgres') return
  await sql`alter table object set (fillfactor = ${sql.raw(String(OBJECT_FILLFACTOR))})`.execute(db)
}
