/**
 * Storage allocation, with recycling of the backward pass's intermediate gradients.
 *
 * A fresh large typed array is expensive: the allocator maps new pages and the kernel zeroes
 * each one on first touch (about 0.3-0.8 ms for 3 MB here, more than the op that fills it), and
 * the garbage collector later pays again to free it. PyTorch avoids this because reference
 * counting hands freed blocks straight back to malloc. JavaScript has no such signal, with
 * one exception the engine controls: during a backward pass without `createGraph`, the
 * gradient of an interior node is dead once its rule has run, unless it was passed on
 * unchanged. {@link GradientRecycler} tracks exactly that and returns such arrays here, where
 * the next {@link allocate} of the same size and dtype (the next step's forward pass, usually)
 * takes them instead of mapping new memory.
 */
import type { DType, Storage } from './dtype.js';

/** Arrays below this many elements are cheap to allocate and are never pooled. */
const MIN_POOLED = 16384;
/** The pool holds at most this many bytes; past it, recycled arrays are left to the GC. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

const free = new Map<string, Storage[]>();
let pooledBytes = 0;
/** Pooled-size allocations so far: served fresh by the engine, or taken from the pool. */
const counts = { fresh: 0, freshBytes: 0, reused: 0, reusedBytes: 0 };
/** Arrays allocated while a recycler is active (only those may be recycled). */
let tracking: Set<ArrayBufferLike> | null = null;
/** Arrays allocated while a forward pass is tracked (activations.ts), by buffer. */
let forwardTracking: WeakSet<ArrayBufferLike> | null = null;

/** The typed array class of each dtype (bool is Uint8ClampedArray so it differs from uint8's). */
const ARRAY_OF = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8ClampedArray,
} as const satisfies Record<DType, { new (size: number): Storage; BYTES_PER_ELEMENT: number }>;

const keyOf = (dtype: DType, size: number): string => `${dtype}:${size}`;

/**
 * A zero-filled array of `size` elements: from the pool when one of that size is free. `what`
 * (called only on failure) names the op and the shape for the error of a size too large.
 */
export function allocate(dtype: DType, size: number, what?: () => string): Storage {
  return take(dtype, size, what, true);
}

/**
 * Like {@link allocate}, for an output the caller's kernel writes in full (an elementwise map):
 * an array from the pool keeps its old values instead of being zeroed first.
 */
export function allocateForWrite(dtype: DType, size: number, what?: () => string): Storage {
  return take(dtype, size, what, false);
}

function take(dtype: DType, size: number, what: (() => string) | undefined, zeroed: boolean): Storage {
  let data: Storage | undefined;
  if (size >= MIN_POOLED) {
    data = free.get(keyOf(dtype, size))?.pop();
    if (data) {
      pooledBytes -= data.byteLength;
      if (zeroed) data.fill(0);
      counts.reused++;
      counts.reusedBytes += data.byteLength;
    }
  }
  if (!data) {
    data = fresh(dtype, size, what);
    if (size >= MIN_POOLED) {
      counts.fresh++;
      counts.freshBytes += data.byteLength;
    }
  }
  if (size >= MIN_POOLED) {
    tracking?.add(data.buffer);
    forwardTracking?.add(data.buffer);
  }
  return data;
}

/**
 * A new typed array, or an error saying how much was asked for (and, given `what`, by which op
 * for which shape) instead of V8's bare `Invalid typed array length`.
 */
function fresh(dtype: DType, size: number, what?: () => string): Storage {
  const by = what ? `${what()}: ` : '';
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`${by}cannot allocate a tensor of ${size} elements: the size must be a non-negative integer`);
  try {
    return new ARRAY_OF[dtype](size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const gib = (size * ARRAY_OF[dtype].BYTES_PER_ELEMENT) / 2 ** 30;
    throw new RangeError(`${by}cannot allocate ${size} ${dtype} elements (${gib.toPrecision(3)} GiB): ${e.message}`);
  }
}

/**
 * Runs `fn` with the buffers of every pooled-size array allocated meanwhile collected in
 * `allocated` (nested calls share the outermost set; weak, so it keeps nothing alive). The forward pass of nn.Sequential uses it
 * to know which arrays it made itself.
 */
export function trackAllocations<T>(allocated: WeakSet<ArrayBufferLike>, fn: () => T): T {
  const outer = forwardTracking;
  forwardTracking = outer ?? allocated;
  try {
    return fn();
  } finally {
    forwardTracking = outer;
  }
}

/** The set of the forward pass being tracked, if any (see {@link trackAllocations}). */
export function trackedAllocations(): WeakSet<ArrayBufferLike> | null {
  return forwardTracking;
}

/**
 * Hands a dead array back to the pool. The caller guarantees nothing can read it any more; only
 * whole-buffer arrays of a pooled size are taken.
 */
export function recycle(data: Storage): void {
  if (data.length < MIN_POOLED || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return;
  if (pooledBytes + data.byteLength > MAX_POOLED_BYTES) return;
  const dtype = (Object.keys(ARRAY_OF) as DType[]).find((d) => data.constructor === ARRAY_OF[d])!;
  const key = keyOf(dtype, data.length);
  let list = free.get(key);
  if (!list) free.set(key, (list = []));
  if (list.includes(data)) return; // handed back twice: pooling it twice would give it out twice
  list.push(data);
  pooledBytes += data.byteLength;
}

/** Empties the pool, whose arrays then go to the garbage collector (e.g. before a phase with other shapes). */
export function clearPool(): void {
  free.clear();
  pooledBytes = 0;
}

/**
 * Counts of the allocations large enough to be pooled, since the process started: how many (and
 * how many bytes) were new arrays from the engine, and how many were taken from the pool. A
 * training loop whose memory is recycled stops asking for new arrays after its first step.
 */
export function poolStatistics(): { fresh: number; freshBytes: number; reused: number; reusedBytes: number; pooledBytes: number } {
  return { ...counts, pooledBytes };
}

/** Bytes currently held by the pool (at most 256 MiB). */
export function pooledByteCount(): number {
  return pooledBytes;
}

/**
 * Reference counts of the gradients held during one backward pass, by underlying buffer (rules
 * pass gradients through unchanged or reshaped, so several tensors may share one). An array
 * goes back to the pool when its count drops to zero, provided it was allocated during this
 * pass. Gradients handed to the caller are simply never released.
 */
export class GradientRecycler {
  private readonly counts = new Map<ArrayBufferLike, number>();
  private readonly allocated = new Set<ArrayBufferLike>();
  private readonly outer: Set<ArrayBufferLike> | null;

  /** Starts tracking allocations; call {@link end} when the pass is over. */
  constructor() {
    this.outer = tracking;
    tracking = this.allocated;
  }

  /** A gradient now held (in the pass's map, or as a pending input gradient). */
  hold(data: Storage): void {
    this.counts.set(data.buffer, (this.counts.get(data.buffer) ?? 0) + 1);
  }

  /** A held gradient no longer needed; its array is recycled when nothing else holds it. */
  release(data: Storage): void {
    const buffer = data.buffer;
    const count = (this.counts.get(buffer) ?? 0) - 1;
    if (count > 0) {
      this.counts.set(buffer, count);
      return;
    }
    this.counts.delete(buffer);
    // Only whole-buffer arrays made during this pass: a view or an older array may be
    // referenced from places this pass cannot see.
    if (!this.allocated.has(buffer) || data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return;
    this.allocated.delete(buffer);
    recycle(data);
  }

  /** Whether `data` is a whole array allocated during this pass and not yet recycled. */
  madeHere(data: Storage): boolean {
    return this.allocated.has(data.buffer) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  }

  /** Stops tracking (restoring an enclosing pass's tracking). */
  end(): void {
    tracking = this.outer;
    if (this.outer) for (const b of this.allocated) this.outer.add(b);
  }
}
