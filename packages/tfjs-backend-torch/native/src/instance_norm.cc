// Instance normalisation (the kernels GantryInstanceNorm and GantryInstanceNormGrad of @gantry/kernels) on x
// [N, H, W, C] (channels last) viewed as [N, M, C], M = H W: per example and channel the mean and biased
// variance over M, r = 1 / sqrt(variance + eps), xhat = (x - mean) r; backward, for y = xhat (times gamma when
// affine, plus beta), dx = r k (dy - mean(dy) - xhat mean(dy xhat)) with k = gamma or 1, and the per example
// and channel sums of dy xhat and dy (from which the affine parameters' gradients are one sum over N). Composed
// from tfjs ops the forward is 7 kernel calls and the backward 10 (each a full-tensor pass or a broadcast);
// here three passes forward (sum, squared deviations, output) and two backward (the sums, then dx). Sums
// accumulate in double. Batch normalisation (@gantry/core's BatchNormalization in training) runs the same kernels
// on its input viewed as [1, N H W, 1, C], so the forward also returns the mean and variance (for the moving averages).
#pragma GCC optimize("O3")

#define GANTRY_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <napi.h>

#include <algorithm>
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

// Each example's M rows cut into chunks of a fixed number of rows (from the shape alone, never from the thread
// count, so that the partial sums, added in chunk order, give the same bits on any number of threads): the tasks of
// at::parallel_for are (example, chunk) pairs, so one example (batch 1, or batch norm's [1, N H W, 1, C] view) is
// still split over ATen's threads.
struct Chunks {
  int64_t n, rows, c, chunk_rows, per_example;

  Chunks(int64_t n_, int64_t rows_, int64_t c_)
      : n(n_), rows(rows_), c(c_), chunk_rows(std::max<int64_t>(1, kChunkElements / std::max<int64_t>(c_, 1))),
        per_example(std::max<int64_t>(1, (rows_ + chunk_rows - 1) / chunk_rows)) {}

  // fn(example, first row, row count, task) for every chunk, in parallel
  template <typename Fn>
  void ForEach(Fn fn) const {
    at::parallel_for(0, n * per_example, 1, [&](int64_t begin, int64_t end) {
      for (int64_t task = begin; task < end; ++task) {
        const int64_t first = (task % per_example) * chunk_rows;
        fn(task / per_example, first, std::min(chunk_rows, rows - first), task);
      }
    });
  }

  // total[i, k] = the sum over example i's chunks of partial[task, k], in chunk order
  void Totals(const std::vector<double>& partial, std::vector<double>& total) const {
    total.assign(n * c, 0.0);
    for (int64_t task = 0; task < n * per_example; ++task) {
      double* into = total.data() + (task / per_example) * c;
      for (int64_t k = 0; k < c; ++k) into[k] += partial[task * c + k];
    }
  }

  static constexpr int64_t kChunkElements = 32768;
};

// instanceNorm(x [N, H, W, C], eps) -> [xhat (x's shape), r, mean, variance], the last three [N, 1, 1, C] (variance biased)
Napi::Value InstanceNorm(const Napi::CallbackInfo& info) {
  const at::Tensor x = Float32Nhwc(info, 0, "x");
  const float eps = static_cast<float>(DoubleArg(info, 1));
  const Chunks chunks(x.size(0), x.size(1) * x.size(2), x.size(3));
  const int64_t c = chunks.c, rows = chunks.rows;
  at::Tensor xhat = at::empty(x.sizes(), x.options());
  at::Tensor r = at::empty({chunks.n, 1, 1, c}, x.options());
  at::Tensor mean = at::empty_like(r), variance = at::empty_like(r);
  const float* px = x.data_ptr<float>();
  float *pxhat = xhat.data_ptr<float>(), *pr = r.data_ptr<float>(), *pmean = mean.data_ptr<float>(), *pvar = variance.data_ptr<float>();
  std::vector<double> partial(chunks.n * chunks.per_example * c, 0.0), total;
  chunks.ForEach([&](int64_t i, int64_t first, int64_t count, int64_t task) {
    NormSumRows(px + (i * rows + first) * c, count, c, partial.data() + task * c);
  });
  chunks.Totals(partial, total);
  for (int64_t k = 0; k < chunks.n * c; ++k) pmean[k] = static_cast<float>(total[k] / rows);
  std::fill(partial.begin(), partial.end(), 0.0);
  chunks.ForEach([&](int64_t i, int64_t first, int64_t count, int64_t task) {
    NormSquaredDeviationRows(px + (i * rows + first) * c, count, c, pmean + i * c, partial.data() + task * c);
  });
  chunks.Totals(partial, total);
  for (int64_t k = 0; k < chunks.n * c; ++k) {
    pvar[k] = static_cast<float>(total[k] / rows);
    pr[k] = 1.f / std::sqrt(pvar[k] + eps);
  }
  chunks.ForEach([&](int64_t i, int64_t first, int64_t count, int64_t) {
    InNormalizeRows(px + (i * rows + first) * c, count, c, pmean + i * c, pr + i * c, pxhat + (i * rows + first) * c);
  });
  return ReturnTensors(info, {xhat, r, mean, variance});
}

// instanceNormGrad(dy, xhat, r [N, 1, 1, C], gamma [C], [N, 1, 1, C] (one per example: AdaIN) or none)
//   -> [dx, sum(dy xhat), sum(dy)], the sums [N, 1, 1, C]
Napi::Value InstanceNormGrad(const Napi::CallbackInfo& info) {
  const at::Tensor dy = Float32Nhwc(info, 0, "dy");
  const at::Tensor xhat = Float32Nhwc(info, 1, "xhat");
  const at::Tensor r = Float32Nhwc(info, 2, "r");
  const c10::optional<at::Tensor> gamma_arg = OptionalTensorArg(info, 3);
  const Chunks chunks(xhat.size(0), xhat.size(1) * xhat.size(2), xhat.size(3));
  const int64_t n = chunks.n, rows = chunks.rows, c = chunks.c;
  if (dy.sizes() != xhat.sizes() || r.sizes() != at::IntArrayRef({n, 1, 1, c})) {
    throw std::invalid_argument("instanceNormGrad: dy " + c10::str(dy.sizes()) + ", xhat " + c10::str(xhat.sizes()) + " and r " +
                                c10::str(r.sizes()) + " do not match");
  }
  at::Tensor gamma;
  if (gamma_arg) {
    gamma = gamma_arg->contiguous();
    if (gamma.scalar_type() != at::kFloat || (gamma.numel() != c && gamma.numel() != n * c)) {
      throw std::invalid_argument("instanceNormGrad: gamma must be float32 [C] or, one per example, [N, 1, 1, C]; got " + c10::str(gamma.sizes()));
    }
  }
  at::Tensor dx = at::empty(xhat.sizes(), xhat.options());
  at::Tensor dy_xhat = at::empty({n, 1, 1, c}, xhat.options()), dy_sum = at::empty({n, 1, 1, c}, xhat.options());
  const float *pdy = dy.data_ptr<float>(), *pxhat = xhat.data_ptr<float>(), *pr = r.data_ptr<float>();
  const float* pgamma = gamma.defined() ? gamma.data_ptr<float>() : nullptr;
  const bool per_example_gamma = gamma.defined() && gamma.numel() == n * c;
  float *pdx = dx.data_ptr<float>(), *pdy_xhat = dy_xhat.data_ptr<float>(), *pdy_sum = dy_sum.data_ptr<float>();
  const int64_t tasks = n * chunks.per_example;
  std::vector<double> partial_dy_xhat(tasks * c, 0.0), partial_dy(tasks * c, 0.0), total_dy_xhat, total_dy;
  chunks.ForEach([&](int64_t i, int64_t first, int64_t count, int64_t task) {
    const int64_t at = (i * rows + first) * c;
    InGradSumRows(pdy + at, pxhat + at, count, c, partial_dy_xhat.data() + task * c, partial_dy.data() + task * c);
  });
  chunks.Totals(partial_dy_xhat, total_dy_xhat);
  chunks.Totals(partial_dy, total_dy);
  std::vector<float> scale(n * c), dy_mean(n * c), dy_xhat_mean(n * c);
  for (int64_t k = 0; k < n * c; ++k) {
    pdy_xhat[k] = static_cast<float>(total_dy_xhat[k]);
    pdy_sum[k] = static_cast<float>(total_dy[k]);
    dy_xhat_mean[k] = static_cast<float>(total_dy_xhat[k] / rows);
    dy_mean[k] = static_cast<float>(total_dy[k] / rows);
    scale[k] = pgamma != nullptr ? pr[k] * pgamma[per_example_gamma ? k : k % c] : pr[k];
  }
  chunks.ForEach([&](int64_t i, int64_t first, int64_t count, int64_t) {
    const int64_t at = (i * rows + first) * c;
    InGradInputRows(pdy + at, pxhat + at, count, c, scale.data() + i * c, dy_mean.data() + i * c, dy_xhat_mean.data() + i * c, pdx + at);
  });
  return ReturnTensors(info, {dx, dy_xhat, dy_sum});
}

}  // namespace

GANTRY_OP("instanceNorm", InstanceNorm);
GANTRY_OP("instanceNormGrad", InstanceNormGrad);

}  // namespace gantry
