/**
 * The one way to declare a task's options: a strict zod object (unknown keys refused, defaults
 * filled in) whose fields all produce JSON, so the parsed options are a {@link JsonObject}
 * that trial records and trial ids can hold as they are.
 */
import { z } from 'zod';
import type { Json, JsonObject } from './util.js';

/** A strict object schema over `shape`; every field must parse to JSON (the types check it, no cast needed). */
export function optionsSchema(shape: Record<string, z.ZodType<Json>>): z.ZodType<JsonObject> {
  return z.object(shape).strict();
}
