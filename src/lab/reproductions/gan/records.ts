/**
 * Shared pieces of the GAN reproductions: task schemas, plot writing, small statistics, and
 * the encoding of images and fields stored in trial records.
 */
import { z } from 'zod';
import { writePlot, type Plot } from '../../plots.js';
import type { TaskDef } from '../../tasks.js';
import type { JsonObject } from '../../util.js';
import { Tensor } from '../../../tensor/index.js';

/** A strict zod object schema typed as the lab's task-option schema. */
export function optionsSchema(shape: z.ZodRawShape): TaskDef['schema'] {
  return z.object(shape).strict() as unknown as TaskDef['schema'];
}

export { z };

/** Collects plots, writing them (SVG and PNG) into `plotDir` when one is given. */
export class PlotSink {
  readonly plots: Plot[] = [];
  constructor(readonly dir: string | null) {}
  async add(p: Promise<Plot> | Plot): Promise<Plot> {
    const plot = await p;
    const out = this.dir ? writePlot(this.dir, plot) : plot;
    this.plots.push(out);
    return out;
  }
}

export function avg(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = avg(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** Images [N, 1, H, W] in [lo, hi] as base64 of 8-bit gray levels (compact in a trial record). */
export function encodeImages(images: Tensor, range: [number, number] = [0, 1]): { shape: number[]; base64: string } {
  const [lo, hi] = range;
  const bytes = Buffer.alloc(images.size);
  for (let i = 0; i < images.size; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(((images.data[i] - lo) / (hi - lo)) * 255)));
  return { shape: [...images.shape], base64: bytes.toString('base64') };
}

/** The inverse of {@link encodeImages}: a float tensor in [0, 1]. */
export function decodeImages(e: { shape: number[]; base64: string }): Tensor {
  const bytes = Buffer.from(e.base64, 'base64');
  return new Tensor(Float32Array.from(bytes, (b) => b / 255), e.shape);
}

/** Narrows a JSON value stored by a task back to its type. */
export function asJson<T>(v: unknown): T {
  return v as T;
}

export type { JsonObject };
