/**
 * The lab: test problems, experiment specs, the parallel resumable runner, the results store,
 * plots and reports, the reproductions. The `descent` command (src/cli) is a thin layer on it.
 */
export { type Json, type JsonObject, LabError, mean, std, linearFit, fmt, fmtMeanStd, textTable, markdownTable, stableHash, canonicalJson } from './util.js';
export { type Method, resolveMethod, listMethods, buildOptimizer, isAdaptive } from './methods.js';
export { type TrialConfig, type TrialRecord, type TrialOutput, type Columns, trialId, groupKey } from './trial.js';
export { type TaskDef, type TaskHooks, parseTaskOptions, withDefaultLr, optionsSchema } from './tasks.js';
export { tasks, listTasks, getTask, reproductions, getReproduction } from './catalog.js';
export { type Function2D, functions2d, getFunction2D, distanceToMinimum, rosenbrock, beale, himmelblau, saddle, quadratic2d, rastrigin, runFunction2D, type Trajectory } from './problems/functions2d.js';
export { type OnlineOptions, type OnlineResult, type OnlineKind, onlineDefaults, runOnline, largeGradientProbability } from './problems/online.js';
export { type QuadraticOptions, type QuadraticResult, quadraticDefaults, runQuadratic, tunedOptions, eigenvalues } from './problems/quadratic.js';
export { type Architecture, type ClassificationOptions, buildModel, evaluate, loadData, fullDataAvailable, runClassification } from './problems/classification.js';
export { type ExperimentSpec, specSchema, validateSpec, loadSpecFile, expandSpec } from './spec.js';
export { RunStore, type RunInfo, findRuns, openRun, isRunDir, writeFileAtomic } from './store.js';
export { runTrials, type RunTrialsOptions, type RunTrialsResult, type RunnerEvent, workerUrl } from './runner.js';
export { executeTrial } from './execute.js';
export { runExperiment, reportRecords, type ExperimentOptions } from './experiment.js';
export { groupTrials, finalStats, meanCurve, curves, type Group } from './aggregate.js';
export { renderVega, renderVegaLite, svgToPng, writePlot, curvesChart, barChart, fitChart, contourChart, type Plot, type Series } from './plots.js';
export { renderReport, writeReport, type ReportInput, type ReportSection, type Table } from './report.js';
export { summarize } from './summary.js';
export { machineInfo, commandLine, descentVersion } from './machine.js';
export { runTrace, tracePlot, parseSetFlags, traceProblems, type TraceResult, type TraceOptions } from './trace.js';
export { mainJobTrials, mainJobMethods, mainJobDefaults, mainJobTunedLrs, mainJobTuning, type MainJobOptions } from './mainjob.js';
export { loadTuneSpecFile, validateTuneSpec, planStudies, runStudy, runTuneStudy, performanceProfiles, timeToTarget, tuneability, halton, sobol, type TuneSpec, type StudyPlan, type StudyResult, type TrialRunner } from './tune/index.js';
export { runReproduction, type ReproduceOptions, type ReproduceResult } from './reproductions/run.js';
export type { Reproduction, Claim, Analysis, Scale } from './reproductions/types.js';
/** Node-only engine tuning the `descent` command applies (here because the lab entry is Node-only). */
export { tuneNativeAllocator, type AllocatorTuning } from '../backend/allocator.js';
