/*
 * The simd128 intrinsics and the export attribute. Built for wasm32 (scripts/build-wasm.mjs):
 * clang's own wasm_simd128.h, pointers are offsets into the module's memory. Built for the host
 * (scripts/build-native.mjs, the blas backend's native kernels): src/backend/native's
 * definitions of the same intrinsics, pointers are real addresses.
 */
#ifndef DESCENT_SIMD_H
#define DESCENT_SIMD_H
#ifdef __wasm__
#include <wasm_simd128.h>
#define EXPORT(name) __attribute__((export_name(#name)))
#else
#include "../native/wasm-simd-native.h"
#define EXPORT(name) __attribute__((visibility("default")))
#endif
#endif
