/** Tuning studies (`descent tune`): search spaces, sequences, successive halving, ASHA, the study runner and its report. */
export { halton, sobol, radicalInverse, firstPrimes, seededWords, SOBOL_MAX_DIMS } from './sequences.js';
export { type Param, type ParamEntry, paramSchema, toParam, valueAt, pointOptions, gridValues, gridPoints, roundSignificant, DEFAULT_LR_RANGE } from './space.js';
export { rungBudgets, rankIndices, promote } from './halving.js';
export { ashaContinues, AshaRungs, prunedEpoch, scoreAtEpoch } from './asha.js';
export { type TuneSpec, tuneSpecSchema, validateTuneSpec, loadTuneSpecFile, SEARCH_METHODS } from './spec.js';
export { type MethodStudy, type StudyPlan, planStudies, candidatesOf, trialOf } from './plan.js';
export { type TrialRunner, type CandidateResult, type MethodStudyResult, type StudyResult, type RunStudyOptions, runStudy, scoreOf, writeStudyFile } from './study.js';
export { type TimeToTarget, reaches, timeToTarget, tuneability, performanceProfiles, profileTaus } from './measures.js';
export { type MethodRow, methodRows, stoppingLine, studyTable, studyReport, lrSeries, taskTargets, TUNEABILITY_TOLERANCE } from './report.js';
export { type TuneRunOptions, type TuneRunOutput, runTuneStudy } from './run.js';
