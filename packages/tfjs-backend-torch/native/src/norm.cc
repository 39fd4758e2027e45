// tfjs's FusedBatchNorm forward: offset + (x - mean) * scale / sqrt(variance + eps). tfjs's cpu
// kernel walks every parameter cyclically over x's flat data (parameter i % length), which for
// per-channel parameters is broadcasting over the last axis. We reproduce exactly that rule.
#include <ATen/ATen.h>
#include <napi.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "conv_window.h"
#include "registry.h"

namespace gantry {
namespace {

// Views x as [rows, length] so that a flat parameter of `length` values lines up cyclically.
at::Tensor CyclicRows(const at::Tensor& x, int64_t length, const char* what) {
  if (length == 0 || x.numel() % length != 0) {
    throw std::invalid_argument(std::string("batchNorm: ") + what + " has " + std::to_string(length) +
                                " values, which does not divide x's " + std::to_string(x.numel()));
  }
  return x.reshape({-1, length});
}

// batchNorm(x, mean, variance, offset?, scale?, varianceEpsilon)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  at::Tensor mean = TensorArg(info, 1).reshape({-1});
  at::Tensor variance = TensorArg(info, 2).reshape({-1});
  c10::optional<at::Tensor> offset = OptionalTensorArg(info, 3);
  c10::optional<at::Tensor> scale = OptionalTensorArg(info, 4);
  const double eps = DoubleArg(info, 5);
  if (x.numel() == 0) return ReturnTensor(info, x.clone());
  at::Tensor off = offset ? offset->reshape({-1}) : at::zeros({1}, x.options());
  at::Tensor sc = scale ? scale->reshape({-1}) : at::ones({1}, x.options());

  const int64_t len = mean.numel();
  const auto fits = [len](const at::Tensor& p) { return p.numel() == len || p.numel() == 1; };
  if (variance.numel() == len && fits(off) && fits(sc)) {
    // y = offset + (x - mean) * a with a = scale / sqrt(var + eps). Subtracting the mean first
    // (rather than folding it into the offset) keeps float32 accuracy when |mean| >> std.
    at::Tensor a = sc * (variance + eps).rsqrt();
    at::Tensor centered = CyclicRows(x, len, "mean") - mean;
    return ReturnTensor(info, at::addcmul(off, centered, a).reshape(x.sizes()));
  }
  // Parameters of different lengths: apply each with its own cyclic alignment.
  at::Tensor y = (CyclicRows(x, len, "mean") - mean).reshape(x.sizes());
  y = (CyclicRows(y, sc.numel(), "scale") * sc).reshape(x.sizes());
  y = (CyclicRows(y, variance.numel(), "variance") * (variance + eps).rsqrt()).reshape(x.sizes());
  y = (CyclicRows(y, off.numel(), "offset") + off).reshape(x.sizes());
  return ReturnTensor(info, y);
}

}  // namespace

GANTRY_OP("batchNorm", BatchNorm);

}  // namespace gantry
