/**
 * Diagnostics: look inside training. Curvature (Hessian eigenvalues, trace, spectral density),
 * the loss landscape (interpolation, 2-D slices, sharpness), gradient statistics (norms, noise
 * scale, the thesis's correlations) and mode connectivity. Portable (no Node module); depends on
 * tensor, nn, optim and train's callback type only. Exported from the root as `diagnostics`.
 */
export {
  hessianVectorProduct, hessianOperator, lanczos, tridiagonalEigen, topHessianEigen, hutchinsonTrace, spectralDensity,
  type LinearOperator, type LanczosResult, type TopEigenOptions, type TopEigen, type TraceOptions, type TraceEstimate,
  type SpectralDensityOptions, type SpectralDensity,
} from './curvature.js';
export { CurvatureMonitor, type CurvatureMonitorOptions, type CurvatureRecord } from './curvature-monitor.js';
export {
  interpolate1d, filterNormalizedDirection, slice2d, sharpness,
  type Interpolate1dOptions, type Profile1d, type DirectionOptions, type Slice2dOptions, type Surface2d, type SharpnessOptions, type Sharpness,
} from './landscape.js';
export {
  pearson, laggedCorrelation, spatialCorrelation, noiseScaleFromGradients, gradientNoiseScale, readExpAvgSq, GradientMonitor,
  type SecondMomentReader, type GradientMonitorOptions, type LagCorrelations,
} from './gradient-stats.js';
export { pointOnPath, linePath, pathProfile, trainPath, type PathKind, type Path, type PathProfile, type TrainPathOptions } from './paths.js';
export { flattenParams, assignParams, splitLike, flattenTensors, vectorSize, atPoint, valueOf, type Objective } from './vectors.js';
