/**
 * Recycling of activations nobody can see: the intermediate outputs of a container's forward
 * pass (nn.Sequential's), handed back to the pool (pool.ts) once they are dead.
 *
 * JavaScript gives no reference counts, so the engine cannot know in general when a tensor is
 * unreachable; the garbage collector learns it late (a few steps later, after the pages of many
 * fresh arrays were touched) and a synchronous training loop never lets a FinalizationRegistry
 * callback run. One case is known exactly, the one PyTorch's `retain_graph=False` relies on: an
 * output that a container passes from one child to the next, when every module involved is one
 * of descent's own layers (no user subclass, no forward hook, which could keep a reference), is
 * seen by nothing but the autograd graph. Such an intermediate is
 *
 * - dead as soon as the next child has produced its output, when no graph is recorded (inside
 *   `noGrad`: evaluation), and its array is recycled at once;
 * - dead once a `backward()` has run through its graph, unless `retainGraph` was asked for: the
 *   arrays are recycled and the graph is marked consumed, so a second backward through it fails
 *   with an error that names `retainGraph` (as PyTorch's does) instead of reading reused memory.
 *
 * Only arrays the forward pass allocated itself qualify (never the caller's input, a parameter,
 * or a view of them), never the container's final output or an array it shares, and each array
 * is recycled once.
 */
import type { GradFn } from './autograd.js';
import { isGradEnabled } from './autograd.js';
import { recycle, trackAllocations, trackedAllocations } from './pool.js';
import type { Tensor } from './tensor.js';

/** Intermediates whose arrays go back to the pool when a backward pass consumes their graph. */
const releasable = new WeakSet<Tensor>();
/** Graph nodes whose saved activations were recycled by a backward pass. */
const consumed = new WeakSet<GradFn>();

/**
 * One container forward pass. The container reports each child's output that only descent's
 * own modules saw ({@link intermediate}), every tensor it hands to code that is not descent's
 * ({@link exposed}), and its final output ({@link final}).
 */
export class ForwardScope {
  private readonly marked: Tensor[] = [];
  /** Arrays some caller or user code has seen: never recycled by this pass. */
  private readonly seen = new Set<ArrayBufferLike>();
  /** Without a graph: the latest intermediate, dead once a child's output no longer shares it. */
  private previous: Tensor | null = null;

  private constructor(private readonly allocated: WeakSet<ArrayBufferLike>) {}

  /** Runs `body` with allocations tracked (a nested container shares the outermost tracking). */
  static run<T>(body: (scope: ForwardScope) => T): T {
    const allocated = trackedAllocations() ?? new WeakSet<ArrayBufferLike>();
    return trackAllocations(allocated, () => body(new ForwardScope(allocated)));
  }

  /** `t`, made and consumed by descent's own modules only, goes on to the next child. */
  intermediate(t: Tensor): void {
    const buffer = t.data.buffer;
    if (!this.allocated.has(buffer) || this.seen.has(buffer)) return;
    if (!isGradEnabled()) {
      this.supersede(buffer);
      this.previous = t;
    } else if (t.requiresGrad) {
      releasable.add(t);
      this.marked.push(t);
    }
  }

  /** `t` is handed to code that may keep it: nothing sharing its array is recycled. */
  exposed(t: Tensor): void {
    const buffer = t.data.buffer;
    this.seen.add(buffer);
    for (const m of this.marked) if (m.data.buffer === buffer) releasable.delete(m);
    if (this.previous?.data.buffer === buffer) this.previous = null;
  }

  /** The container's output, which its caller sees. */
  final(out: Tensor): void {
    this.exposed(out);
    if (!isGradEnabled()) this.supersede(out.data.buffer);
    this.previous = null;
  }

  /** Without a graph, the previous intermediate is dead once the chain has moved off its array. */
  private supersede(next: ArrayBufferLike): void {
    const prev = this.previous;
    if (!prev || prev.data.buffer === next) return;
    this.previous = null;
    // Once: the array leaves the tracked set as it goes back to the pool.
    if (this.allocated.delete(prev.data.buffer)) recycle(prev.data);
  }
}

/**
 * After a backward pass through `order` (every tensor it reached): the arrays of the releasable
 * intermediates go back to the pool, and if any did, the graph is marked consumed.
 */
export function releaseConsumedActivations(order: readonly Tensor[]): void {
  const arrays = new Map<ArrayBufferLike, Tensor['data']>();
  for (const t of order) {
    if (!releasable.has(t)) continue;
    releasable.delete(t);
    arrays.set(t.data.buffer, t.data);
  }
  if (arrays.size === 0) return;
  for (const t of order) if (t.gradFn) consumed.add(t.gradFn);
  for (const data of arrays.values()) recycle(data);
}

/** Throws when `order` runs through a graph whose activations an earlier backward recycled. */
export function assertGraphNotConsumed(order: readonly Tensor[]): void {
  for (const t of order) {
    if (t.gradFn && consumed.has(t.gradFn)) {
      throw new Error(
        `backward: the graph through '${t.gradFn.name}' was already used by a backward pass, which freed the activations it saved ` +
          '(as PyTorch does); pass { retainGraph: true } to the first backward() to run through the graph again',
      );
    }
  }
}
