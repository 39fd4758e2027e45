// Instance normalisation (the kernels GantryInstanceNorm and GantryInstanceNormGrad of @gantry/kernels) on x
// [N, H, W, C] (channels last) viewed as [N, M, C], M = H W: per example and channel the mean and biased
// variance over M, r = 1 / sqrt(variance + eps), xhat = (x - mean) r; backward, for y = xhat (times gamma when
// affine, plus beta), dx = r k (dy - mean(dy) - xhat mean(dy xhat)) with k = gamma or 1, and the per example
// and channel sums of dy xhat and dy (from which the affine parameters' gradients are one sum over N). Composed
// from tfjs ops the forward is 7 kernel calls and the backward 10 (each a full-tensor pass or a broadcast);
// here three passes forward (sum, squared deviations, output) and two backward (the sums, then dx). Sums
// accumulate in double; examples are independent, so ATen's threads split them.
#pragma GCC optimize("O3")

#define GANTRY_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "norm_loops.h"
#include "ops_common.h"
#include "registry.h"

namespace gantry {

// External linkage for target_clones' ifunc.
GANTRY_VECTOR_CLONES void InNormalizeRows(const float* __restrict x, int64_t rows, int64_t c, const float* __restrict mean,
                                          const float* __restrict r, float* __restrict xhat) {
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t k = 0; k < c; ++k) xhat[m * c + k] = (x[m * c + k] - mean[k]) * r[k];
  }
}

GANTRY_VECTOR_CLONES void InGradSumRows(const float* __restrict dy, const float* __restrict xhat, int64_t rows, int64_t c,
                                        double* __restrict dy_xhat, double* __restrict dy_sum) {
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t k = 0; k < c; ++k) {
      dy_xhat[k] += static_cast<double>(dy[m * c + k] * xhat[m * c + k]);
      dy_sum[k] += static_cast<double>(dy[m * c + k]);
    }
  }
}

// dx = scale (dy - dy_mean - xhat dy_xhat_mean)
GANTRY_VECTOR_CLONES void InGradInputRows(const float* __restrict dy, const float* __restrict xhat, int64_t rows, int64_t c,
                                          const float* __restrict scale, const float* __restrict dy_mean,
                                          const float* __restrict dy_xhat_mean, float* __restrict dx) {
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t k = 0; k < c; ++k) {
      dx[m * c + k] = scale[k] * (dy[m * c + k] - dy_mean[k] - xhat[m * c + k] * dy_xhat_mean[k]);
    }
  }
}

namespace {

at::Tensor Float32Nhwc(const Napi::CallbackInfo& info, size_t index, const char* what) {
  const at::Tensor& t = TensorArg(info, index);
  if (t.scalar_type() != at::kFloat || t.dim() != 4) {
    throw std::invalid_argument(std::string("instanceNorm: ") + what + " must be float32 [N, H, W, C], got " +
                                std::string(c10::toString(t.scalar_type())) + c10::str(t.sizes()));
  }
  return t.contiguous();
}

// instanceNorm(x [N, H, W, C], eps) -> [xhat (x's shape), r [N, 1, 1, C]]
Napi::Value InstanceNorm(const Napi::CallbackInfo& info) {
  const at::Tensor x = Float32Nhwc(info, 0, "x");
  const double eps = DoubleArg(info, 1);
  const int64_t n = x.size(0), rows = x.size(1) * x.size(2), c = x.size(3);
  at::Tensor xhat = at::empty(x.sizes(), x.options());
  at::Tensor r = at::empty({n, 1, 1, c}, x.options());
  const float* px = x.data_ptr<float>();
  float *pxhat = xhat.data_ptr<float>(), *pr = r.data_ptr<float>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(c);
    std::vector<float> mean(c);
    for (int64_t i = begin; i < end; ++i) {
      const float* block = px + i * rows * c;
      std::fill(acc.begin(), acc.end(), 0.0);
      NormSumRows(block, rows, c, acc.data());
      for (int64_t k = 0; k < c; ++k) mean[k] = static_cast<float>(acc[k] / rows);
      std::fill(acc.begin(), acc.end(), 0.0);
      NormSquaredDeviationRows(block, rows, c, mean.data(), acc.data());
      float* ri = pr + i * c;
      for (int64_t k = 0; k < c; ++k) ri[k] = 1.f / std::sqrt(static_cast<float>(acc[k] / rows) + static_cast<float>(eps));
      InNormalizeRows(block, rows, c, mean.data(), ri, pxhat + i * rows * c);
    }
  });
  return ReturnTensors(info, {xhat, r});
}

// instanceNormGrad(dy, xhat, r [N, 1, 1, C], gamma [C] or none) -> [dx, sum(dy xhat), sum(dy)], the sums [N, 1, 1, C]
Napi::Value InstanceNormGrad(const Napi::CallbackInfo& info) {
  const at::Tensor dy = Float32Nhwc(info, 0, "dy");
  const at::Tensor xhat = Float32Nhwc(info, 1, "xhat");
  const at::Tensor r = Float32Nhwc(info, 2, "r");
  const c10::optional<at::Tensor> gamma_arg = OptionalTensorArg(info, 3);
  const int64_t n = xhat.size(0), rows = xhat.size(1) * xhat.size(2), c = xhat.size(3);
  if (dy.sizes() != xhat.sizes() || r.sizes() != at::IntArrayRef({n, 1, 1, c})) {
    throw std::invalid_argument("instanceNormGrad: dy " + c10::str(dy.sizes()) + ", xhat " + c10::str(xhat.sizes()) + " and r " +
                                c10::str(r.sizes()) + " do not match");
  }
  at::Tensor gamma;
  if (gamma_arg) {
    gamma = gamma_arg->contiguous();
    if (gamma.scalar_type() != at::kFloat || gamma.numel() != c) throw std::invalid_argument("instanceNormGrad: gamma must be float32 [C]");
  }
  at::Tensor dx = at::empty(xhat.sizes(), xhat.options());
  at::Tensor dy_xhat = at::empty({n, 1, 1, c}, xhat.options()), dy_sum = at::empty({n, 1, 1, c}, xhat.options());
  const float *pdy = dy.data_ptr<float>(), *pxhat = xhat.data_ptr<float>(), *pr = r.data_ptr<float>();
  const float* pgamma = gamma.defined() ? gamma.data_ptr<float>() : nullptr;
  float *pdx = dx.data_ptr<float>(), *pdy_xhat = dy_xhat.data_ptr<float>(), *pdy_sum = dy_sum.data_ptr<float>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> a(c), b(c);
    std::vector<float> scale(c), dy_mean(c), dy_xhat_mean(c);
    for (int64_t i = begin; i < end; ++i) {
      const int64_t block = i * rows * c;
      std::fill(a.begin(), a.end(), 0.0);
      std::fill(b.begin(), b.end(), 0.0);
      InGradSumRows(pdy + block, pxhat + block, rows, c, a.data(), b.data());
      for (int64_t k = 0; k < c; ++k) {
        pdy_xhat[i * c + k] = static_cast<float>(a[k]);
        pdy_sum[i * c + k] = static_cast<float>(b[k]);
        dy_xhat_mean[k] = static_cast<float>(a[k] / rows);
        dy_mean[k] = static_cast<float>(b[k] / rows);
        scale[k] = pgamma != nullptr ? pr[i * c + k] * pgamma[k] : pr[i * c + k];
      }
      InGradInputRows(pdy + block, pxhat + block, rows, c, scale.data(), dy_mean.data(), dy_xhat_mean.data(), pdx + block);
    }
  });
  return ReturnTensors(info, {dx, dy_xhat, dy_sum});
}

}  // namespace

GANTRY_OP("instanceNorm", InstanceNorm);
GANTRY_OP("instanceNormGrad", InstanceNormGrad);

}  // namespace gantry
