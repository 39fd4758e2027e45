// Bilinear and nearest-neighbour resizing of NHWC images with tfjs's exact sampling rules
// (alignCorners, halfPixelCenters, legacy top-left mode), and their gradients as true adjoints.
// ATen's upsample kernels lack tfjs's legacy mode, so resizing is done separably: gather rows or
// columns with index_select, blend with per-row/column weights; gradients scatter with index_add.
#include <ATen/ATen.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "registry.h"

namespace gantry {
namespace {

// Source-to-destination scale as tfjs computes it.
double SizeRatio(int64_t in_size, int64_t out_size, bool align_corners) {
  const bool aligned = align_corners && out_size > 1;
  return static_cast<double>(aligned ? in_size - 1 : in_size) /
         static_cast<double>(aligned ? out_size - 1 : out_size);
}

// For every output position along one axis: the two source indices and the weight of the second.
struct LinearTaps {
  at::Tensor low, high, frac;  // int64 [out], int64 [out], float [out]
};

LinearTaps BilinearTaps(int64_t in_size, int64_t out_size, bool align_corners, bool half_pixel,
                        const at::TensorOptions& float_options) {
  const double ratio = SizeRatio(in_size, out_size, align_corners);
  std::vector<int64_t> low(out_size), high(out_size);
  std::vector<float> frac(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    const double src = half_pixel ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(src)));
    low[i] = std::min(lo, in_size - 1);
    high[i] = std::min<int64_t>(in_size - 1, static_cast<int64_t>(std::ceil(src)));
    high[i] = std::max<int64_t>(0, high[i]);
    frac[i] = static_cast<float>(src - static_cast<double>(lo));
  }
  const auto long_options = at::TensorOptions().dtype(at::kLong);
  return {at::tensor(low, long_options), at::tensor(high, long_options),
          at::tensor(frac, float_options.dtype(at::kFloat)).to(float_options.dtype())};
}

at::Tensor NearestTaps(int64_t in_size, int64_t out_size, bool align_corners, bool half_pixel) {
  const double ratio = SizeRatio(in_size, out_size, align_corners);
  std::vector<int64_t> index(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    const double src = half_pixel ? ratio * (i + 0.5) : ratio * i;
    // Math.round rounds halves up; for non-negative src that is floor(src + 0.5).
    int64_t nearest = static_cast<int64_t>(align_corners ? std::floor(src + 0.5) : std::floor(src));
    nearest = std::min(in_size - 1, nearest);
    if (half_pixel) nearest = std::max<int64_t>(0, nearest);
    index[i] = nearest;
  }
  return at::tensor(index, at::TensorOptions().dtype(at::kLong));
}

// Weight tensor shaped to broadcast along `dim` of a rank-4 NHWC tensor.
at::Tensor AlongDim(const at::Tensor& weights, int64_t dim) {
  std::vector<int64_t> shape{1, 1, 1, 1};
  shape[dim] = weights.numel();
  return weights.reshape(shape);
}

// Linear interpolation along one axis of an NHWC tensor.
at::Tensor LerpAxis(const at::Tensor& x, int64_t dim, const LinearTaps& taps) {
  at::Tensor a = x.index_select(dim, taps.low);
  at::Tensor b = x.index_select(dim, taps.high);
  return at::lerp(a, b, AlongDim(taps.frac, dim));
}

// Adjoint of LerpAxis: spreads g (size out along dim) back onto in_size positions.
at::Tensor LerpAxisAdjoint(const at::Tensor& g, int64_t dim, const LinearTaps& taps, int64_t in_size) {
  std::vector<int64_t> shape = g.sizes().vec();
  shape[dim] = in_size;
  at::Tensor frac = AlongDim(taps.frac, dim);
  at::Tensor out = at::zeros(shape, g.options());
  out.index_add_(dim, taps.low, g * (1 - frac));
  out.index_add_(dim, taps.high, g * frac);
  return out;
}

void CheckImages(const at::Tensor& x, const char* name) {
  if (x.dim() != 4) {
    throw std::invalid_argument(std::string(name) + " must be rank 4 NHWC, got rank " +
                                std::to_string(x.dim()));
  }
}

// resizeBilinear(images, newHeight, newWidth, alignCorners, halfPixelCenters)
Napi::Value ResizeBilinear(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  CheckImages(x, "images");
  const int64_t out_h = IntArg(info, 1), out_w = IntArg(info, 2);
  const bool align = BoolArg(info, 3), half = BoolArg(info, 4);
  at::Tensor images = x.is_floating_point() ? x : x.to(at::kFloat);
  // Columns first, then rows: the order tfjs's cpu kernel blends in.
  at::Tensor cols = LerpAxis(images, 2, BilinearTaps(x.size(2), out_w, align, half, images.options()));
  return ReturnTensor(info, LerpAxis(cols, 1, BilinearTaps(x.size(1), out_h, align, half, images.options())));
}

// resizeBilinearGrad(dy, images, alignCorners, halfPixelCenters)
Napi::Value ResizeBilinearGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = TensorArg(info, 0);
  const at::Tensor& x = TensorArg(info, 1);
  CheckImages(dy, "dy");
  CheckImages(x, "images");
  const bool align = BoolArg(info, 2), half = BoolArg(info, 3);
  LinearTaps rows = BilinearTaps(x.size(1), dy.size(1), align, half, dy.options());
  LinearTaps cols = BilinearTaps(x.size(2), dy.size(2), align, half, dy.options());
  at::Tensor g = LerpAxisAdjoint(dy, 1, rows, x.size(1));
  return ReturnTensor(info, LerpAxisAdjoint(g, 2, cols, x.size(2)));
}

// resizeNearestNeighbor(images, newHeight, newWidth, alignCorners, halfPixelCenters)
Napi::Value ResizeNearest(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  CheckImages(x, "images");
  const int64_t out_h = IntArg(info, 1), out_w = IntArg(info, 2);
  const bool align = BoolArg(info, 3), half = BoolArg(info, 4);
  at::Tensor rows = x.index_select(1, NearestTaps(x.size(1), out_h, align, half));
  return ReturnTensor(info, rows.index_select(2, NearestTaps(x.size(2), out_w, align, half)));
}

// resizeNearestNeighborGrad(dy, images, alignCorners, halfPixelCenters)
Napi::Value ResizeNearestGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = TensorArg(info, 0);
  const at::Tensor& x = TensorArg(info, 1);
  CheckImages(dy, "dy");
  CheckImages(x, "images");
  const bool align = BoolArg(info, 2), half = BoolArg(info, 3);
  at::Tensor row_index = NearestTaps(x.size(1), dy.size(1), align, half);
  at::Tensor col_index = NearestTaps(x.size(2), dy.size(2), align, half);
  at::Tensor g = at::zeros({dy.size(0), x.size(1), dy.size(2), dy.size(3)}, dy.options());
  g.index_add_(1, row_index, dy);
  at::Tensor dx = at::zeros({dy.size(0), x.size(1), x.size(2), dy.size(3)}, dy.options());
  dx.index_add_(2, col_index, g);
  return ReturnTensor(info, dx);
}

}  // namespace

GANTRY_OP("resizeBilinear", ResizeBilinear);
GANTRY_OP("resizeBilinearGrad", ResizeBilinearGrad);
GANTRY_OP("resizeNearestNeighbor", ResizeNearest);
GANTRY_OP("resizeNearestNeighborGrad", ResizeNearestGrad);

}  // namespace gantry
