import { describe, expect, it } from 'vitest'
import { PlanDigester } from '../../../src/services/plan-digest.js'

const create = (identity: string, key: string) => ({
  operation: 'create' as const,
  objectKey: key,
  identity,
  differences: { Name: { before: null, after: [identity] } },
})
const references = (targets: number[]) => ({
  operation: 'references' as const,
  objectKey: 'X-1',
  identity: null,
  differences: { Owner: { before: [], after: targets } },
})

describe('plan digests', () => {
  it('are the same for two runs whose created objects got other ids and keys', () => {
    const dry = new PlanDigester()
    const apply = new PlanDigester()
    const a = [dry.describe(1, 100, create('ann', 'P-100')), dry.describe(2, 101, create('h1', 'H-101'))]
    a.push(dry.describe(2, 101, references([100])))
    const b = [apply.describe(1, 500, create('ann', 'P-500')), apply.describe(2, 501, create('h1', 'H-501'))]
    b.push(apply.describe(2, 501, references([500])))
    expect(b.map((d) => [d.key, d.digest])).toEqual(a.map((d) => [d.key, d.digest]))
    expect(apply.sum).toBe(dry.sum)
    expect(a[2]).toMatchObject({ objectId: null, identity: 'h1', key: 'references|2|new:2:h1|Owner' })
    expect(a[0]!.objectKey).toBeNull()
  })

  it('differ when a change differs, and key existing objects by id', () => {
    const one = new PlanDigester().describe(2, 7, references([3]))
    const other = new PlanDigester().describe(2, 7, references([4]))
    expect(one.key).toBe('references|2|id:7|Owner')
    expect(other.key).toBe(one.key)
    expect(other.digest).not.toBe(one.digest)
  })

  it('sum independently of the order of the changes', () => {
    const x = new PlanDigester()
    const y = new PlanDigester()
    x.describe(2, 7, references([3]))
    x.describe(2, 8, references([4]))
    y.describe(2, 8, references([4]))
    y.describe(2, 7, references([3]))
    expect(x.sum).toBe(y.sum)
    expect(x.count).toBe(2)
  })
})
