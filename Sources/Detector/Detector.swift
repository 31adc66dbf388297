// The Detector module: a small pure-Swift inference engine for the Lookout detector.
//
// - Layout: every tensor is Float32, batch 1, HWC (channels innermost); see `Tensor`.
// - Loading: `DetectorModel` reads the graph JSON and the safetensors weights written by
//   `scripts/export.py`, validates them (every failure is a `ModelLoadError` naming the file) and
//   repacks the weights once: 1x1 convolutions and general convolutions into 16-wide GEMM panels
//   (`PackedGemmWeights`), depthwise 3x3 into tap-major channel rows (`PackedDepthwiseWeights`).
//   Residual `add` nodes are fused into the 1x1 convolution before them and concat inputs are
//   written in place (`Program`).
// - Running: `InferenceSession` (one per thread) plans one arena per input size with
//   liveness-based reuse, then runs without allocating: `gemm` (4x16 register-blocked SIMD16
//   micro-kernel, bias + activation + residual fused), `depthwiseConv3x3` (SIMD across
//   channels), `PackedConv.convolveDirect` (implicit GEMM for the stem and other convolutions),
//   and the small ops in Ops.swift.
// - Detection: `preprocess` (resize + pad), forward, `decodeCenterNet`, `nonMaximumSuppression`.
//
// Speed: build with `-c release`. The default x86-64 target only has SSE2, so SIMD16 arithmetic
// runs 4 lanes at a time; a target with AVX2 (e.g. `-Xswiftc -target-cpu -Xswiftc haswell`)
// runs the same code about twice as fast.
