import { describe, expect, it } from 'vitest'
import { AuthFailureLimiter } from '../../../src/http/plugins/auth-failure-limiter.js'

describe('AuthFailureLimiter', () => {
  it('lets an address fail up to the limit, then asks it to wait until the window passes', () => {
    let now = 1_000_000
    const limiter = new AuthFailureLimiter(3, 60_000, () => now)
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0)
      limiter.fail('a')
    }
    expect(limiter.retryAfter('a')).toBe(60)
    expect(limiter.retryAfter('b')).toBe(0)
    now += 30_000
    expect(limiter.retryAfter('a')).toBe(30)
    now += 30_001
    expect(limiter.retryAfter('a')).toBe(0)
  })
})
