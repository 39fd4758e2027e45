// GAN-TTS's conditional batch norm + ReLU (the kernels GantryConditionalBatchNormRelu and its Grad of
// @gantry/kernels), training mode, on x [N, ..., C] (channels last) viewed as [N, M, C]:
//   mean, variance: per channel over N and M (biased variance, as tfjs's moments)
//   y = max((x - mean) s + t, 0),  s = (1 + g) (gamma r),  t = (1 + g) beta + h,  r = 1 / sqrt(variance + eps)
// with [g, h] = params = z kernel + bias [N, 2C] per example and channel (the noise's linear projection, one
// addmm here, its gradients two small products and a sum in the backward). Composed from ATen ops this is ~8 full-tensor
// passes each way plus broadcasts (and ~40 tfjs kernel calls per use in @gantry/core's plain form); here
// the forward is three passes (sum, squared deviations, output) and the backward two (the per-example
// sums, then dx), each a loop over channels that GCC vectorizes. Sums accumulate in double per example,
// so the result does not depend on the thread count (examples are split across ATen's threads, and the
// per-example partial sums are added in example order). The forward also returns the moving averages of
// mean and variance updated with the batch's (six tfjs kernel calls per use otherwise).
#pragma GCC optimize("O3")

#define GANTRY_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "norm_loops.h"
#include "ops_common.h"
#include "registry.h"

namespace gantry {

// dy where y > 0, else +0 (PyTorch's threshold_backward; also for a NaN or infinite dy), as a bit mask: GCC 12
// compiles a ternary here (dy or 0, and dy times 1 or 0 alike) to a branch, which keeps the loops below scalar
// and is mispredicted on half of a ReLU's outputs.
inline float ReluGrad(float dy, float y) {
  uint32_t bits;
  std::memcpy(&bits, &dy, sizeof bits);
  bits &= 0u - static_cast<uint32_t>(y > 0.f);
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

// Row loops: one example's [M, C] block, channels innermost, __restrict so that GCC vectorizes the channel
// loop (checked with -fopt-info-vec: all five). External linkage for target_clones' ifunc.
GANTRY_VECTOR_CLONES void CbnOutputRows(const float* __restrict x, int64_t rows, int64_t c, const float* __restrict mean, const float* __restrict s,
                                        const float* __restrict t, float* __restrict y) {
  for (int64_t m = 0; m < rows; ++m) {
    const float* __restrict row = x + m * c;
    float* __restrict out = y + m * c;
    for (int64_t k = 0; k < c; ++k) {
      const float u = (row[k] - mean[k]) * s[k] + t[k];
      out[k] = u < 0.f ? 0.f : u;  // ReLU; NaN stays NaN, as ATen's relu
    }
  }
}

// The ReLU's gradient du = ReluGrad(dy, y), and per channel sum(du (x - mean)) and sum(du).
GANTRY_VECTOR_CLONES void CbnGradSumRows(const float* __restrict dy, const float* __restrict x, const float* __restrict y, int64_t rows, int64_t c,
                                         const float* __restrict mean, double* __restrict d_scale, double* __restrict d_shift) {
  for (int64_t m = 0; m < rows; ++m) {
    const int64_t row = m * c;
    for (int64_t k = 0; k < c; ++k) {
      const float du = ReluGrad(dy[row + k], y[row + k]);
      d_scale[k] += static_cast<double>(du * (x[row + k] - mean[k]));
      d_shift[k] += static_cast<double>(du);
    }
  }
}

GANTRY_VECTOR_CLONES void CbnGradInputRows(const float* __restrict dy, const float* __restrict x, const float* __restrict y, int64_t rows, int64_t c,
                                           const float* __restrict mean, const float* __restrict s, const float* __restrict var_term,
                                           const float* __restrict mean_term, float* __restrict dx) {
  for (int64_t m = 0; m < rows; ++m) {
    const int64_t row = m * c;
    for (int64_t k = 0; k < c; ++k) {
      const float du = ReluGrad(dy[row + k], y[row + k]);
      dx[row + k] = du * s[k] + (x[row + k] - mean[k]) * var_term[k] - mean_term[k];
    }
  }
}

namespace {

struct Dims {
  int64_t n, rows, c;
};

const at::Tensor& Float32Arg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  const at::Tensor& t = TensorArg(info, index);
  if (t.scalar_type() != at::kFloat) throw std::invalid_argument(std::string("conditionalBatchNormRelu: ") + what + " must be float32");
  return t;
}

void CheckSize(const at::Tensor& t, std::vector<int64_t> sizes, const char* what) {
  if (t.sizes() != at::IntArrayRef(sizes)) {
    throw std::invalid_argument(std::string("conditionalBatchNormRelu: ") + what + " has shape " + c10::str(t.sizes()) +
                                ", expected " + c10::str(at::IntArrayRef(sizes)));
  }
}

// x [N, ..., C] with z [N, Z], kernel [Z, 2C], bias [2C], gamma and beta [C].
Dims CheckInputs(const at::Tensor& x, const at::Tensor& z, const at::Tensor& kernel, const at::Tensor& bias, const at::Tensor& gamma,
                 const at::Tensor& beta) {
  if (x.dim() < 2) throw std::invalid_argument("conditionalBatchNormRelu: x must be [N, ..., C]");
  if (z.dim() != 2) throw std::invalid_argument("conditionalBatchNormRelu: z must be [N, Z]");
  const int64_t n = x.size(0), c = x.size(-1);
  const int64_t rows = n * c == 0 ? 0 : x.numel() / (n * c);
  CheckSize(z, {n, z.size(1)}, "z");
  CheckSize(kernel, {z.size(1), 2 * c}, "kernel");
  CheckSize(bias, {2 * c}, "bias");
  CheckSize(gamma, {c}, "gamma");
  CheckSize(beta, {c}, "beta");
  return {n, rows, c};
}

// params = z kernel + bias [N, 2C], as GantryDense computes it
at::Tensor Params(const at::Tensor& z, const at::Tensor& kernel, const at::Tensor& bias) {
  return at::addmm(bias, z, kernel).contiguous();
}

// r = 1 / sqrt(variance + eps) in float32 as the composed form computes it.
std::vector<float> Reciprocal(const float* variance, int64_t c, double eps) {
  std::vector<float> r(c);
  for (int64_t k = 0; k < c; ++k) r[k] = 1.f / std::sqrt(variance[k] + static_cast<float>(eps));
  return r;
}

// s and t [N, C] in the composed form's float32 order: s = (1 + g) (gamma r), t = (1 + g) beta + h.
void ScaleShift(const float* params, const float* gamma, const float* beta, const std::vector<float>& r, const Dims& d, float* s, float* t) {
  for (int64_t i = 0; i < d.n; ++i) {
    const float* g = params + i * 2 * d.c;
    const float* h = g + d.c;
    for (int64_t k = 0; k < d.c; ++k) {
      const float one_plus_g = g[k] + 1.f;
      s[i * d.c + k] = one_plus_g * (gamma[k] * r[k]);
      t[i * d.c + k] = one_plus_g * beta[k] + h[k];
    }
  }
}

// Per-example sums of rows(x_i) into partial [N, C] (zeroed here), then their total in example order.
template <typename RowFn>
std::vector<double> ChannelTotals(const Dims& d, RowFn rows_of, double* partial) {
  std::fill(partial, partial + d.n * d.c, 0.0);
  at::parallel_for(0, d.n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) rows_of(i, partial + i * d.c);
  });
  std::vector<double> total(d.c, 0.0);
  for (int64_t i = 0; i < d.n; ++i) {
    for (int64_t k = 0; k < d.c; ++k) total[k] += partial[i * d.c + k];
  }
  return total;
}

// moving - (moving - batch) (1 - momentum) in float32, in the order of tfjs-layers' BatchNormalization (and of core's tfjs-ops form)
at::Tensor MovingAverage(const at::Tensor& moving, const at::Tensor& batch, double momentum) {
  at::Tensor out = at::empty_like(moving);
  const float* pm = moving.data_ptr<float>();
  const float* pb = batch.data_ptr<float>();
  float* po = out.data_ptr<float>();
  const float rate = static_cast<float>(1.0 - momentum);
  for (int64_t k = 0; k < moving.numel(); ++k) po[k] = pm[k] - (pm[k] - pb[k]) * rate;
  return out;
}

// conditionalBatchNormRelu(x, z, kernel, bias, gamma, beta, movingMean, movingVariance, eps, momentum)
//   -> [y, mean [C], variance [C], movingMean' [C], movingVariance' [C]]
Napi::Value ConditionalBatchNormRelu(const Napi::CallbackInfo& info) {
  const at::Tensor x = Float32Arg(info, 0, "x").contiguous();
  const at::Tensor& z = Float32Arg(info, 1, "z");
  const at::Tensor& kernel = Float32Arg(info, 2, "kernel");
  const at::Tensor& bias = Float32Arg(info, 3, "bias");
  const at::Tensor gamma = Float32Arg(info, 4, "gamma").contiguous();
  const at::Tensor beta = Float32Arg(info, 5, "beta").contiguous();
  const at::Tensor moving_mean = Float32Arg(info, 6, "movingMean").contiguous();
  const at::Tensor moving_variance = Float32Arg(info, 7, "movingVariance").contiguous();
  const double eps = DoubleArg(info, 8);
  const double momentum = DoubleArg(info, 9);
  const Dims d = CheckInputs(x, z, kernel, bias, gamma, beta);
  CheckSize(moving_mean, {d.c}, "movingMean");
  CheckSize(moving_variance, {d.c}, "movingVariance");
  const at::TensorOptions floats = x.options();
  at::Tensor mean = at::empty({d.c}, floats), variance = at::empty({d.c}, floats);
  at::Tensor y = at::empty(x.sizes(), floats);
  const int64_t count = d.n * d.rows;
  if (count == 0) {
    mean.fill_(NAN);
    variance.fill_(NAN);
    return ReturnTensors(info, {y, mean, variance, MovingAverage(moving_mean, mean, momentum), MovingAverage(moving_variance, variance, momentum)});
  }
  const float* px = x.data_ptr<float>();
  const int64_t block = d.rows * d.c;
  std::vector<double> partial(d.n * d.c);
  float* pm = mean.data_ptr<float>();
  float* pv = variance.data_ptr<float>();
  const std::vector<double> sums = ChannelTotals(d, [&](int64_t i, double* acc) { NormSumRows(px + i * block, d.rows, d.c, acc); }, partial.data());
  for (int64_t k = 0; k < d.c; ++k) pm[k] = static_cast<float>(sums[k] / count);
  const std::vector<double> squares = ChannelTotals(d, [&](int64_t i, double* acc) { NormSquaredDeviationRows(px + i * block, d.rows, d.c, pm, acc); },
                                                    partial.data());
  for (int64_t k = 0; k < d.c; ++k) pv[k] = static_cast<float>(squares[k] / count);

  const std::vector<float> r = Reciprocal(pv, d.c, eps);
  std::vector<float> s(d.n * d.c), t(d.n * d.c);
  const at::Tensor params = Params(z, kernel, bias);
  ScaleShift(params.data_ptr<float>(), gamma.data_ptr<float>(), beta.data_ptr<float>(), r, d, s.data(), t.data());
  float* py = y.data_ptr<float>();
  at::parallel_for(0, d.n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) CbnOutputRows(px + i * block, d.rows, d.c, pm, s.data() + i * d.c, t.data() + i * d.c, py + i * block);
  });
  return ReturnTensors(info, {y, mean, variance, MovingAverage(moving_mean, mean, momentum), MovingAverage(moving_variance, variance, momentum)});
}

// conditionalBatchNormReluGrad(dy, x, y, z, kernel, bias, gamma, beta, mean, variance, eps)
//   -> [dx, dz [N, Z], dKernel [Z, 2C], dBias [2C], dGamma [C], dBeta [C]]
// (mean and variance are the forward's batch statistics, y its output).
Napi::Value ConditionalBatchNormReluGrad(const Napi::CallbackInfo& info) {
  const at::Tensor dy = Float32Arg(info, 0, "dy").contiguous();
  const at::Tensor x = Float32Arg(info, 1, "x").contiguous();
  const at::Tensor y = Float32Arg(info, 2, "y").contiguous();
  const at::Tensor& z = Float32Arg(info, 3, "z");
  const at::Tensor& kernel = Float32Arg(info, 4, "kernel");
  const at::Tensor& bias = Float32Arg(info, 5, "bias");
  const at::Tensor gamma = Float32Arg(info, 6, "gamma").contiguous();
  const at::Tensor beta = Float32Arg(info, 7, "beta").contiguous();
  const at::Tensor mean = Float32Arg(info, 8, "mean").contiguous();
  const at::Tensor variance = Float32Arg(info, 9, "variance").contiguous();
  const double eps = DoubleArg(info, 10);
  const Dims d = CheckInputs(x, z, kernel, bias, gamma, beta);
  const at::Tensor params = Params(z, kernel, bias);
  CheckSize(dy, x.sizes().vec(), "dy");
  CheckSize(y, x.sizes().vec(), "y");
  CheckSize(mean, {d.c}, "mean");
  CheckSize(variance, {d.c}, "variance");
  const at::TensorOptions floats = x.options();
  at::Tensor dx = at::empty(x.sizes(), floats);
  at::Tensor d_params = at::empty({d.n, 2 * d.c}, floats);
  at::Tensor d_gamma = at::empty({d.c}, floats), d_beta = at::empty({d.c}, floats);
  const int64_t count = d.n * d.rows;
  const int64_t block = d.rows * d.c;
  const float *pdy = dy.data_ptr<float>(), *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pm = mean.data_ptr<float>();
  const float *pg = gamma.data_ptr<float>(), *pb = beta.data_ptr<float>(), *pp = params.data_ptr<float>();

  // per example and channel: dScale = sum(du (x - mean)), dShift = sum(du)
  std::vector<double> d_scale(d.n * d.c, 0.0), d_shift(d.n * d.c, 0.0);
  at::parallel_for(0, d.n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      CbnGradSumRows(pdy + i * block, px + i * block, py + i * block, d.rows, d.c, pm, d_scale.data() + i * d.c, d_shift.data() + i * d.c);
    }
  });
  const std::vector<float> r = Reciprocal(variance.data_ptr<float>(), d.c, eps);
  std::vector<float> s(d.n * d.c), t(d.n * d.c);
  ScaleShift(pp, pg, pb, r, d, s.data(), t.data());
  // s = (1 + g) gamma r and t = (1 + g) beta + h: d(1 + g) = dScale gamma r + dShift beta, dh = dShift;
  // d(gamma r) = sum_i dScale (1 + g), dBeta = sum_i dShift (1 + g)
  std::vector<double> d_gamma_r(d.c, 0.0), d_beta_sum(d.c, 0.0), shift_through_scale(d.c, 0.0);
  float* pdp = d_params.data_ptr<float>();
  for (int64_t i = 0; i < d.n; ++i) {
    for (int64_t k = 0; k < d.c; ++k) {
      const int64_t idx = i * d.c + k;
      const double one_plus_g = static_cast<double>(pp[i * 2 * d.c + k]) + 1.0;
      pdp[i * 2 * d.c + k] = static_cast<float>(d_scale[idx] * pg[k] * r[k] + d_shift[idx] * pb[k]);
      pdp[i * 2 * d.c + d.c + k] = static_cast<float>(d_shift[idx]);
      d_gamma_r[k] += d_scale[idx] * one_plus_g;
      d_beta_sum[k] += d_shift[idx] * one_plus_g;
      shift_through_scale[k] += static_cast<double>(s[idx]) * d_shift[idx];
    }
  }
  // r = (variance + eps)^-1/2 with variance = mean((x - mean)^2): d(x - mean) gets (x - mean) dGammaR gamma (-r^3 / count);
  // x - mean then passes on its input gradient less that gradient's mean (the variance's part has mean zero)
  std::vector<float> var_term(d.c), mean_term(d.c);
  float *pdg = d_gamma.data_ptr<float>(), *pdb = d_beta.data_ptr<float>();
  for (int64_t k = 0; k < d.c; ++k) {
    const double rk = r[k];
    pdg[k] = static_cast<float>(d_gamma_r[k] * rk);
    pdb[k] = static_cast<float>(d_beta_sum[k]);
    var_term[k] = count == 0 ? 0.f : static_cast<float>(d_gamma_r[k] * pg[k] * (-rk * rk * rk / count));
    mean_term[k] = count == 0 ? 0.f : static_cast<float>(shift_through_scale[k] / count);
  }
  float* pdx = dx.data_ptr<float>();
  at::parallel_for(0, d.n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      CbnGradInputRows(pdy + i * block, px + i * block, py + i * block, d.rows, d.c, pm, s.data() + i * d.c, var_term.data(), mean_term.data(),
                       pdx + i * block);
    }
  });
  // params = z kernel + bias
  return ReturnTensors(info, {dx, at::mm(d_params, kernel.t()), at::mm(z.t(), d_params), d_params.sum(0), d_gamma, d_beta});
}

}  // namespace

GANTRY_OP("conditionalBatchNormRelu", ConditionalBatchNormRelu);
GANTRY_OP("conditionalBatchNormReluGrad", ConditionalBatchNormReluGrad);

}  // namespace gantry
