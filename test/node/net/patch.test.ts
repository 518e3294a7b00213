/** patchMethodOnce (node/net/patch.ts): once per flag, and loud when the class is not the one known. */
import { describe, expect, it } from 'vitest'
import { patchMethodOnce } from '../../../node/net/patch.js'

describe('patchMethodOnce', () => {
  it('wraps a method once, however often it is called', () => {
    class C { greet (): string { return 'hi' } }
    const flag = `test.patch.${Math.random()}`
    for (let i = 0; i < 3; i++) patchMethodOnce<() => string>(C.prototype, 'greet', flag, 'C', (original) => function (this: C) { return `${original.call(this)}!` })
    expect(new C().greet()).toBe('hi!')
  })

  it('throws, naming where, for a missing method or a class that fails its check', () => {
    class D { other (): void {} }
    expect(() => patchMethodOnce(D.prototype, 'greet', `test.patch.${Math.random()}`, 'lib D (here.ts)', (o) => o)).toThrow(/lib D \(here\.ts\): greet/)
    expect(() => patchMethodOnce(D.prototype, 'other', `test.patch.${Math.random()}`, 'lib D (here.ts)', (o) => o, () => false)).toThrow(/lib D/)
  })
})
