/**
 * Types shared by every optimizer: serializable state trees, parameter groups and the state
 * dict format of docs/ARCHITECTURE.md (`{ tensors, config }`).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Storage } from '../tensor/dtype.js';

/** A JSON value (what `config` in a state dict holds). */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/**
 * A node of optimizer state: flat arrays (serialized as tensors) or JSON scalars, nested in
 * arrays and records. Everything an update rule remembers between steps lives in such a tree,
 * so saving and restoring it resumes the exact trajectory.
 */
export type StateValue = Storage | number | boolean | string | null | StateValue[] | { [key: string]: StateValue };

/** The state an update rule keeps for one parameter (or for the optimizer as a whole). */
export type ParamState = { [key: string]: StateValue };

/** A parameter group as given to an optimizer: its tensors and option overrides. */
export type ParamGroupInput = { params: Tensor[] } & { [option: string]: unknown };

/** What optimizers accept: a list of tensors (one group) or a list of groups. */
export type ParamsInput = readonly Tensor[] | readonly ParamGroupInput[];

/** A parameter group inside an optimizer: every option resolved (defaults filled in). */
export type ParamGroup<O extends object = Record<string, unknown>> = O & { params: Tensor[] };

/** A serialized optimizer: flat arrays as tensors, everything else JSON (see ARCHITECTURE.md). */
export interface OptimizerStateDict {
  tensors: Record<string, Tensor>;
  config: JSONValue;
}

/** A closure for `step(closure)`: recomputes the loss (and its gradients) and returns it. */
export type Closure = () => Tensor | number;
