/**
 * Stands in for node:crypto in the browser build. The lab's util.ts imports createHash for
 * trial ids (stableHash); nothing the playground runs calls it, and if something does, it
 * says so instead of hashing wrongly.
 */
export function createHash(): never {
  throw new Error('node:crypto is not available in the playground (stableHash needs Node); use a browser-side id');
}
