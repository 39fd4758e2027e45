// 2-D convolution (plain, depthwise, fused bias + activation) and its two backward kernels on
// ATen. Data stays NHWC: ATen sees it through channels_last views, so no layout copies are made
// unless tfjs's padding is asymmetric.
#include <ATen/ATen.h>
#include <napi.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "conv_window.h"
#include "registry.h"
#include "transpose.h"

namespace gantry {
namespace {

// tfjs filter -> ATen weight [co, ci/groups, kh, kw] in channels_last memory ([co][kh][kw][ci]).
// conv2d:    [kh, kw, ci, co]   is the matrix [kh*kw*ci, co]; its transpose is [co][kh][kw][ci]
// depthwise: [kh, kw, ci, mult] is the matrix [kh*kw, ci*mult]; its transpose is [ci*mult][kh][kw][1]
// A permuted view of the filter (co innermost) has no fast path in oneDNN: libtorch 1.13 then reorders
// it element by element in every convolution and both gradients (5-10x the work of the convolution
// itself at 512 -> 512 channels, 4 x 4 pixels, batch 1); one tiled transpose per call is far cheaper.
at::Tensor AtenWeight(const at::Tensor& filter, bool depthwise) {
  if (filter.dim() != 4) {
    throw std::invalid_argument("filter must be rank 4 [kh, kw, ci, co], got rank " +
                                std::to_string(filter.dim()));
  }
  const int64_t kh = filter.size(0), kw = filter.size(1);
  const int64_t co = depthwise ? filter.size(2) * filter.size(3) : filter.size(3);
  const int64_t ci = depthwise ? 1 : filter.size(2);
  return TransposedCopy(filter.reshape({kh * kw * ci, co})).view({co, kh, kw, ci}).permute({0, 3, 1, 2});
}

// AtenWeight, kept while the filter lives unchanged. A training step uses each filter in at least two
// kernels (the forward convolution and its input gradient), a generator applied to several batches in
// more, and each conversion reads and writes the whole filter through memory (cyclegan64: about 45 ms of a
// 1 s step). A filter is unchanged while its TensorImpl lives at the same version: the kernels that write
// an existing tensor in place (adamUpdate, distWait) bump its version. Entries hold the TensorImpl weakly,
// so its address is not reused while an entry names it; dead filters' entries go at the next miss.
constexpr int64_t kWeightCacheBytes = int64_t{512} << 20;

struct CachedWeight {
  c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl> filter;
  uint32_t version;
  bool depthwise;
  at::Tensor weight;
};

at::Tensor CachedAtenWeight(const at::Tensor& filter, bool depthwise) {
  static std::unordered_map<const c10::TensorImpl*, CachedWeight> cache;
  static int64_t cached_bytes = 0;
  if (filter.is_inference()) return AtenWeight(filter, depthwise);
  const c10::TensorImpl* key = filter.unsafeGetTensorImpl();
  const uint32_t version = key->version_counter().current_version();
  auto hit = cache.find(key);
  if (hit != cache.end() && hit->second.version == version && hit->second.depthwise == depthwise) {
    return hit->second.weight;
  }
  for (auto it = cache.begin(); it != cache.end();) {
    if (it->first == key || it->second.filter.expired()) {
      cached_bytes -= it->second.weight.nbytes();
      it = cache.erase(it);
    } else {
      ++it;
    }
  }
  at::Tensor weight = AtenWeight(filter, depthwise);
  if (cached_bytes + static_cast<int64_t>(weight.nbytes()) <= kWeightCacheBytes) {
    cached_bytes += weight.nbytes();
    cache.emplace(key, CachedWeight{c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>(filter.getIntrusivePtr()),
                                    version, depthwise, weight});
  }
  return weight;
}

// ATen weight gradient [co, ci, kh, kw] -> tfjs filter layout, contiguous (the optimizer reads it next).
at::Tensor TfjsFilter(const at::Tensor& weight, bool depthwise, at::IntArrayRef filter_shape) {
  const int64_t co = weight.size(0), ci = weight.size(1), kh = weight.size(2), kw = weight.size(3);
  // channels_last memory [co][kh][kw][ci] is the matrix [co, kh*kw*ci] whose transpose is tfjs's
  if (weight.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return TransposedCopy(weight.permute({0, 2, 3, 1}).reshape({co, kh * kw * ci})).view(filter_shape);
  }
  if (!depthwise) return weight.permute({2, 3, 1, 0}).contiguous();
  return weight.permute({2, 3, 0, 1}).reshape(filter_shape);
}

// Convolutions over at most this many output positions (batch x height x width: a U-Net's innermost
// layers at batch 1, x [1,4,4,512] -> [1,2,2,1024]) run as one matrix product with the filter in tfjs's
// own [kh*kw*ci, co] layout. libtorch 1.13 spends 30-310 ms CPU on each of these (one thread): it
// copies and reorders the whole weight, up to 32 MB, for a handful of positions; the products take 1-2
// ms (pix2pix64: docs/benchmarks.md).
constexpr int64_t kPatchPositions = 64;

bool UsePatches(const at::Tensor& x_or_dy, const Window2d& g, bool depthwise) {
  return !depthwise && x_or_dy.scalar_type() == at::kFloat && x_or_dy.size(0) * g.out_h * g.out_w <= kPatchPositions;
}

// Padded height and width of an NHWC input of h x w that every window of g reads within.
int64_t PaddedH(const Window2d& g, int64_t h) { return g.top + h + std::max<int64_t>(g.BottomFor(h), 0); }
int64_t PaddedW(const Window2d& g, int64_t w) { return g.left + w + std::max<int64_t>(g.RightFor(w), 0); }

// The kh * kw taps of g over a padded NHWC tensor: tap (ky, kx) is [N, out_h, out_w, C], strided views.
std::vector<at::Tensor> Taps(const at::Tensor& padded, const Window2d& g) {
  std::vector<at::Tensor> taps;
  taps.reserve(g.kh * g.kw);
  for (int64_t ky = 0; ky < g.kh; ++ky) {
    for (int64_t kx = 0; kx < g.kw; ++kx) {
      taps.push_back(padded.slice(1, ky * g.dh, ky * g.dh + (g.out_h - 1) * g.sh + 1, g.sh)
                         .slice(2, kx * g.dw, kx * g.dw + (g.out_w - 1) * g.sw + 1, g.sw));
    }
  }
  return taps;
}

// Patches of an NHWC input: [positions, kh*kw*ci], columns in tfjs's filter order (ky, kx, ci).
at::Tensor Patches(const at::Tensor& x, const Window2d& g) {
  const int64_t h = x.size(1), w = x.size(2);
  const at::Tensor padded = at::constant_pad_nd(
      x, {0, 0, g.left, PaddedW(g, w) - g.left - w, g.top, PaddedH(g, h) - g.top - h});
  return at::stack(Taps(padded, g), 3).reshape({x.size(0) * g.out_h * g.out_w, g.kh * g.kw * x.size(3)});
}

// The filter [kh, kw, ci, co] as the matrix [kh*kw*ci, co] (a view).
at::Tensor FilterMatrix(const at::Tensor& filter) {
  return filter.reshape({filter.size(0) * filter.size(1) * filter.size(2), filter.size(3)});
}

// dy NHWC (fitted to the window) as [positions, co].
at::Tensor DyMatrix(const at::Tensor& dy_nhwc) {
  return dy_nhwc.contiguous().reshape({dy_nhwc.size(0) * dy_nhwc.size(1) * dy_nhwc.size(2), dy_nhwc.size(3)});
}

int64_t Groups(const at::Tensor& nchw_input, bool depthwise) {
  return depthwise ? nchw_input.size(1) : 1;
}

// The forward convolution of an NHWC input; returns the NCHW-logical (channels_last) result.
at::Tensor ConvForward(const at::Tensor& x, const at::Tensor& filter, const Window2d& g, bool depthwise,
                       const c10::optional<at::Tensor>& bias) {
  at::Tensor input = NchwView(x);
  at::Tensor weight = CachedAtenWeight(filter, depthwise);
  const int64_t h = input.size(2), w = input.size(3);
  if (g.SymmetricFits(h, w)) {
    return at::convolution(input, weight, bias, g.Stride(), g.Padding(), g.Dilation(), false, {0, 0},
                           Groups(input, depthwise));
  }
  return at::convolution(PadOrCrop(input, g.PadSpec(h, w)), weight, bias, g.Stride(), {0, 0},
                         g.Dilation(), false, {0, 0}, Groups(input, depthwise));
}

// Applies tfjs's fused activation in place on a freshly computed NHWC tensor.
at::Tensor Activate(at::Tensor y, const std::string& activation, const c10::optional<at::Tensor>& prelu,
                    double leaky_alpha) {
  if (activation == "linear" || activation.empty()) return y;
  if (activation == "relu") return y.relu_();
  if (activation == "relu6") return y.clamp_(0, 6);
  if (activation == "elu") return at::elu_(y);
  if (activation == "sigmoid") return y.sigmoid_();
  if (activation == "leakyrelu") return at::leaky_relu_(y, leaky_alpha);
  if (activation == "prelu") {
    if (!prelu) throw std::invalid_argument("prelu activation needs preluActivationWeights");
    return at::where(y < 0, y * *prelu, y);
  }
  throw std::invalid_argument("unknown fused activation '" + activation + "'");
}

// conv2d(x, filter, window, depthwise, bias?, activation, prelu?, leakyAlpha)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  const at::Tensor& filter = TensorArg(info, 1);
  const Window2d g = WindowArg(info, 2);
  const bool depthwise = BoolArg(info, 3);
  c10::optional<at::Tensor> bias = OptionalTensorArg(info, 4);
  const std::string activation = info.Length() > 5 ? StringArg(info, 5) : "linear";
  c10::optional<at::Tensor> prelu = OptionalTensorArg(info, 6);
  const double leaky_alpha = info.Length() > 7 ? DoubleArg(info, 7) : 0.2;

  // A per-channel bias goes into the convolution itself; any other broadcastable shape is added.
  const int64_t out_channels = depthwise ? filter.size(2) * filter.size(3) : filter.size(3);
  c10::optional<at::Tensor> fused_bias;
  if (bias && bias->numel() == out_channels) fused_bias = bias->reshape({out_channels});
  at::Tensor y;
  if (UsePatches(x, g, depthwise)) {
    const at::Tensor patches = Patches(x, g);
    const at::Tensor product = fused_bias ? at::addmm(*fused_bias, patches, FilterMatrix(filter)) : at::mm(patches, FilterMatrix(filter));
    y = product.view({x.size(0), g.out_h, g.out_w, out_channels});
  } else {
    y = NhwcView(ConvForward(x, filter, g, depthwise, fused_bias));
  }
  if (bias && !fused_bias) y = y + *bias;
  return ReturnTensor(info, Activate(y, activation, prelu, leaky_alpha));
}

// tfjs kernels read dy only over the window's output extent (a larger dy, which tfjs's own
// conv2dTranspose tests pass, is cut to it); a smaller dy is an error.
at::Tensor FitDy(const at::Tensor& dy, const Window2d& g) {
  if (dy.size(2) < g.out_h || dy.size(3) < g.out_w) {
    throw std::invalid_argument("dy is " + std::to_string(dy.size(2)) + "x" + std::to_string(dy.size(3)) +
                                " but the convolution's output is " + std::to_string(g.out_h) + "x" +
                                std::to_string(g.out_w));
  }
  if (dy.size(2) == g.out_h && dy.size(3) == g.out_w) return dy;
  return dy.narrow(2, 0, g.out_h).narrow(3, 0, g.out_w).contiguous(at::MemoryFormat::ChannelsLast);
}

// conv2dBackpropInput(dy, filter, inputShape [N,H,W,C], window, depthwise): the adjoint of the
// forward convolution. Computed as that convolution's input gradient (convolution_backward) rather
// than as a transposed convolution: on channels_last data libtorch 1.13's transposed convolution is
// about 3x slower for the same result.
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  at::Tensor dy = NchwView(TensorArg(info, 0));
  const bool depthwise = BoolArg(info, 4);
  const std::vector<int64_t> in_shape = IntListArg(info, 2);
  const Window2d g = WindowArg(info, 3);
  if (in_shape.size() != 4) throw std::invalid_argument("inputShape must have 4 entries");
  dy = FitDy(dy, g);
  const int64_t n = in_shape[0], h = in_shape[1], w = in_shape[2], c = in_shape[3];
  if (UsePatches(dy, g, depthwise)) {
    // dy x filter^T are the patches' gradients; each tap adds its own back into the padded input
    const at::Tensor patch_grads = at::mm(DyMatrix(NhwcView(dy)), FilterMatrix(TensorArg(info, 1)).t())
                                       .view({n, g.out_h, g.out_w, g.kh * g.kw, c});
    at::Tensor padded = at::zeros({n, PaddedH(g, h), PaddedW(g, w), c}, dy.options());
    std::vector<at::Tensor> taps = Taps(padded, g);
    for (int64_t t = 0; t < static_cast<int64_t>(taps.size()); ++t) taps[t].add_(patch_grads.select(3, t));
    return ReturnTensor(info, padded.narrow(1, g.top, h).narrow(2, g.left, w).contiguous());
  }
  at::Tensor weight = CachedAtenWeight(TensorArg(info, 1), depthwise);
  const int64_t groups = depthwise ? c : 1;
  // Asymmetric padding, or rows/columns no window reaches: differentiate the explicitly padded
  // (or cropped) input instead and crop (or zero-fill) back, as the weight gradient does.
  const bool exact_cover = g.BottomFor(h) == g.bottom && g.RightFor(w) == g.right;
  const bool direct = g.SymmetricFits(h, w) && exact_cover;
  const int64_t hp = direct ? h : h + g.top + g.BottomFor(h);
  const int64_t wp = direct ? w : w + g.left + g.RightFor(w);
  // convolution_backward reads only the input's sizes and memory format for the input gradient.
  at::Tensor input_like =
      at::empty({n, c, hp, wp}, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
  auto grads = at::convolution_backward(dy, input_like, weight, c10::nullopt, g.Stride(),
                                        direct ? g.Padding() : std::vector<int64_t>{0, 0}, g.Dilation(),
                                        false, {0, 0}, groups, {true, false, false});
  at::Tensor dx = std::get<0>(grads);
  if (!direct) dx = PadOrCrop(dx, g.CropSpec(h, w));
  return ReturnTensor(info, NhwcView(dx));
}

// conv2dBackpropFilter(x, dy, filterShape [kh,kw,ci,co|mult], window, depthwise)
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  at::Tensor input = NchwView(TensorArg(info, 0));
  at::Tensor dy = NchwView(TensorArg(info, 1));
  const std::vector<int64_t> filter_shape = IntListArg(info, 2);
  const Window2d g = WindowArg(info, 3);
  const bool depthwise = BoolArg(info, 4);
  if (filter_shape.size() != 4) throw std::invalid_argument("filterShape must have 4 entries");
  dy = FitDy(dy, g);
  if (UsePatches(input, g, depthwise)) {
    // patches^T x dy: rows in tfjs's filter order, so no layout copy follows
    return ReturnTensor(info, at::mm(Patches(NhwcView(input), g).t(), DyMatrix(NhwcView(dy))).view(filter_shape));
  }
  const int64_t h = input.size(2), w = input.size(3);
  const int64_t groups = Groups(input, depthwise);
  // convolution_backward reads only the weight's sizes when computing the weight gradient.
  const auto weight_options = input.options().memory_format(at::MemoryFormat::ChannelsLast);
  at::Tensor weight_like =
      depthwise ? at::empty({filter_shape[2] * filter_shape[3], 1, filter_shape[0], filter_shape[1]},
                            weight_options)
                : at::empty({filter_shape[3], filter_shape[2], filter_shape[0], filter_shape[1]},
                            weight_options);
  std::vector<int64_t> padding = g.Padding();
  // Rows/columns that no window reaches are cropped first: libtorch 1.13's oneDNN weight gradient
  // corrupts the heap for a 1x1 stride-2 kernel over such an input (reproduced from Python too).
  const bool exact_cover = g.BottomFor(h) == g.bottom && g.RightFor(w) == g.right;
  if (!g.SymmetricFits(h, w) || !exact_cover) {
    input = PadOrCrop(input, g.PadSpec(h, w));
    padding = {0, 0};
  }
  auto grads = at::convolution_backward(dy, input, weight_like, c10::nullopt, g.Stride(), padding,
                                        g.Dilation(), false, {0, 0}, groups, {false, true, false});
  return ReturnTensor(info, TfjsFilter(std::get<1>(grads), depthwise, filter_shape));
}

}  // namespace

GANTRY_OP("conv2d", Conv2d);
GANTRY_OP("conv2dBackpropInput", Conv2dBackpropInput);
GANTRY_OP("conv2dBackpropFilter", Conv2dBackpropFilter);

}  // namespace gantry
