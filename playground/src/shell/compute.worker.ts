/**
 * The playground's compute worker: trajectories (the lab's own `runTrace`, so they equal
 * `descent trace --json`), trajectories on a user's f(x, y), and online-counterexample runs
 * with the optimizer's second moments. The page never computes a step itself.
 */
import { backendInfo, Generator, initBackendAsync, Tensor } from 'descent';
import { wasmThreadsProblem } from '../../../src/backend/wasm/threads.js';
import { buildOptimizer, isAdaptive, resolveMethod } from '../../../src/lab/methods.js';
import { applyDefaultLr } from '../../../src/lab/tasks.js';
import { runFunction2D, type Function2D } from '../../../src/lab/problems/functions2d.js';
import { largeGradientProbability } from '../../../src/lab/problems/online.js';
import { runTrace } from '../../../src/lab/trace-run.js';
import { compileGradient, compileNumeric, parseExpression } from '../views/race/expression.js';
import { CUSTOM_LR } from '../views/race/surfaces.js';
import type { BackendReply, ComputeRequest, ExpressionRequest, OnlineReply, OnlineRequest, TraceReply, WorkerMessage, WorkerReply } from './compute-protocol.js';

const ready = initBackendAsync({ quiet: true }).catch(() => undefined);

function expressionTrace(r: ExpressionRequest): TraceReply {
  const tree = parseExpression(r.expression);
  const fn: Function2D = {
    name: 'custom', title: r.expression, description: r.expression,
    f: compileNumeric(tree), grad: compileGradient(tree), start: r.start, window: [-1, 1, -1, 1], minima: [],
    lr: CUSTOM_LR, logContours: false, fmin: 0,
  };
  let method = resolveMethod(r.optimizer, r.options ?? {});
  method = applyDefaultLr(method, isAdaptive(method) ? CUSTOM_LR.adaptive : CUSTOM_LR.sgd); // a wrapper's goes to its inner optimizer
  const tr = runFunction2D(fn, method, r.steps, r.start);
  return { options: method.options, iterates: tr.points.map((p) => [p[0], p[1]]), values: tr.losses };
}

// The stochastic problem of thesis 004 eq. 3-7 on [-1, 1], stepped as the lab's runOnline does
// (same generator, same draws in the same order), with v_t and AMSGrad's v̂_t read from the
// optimizer's state. With one copy, θ_t is exactly `descent trace online-stochastic`'s.
function onlineRun(r: OnlineRequest): OnlineReply {
  const K = r.copies;
  const method = resolveMethod(r.optimizer, r.options);
  const theta = new Tensor(new Float64Array(K), [K]);
  theta.requiresGrad = true;
  const opt = buildOptimizer(method, [theta]);
  const gen = new Generator(r.seed);
  const p = largeGradientProbability(r.C, r.delta);
  const out: OnlineReply = { options: method.options, theta: [0], thetaMean: [0], v: [0], vhat: null, grad: [0] };
  for (let t = 1; t <= r.steps; t++) {
    const g = new Float64Array(K);
    for (let k = 0; k < K; k++) g[k] = gen.random() < p ? r.C : -1;
    theta.grad = new Tensor(g, [K]);
    opt.step();
    const d = theta.data;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      d[k] = d[k] > 1 ? 1 : d[k] < -1 ? -1 : d[k];
      sum += d[k];
    }
    const s = opt.state.get(theta) as Record<string, unknown> | undefined;
    const v = s?.expAvgSq as ArrayLike<number> | undefined;
    const vmax = s?.maxExpAvgSq as ArrayLike<number> | null | undefined;
    out.theta.push(d[0]);
    out.thetaMean.push(sum / K);
    out.grad.push(g[0]);
    out.v.push(v ? v[0] : NaN);
    if (vmax) (out.vhat ??= new Array(t).fill(0)).push(vmax[0]);
  }
  return out;
}

function handle(req: ComputeRequest): TraceReply | OnlineReply | BackendReply {
  switch (req.kind) {
    case 'trace': {
      const r = runTrace({ problem: req.problem, optimizer: req.optimizer, options: req.options, steps: req.steps, start: req.start, seed: req.seed });
      return { options: r.options, iterates: r.iterates, values: r.values };
    }
    case 'expression':
      return expressionTrace(req);
    case 'online':
      return onlineRun(req);
    case 'backend':
      return { ...backendInfo(), crossOriginIsolated: (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, threadsProblem: wasmThreadsProblem() };
  }
}

self.onmessage = async (e: MessageEvent<WorkerMessage>) => {
  await ready;
  const { id, request } = e.data;
  let reply: WorkerReply;
  try {
    reply = { id, ok: true, result: handle(request) };
  } catch (err) {
    reply = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  (self as unknown as Worker).postMessage(reply);
};
