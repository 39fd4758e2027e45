// Max and average pooling with their gradients on ATen, NHWC in and out through channels_last
// views. tfjs's average excludes padding from the divisor; where ATen's symmetric padding cannot
// express tfjs's window we pad explicitly, sum-pool, and divide by the count of real pixels.
#include <ATen/ATen.h>
#include <napi.h>

#include <limits>
#include <stdexcept>

#include "conv_window.h"
#include "registry.h"

namespace gantry {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ATen's own padding is usable: symmetric, tfjs's output size, and within ATen's half-window limit.
bool AtenPaddingFits(const Window2d& g, int64_t h, int64_t w, bool average) {
  if (!g.SymmetricFits(h, w)) return false;
  if (average) return g.top <= g.kh / 2 && g.left <= g.kw / 2 && g.dh == 1 && g.dw == 1;
  return g.top <= g.EffKh() / 2 && g.left <= g.EffKw() / 2;
}

// tfjs's max pooling skips NaN (a NaN is never greater than the running maximum); ATen's
// propagates it. Mapping NaN to -inf reproduces tfjs, and costs a pass only when NaN is present.
at::Tensor WithoutNaN(const at::Tensor& x) {
  if (!x.isnan().any().item<bool>()) return x;
  const double inf = std::numeric_limits<double>::infinity();
  return at::nan_to_num(x, -inf, inf, -inf);
}

// maxPool(x, window)
Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  const Window2d g = WindowArg(info, 1);
  // tfjs returns a 1x1 pool that keeps the shape unchanged as is (NaN included).
  if (g.kh == 1 && g.kw == 1 && g.out_h == x.size(1) && g.out_w == x.size(2)) {
    return ReturnTensor(info, x.clone());
  }
  at::Tensor input = NchwView(WithoutNaN(x));
  const int64_t h = input.size(2), w = input.size(3);
  at::Tensor y;
  if (AtenPaddingFits(g, h, w, false)) {
    y = at::max_pool2d(input, g.Kernel(), g.Stride(), g.Padding(), g.Dilation(), false);
  } else {
    y = at::max_pool2d(PadOrCrop(input, g.PadSpec(h, w), kNegInf), g.Kernel(), g.Stride(), {0, 0},
                       g.Dilation(), false);
  }
  return ReturnTensor(info, NhwcView(y));
}

// maxPoolGrad(dy, x, window): dy goes to the first maximum of each window, as tfjs's cpu kernel.
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  at::Tensor dy = NchwView(TensorArg(info, 0));
  at::Tensor input = NchwView(WithoutNaN(TensorArg(info, 1)));
  const Window2d g = WindowArg(info, 2);
  const int64_t h = input.size(2), w = input.size(3);
  const bool direct = AtenPaddingFits(g, h, w, false);
  at::Tensor source = direct ? input : PadOrCrop(input, g.PadSpec(h, w), kNegInf);
  std::vector<int64_t> padding = direct ? g.Padding() : std::vector<int64_t>{0, 0};
  auto pooled = at::max_pool2d_with_indices(source, g.Kernel(), g.Stride(), padding, g.Dilation(), false);
  // A window with no value above -inf (all -inf or NaN) has no maximum for tfjs: its dy is dropped.
  at::Tensor empty_window = std::get<0>(pooled) == kNegInf;
  if (empty_window.any().item<bool>()) dy = dy.masked_fill(empty_window, 0);
  at::Tensor dx = at::max_pool2d_with_indices_backward(dy, source, g.Kernel(), g.Stride(), padding,
                                                       g.Dilation(), false, std::get<1>(pooled));
  if (!direct) dx = PadOrCrop(dx, g.CropSpec(h, w));
  return ReturnTensor(info, NhwcView(dx));
}

// Number of real (unpadded) pixels under each output window, shape [1, 1, outH, outW].
at::Tensor WindowCounts(const Window2d& g, int64_t h, int64_t w, const at::TensorOptions& options) {
  at::Tensor ones = PadOrCrop(at::ones({1, 1, h, w}, options), g.PadSpec(h, w));
  return at::avg_pool2d(ones, g.Kernel(), g.Stride(), {0, 0}, false, true, 1);
}

// avgPool(x, window)
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  at::Tensor input = NchwView(TensorArg(info, 0));
  const Window2d g = WindowArg(info, 1);
  const int64_t h = input.size(2), w = input.size(3);
  if (g.dh != 1 || g.dw != 1) throw std::invalid_argument("avgPool supports no dilation");
  at::Tensor y;
  if (AtenPaddingFits(g, h, w, true)) {
    y = at::avg_pool2d(input, g.Kernel(), g.Stride(), g.Padding(), false, false);
  } else {
    at::Tensor sums = at::avg_pool2d(PadOrCrop(input, g.PadSpec(h, w)), g.Kernel(), g.Stride(), {0, 0},
                                     false, true, 1);
    y = sums.div_(WindowCounts(g, h, w, input.options()));
  }
  return ReturnTensor(info, NhwcView(y));
}

// avgPoolGrad(dy, x, window). tfjs's kernels (and tfjs-core's own gradient tests) spread dy/(kh*kw)
// over the window's real pixels: the forward excludes padding from the divisor, this gradient
// does not. We follow tfjs, not the exact adjoint, so results agree across tfjs backends.
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  at::Tensor dy = NchwView(TensorArg(info, 0));
  at::Tensor input = NchwView(TensorArg(info, 1));
  const Window2d g = WindowArg(info, 2);
  const int64_t h = input.size(2), w = input.size(3);
  if (g.dh != 1 || g.dw != 1) throw std::invalid_argument("avgPoolGrad supports no dilation");
  const int64_t window_size = g.kh * g.kw;
  at::Tensor dx;
  if (AtenPaddingFits(g, h, w, true)) {
    dx = at::avg_pool2d_backward(dy, input, g.Kernel(), g.Stride(), g.Padding(), false, true, window_size);
  } else {
    // Only the padded input's sizes matter to the backward of a pool.
    const int64_t hp = h + g.top + g.BottomFor(h), wp = w + g.left + g.RightFor(w);
    at::Tensor padded_like = at::empty({input.size(0), input.size(1), hp, wp},
                                       input.options().memory_format(at::MemoryFormat::ChannelsLast));
    dx = PadOrCrop(at::avg_pool2d_backward(dy, padded_like, g.Kernel(), g.Stride(), {0, 0}, false, true,
                                           window_size),
                   g.CropSpec(h, w));
  }
  return ReturnTensor(info, NhwcView(dx));
}

}  // namespace

GANTRY_OP("maxPool", MaxPool);
GANTRY_OP("maxPoolGrad", MaxPoolGrad);
GANTRY_OP("avgPool", AvgPool);
GANTRY_OP("avgPoolGrad", AvgPoolGrad);

}  // namespace gantry
