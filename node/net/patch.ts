/**
 * Replacing one method of a library's class, once per process. The libraries under node/net give
 * no option for what these patches change; each patch names what it relies on and fails loudly
 * (at start, and in its test) when a new version no longer has it, rather than silently doing
 * nothing. The flag is a global symbol, so two copies of our module cannot wrap a method twice.
 */

/**
 * Sets `proto[method]` to `replace(original)` unless `flag` says it was done already. `ok` checks
 * the class is the one we know; when it is not (or the method is gone), throws naming `where`.
 */
export function patchMethodOnce<F extends (...args: any[]) => any> (
  proto: object,
  method: string,
  flag: string,
  where: string,
  replace: (original: F) => F,
  ok: () => boolean = () => true
): void {
  const p = proto as Record<PropertyKey, unknown>
  const marker = Symbol.for(flag)
  if (p[marker] === true) return
  const original = p[method]
  if (typeof original !== 'function' || !ok()) throw new Error(`${where}: ${method} is not what this patch expects; it needs updating`)
  p[method] = replace(original as F)
  p[marker] = true
}
