// Plain loops over contiguous tensors for the elementwise kernels where ATen 1.13 has no fast path.
//
// Why (CPU us/call, 1 thread, [256,128] float32, the mlp2d shape; the same ATen ops from PyTorch 1.13
// eager in brackets): Step as where(x > 0, 1, alpha) + where(isnan(x), x, .) 318 us; Select
// (at::where) 148 [136]; x > 0-dim scalar (bool output) 29 [26]; bool -> float32 cast 32 [27].
// These go through TensorIterator's dynamic-casting scalar loops (bool in or out, or a 0-dim
// operand); the loops here are one vectorizable pass each (a few us; bench/kernels.ts measures).
// Callers check Dense*() first and use ATen for everything else (strides, broadcasting, dtypes).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <cstring>

namespace gantry {

inline bool IsDense(const at::Tensor& t, at::ScalarType type) {
  return t.scalar_type() == type && t.is_contiguous();
}

// t has like's dtype and either like's shape (dense) or one element of no higher rank (so that
// broadcasting t against like gives like's shape).
inline bool IsDenseOrSingle(const at::Tensor& t, const at::Tensor& like) {
  if (t.scalar_type() != like.scalar_type()) return false;
  if (t.numel() == 1) return t.dim() <= like.dim();
  return t.is_contiguous() && t.sizes() == like.sizes();
}

// tfjs Step on float32: NaN stays NaN, x > 0 -> 1, else alpha.
at::Tensor DenseStep(const at::Tensor& x, float alpha);

// tfjs Select with a bool condition of the same shape as t and e, which share a 4-byte dtype.
at::Tensor DenseSelect(const at::Tensor& condition, const at::Tensor& t, const at::Tensor& e);

enum class Compare { kGreater, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };

// a (dense float32) compared with b (float32, same shape or one element) -> bool; NaN compares false
// except under kNotEqual, as in JS.
at::Tensor DenseCompare(const at::Tensor& a, const at::Tensor& b, Compare compare);

// The gradient of a (leaky) relu: dy where x > 0, else alpha * dy (NaN x takes the alpha branch). dy and x are
// dense float32 of one shape.
at::Tensor DenseLeakyReluGrad(const at::Tensor& dy, const at::Tensor& x, float alpha);

// bool (stored as 0/1 bytes) -> float32 or int32.
at::Tensor DenseBoolTo(const at::Tensor& x, at::ScalarType type);

}  // namespace gantry
