// Window geometry shared by the conv and pool ops. tfjs hands us NHWC data and pads that may be
// asymmetric ('same' puts the odd pixel at the bottom/right) or that leave a remainder ('valid',
// ceil rounding); ATen wants NCHW-logical tensors and symmetric padding. Everything here is about
// bridging the two without copying in the common case.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "registry.h"

namespace gantry {

// NHWC storage seen as an NCHW tensor: a channels_last view, no copy.
inline at::Tensor NchwView(const at::Tensor& nhwc) {
  if (nhwc.dim() != 4) {
    throw std::invalid_argument("expected a rank-4 NHWC tensor, got rank " + std::to_string(nhwc.dim()));
  }
  return nhwc.permute({0, 3, 1, 2});
}
// An NCHW-logical (channels_last) result seen as NHWC again; contiguous when ATen kept the format.
inline at::Tensor NhwcView(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}); }

// The JS side sends [kh, kw, strideH, strideW, dilationH, dilationW, top, bottom, left, right,
// outH, outW] taken from backend_util.computeConv2DInfo / computePool2DInfo.
struct Window2d {
  int64_t kh, kw, sh, sw, dh, dw;
  int64_t top, bottom, left, right;
  int64_t out_h, out_w;

  int64_t EffKh() const { return (kh - 1) * dh + 1; }
  int64_t EffKw() const { return (kw - 1) * dw + 1; }
  // Bottom/right padding that makes an unpadded window op yield exactly out_h x out_w; negative
  // means rows that no window reaches (cropped).
  int64_t BottomFor(int64_t h) const { return (out_h - 1) * sh + EffKh() - h - top; }
  int64_t RightFor(int64_t w) const { return (out_w - 1) * sw + EffKw() - w - left; }
  // True when ATen's own symmetric padding reproduces tfjs's output exactly.
  bool SymmetricFits(int64_t h, int64_t w) const {
    return top == bottom && left == right && (h + 2 * top - EffKh()) / sh + 1 == out_h &&
           (w + 2 * left - EffKw()) / sw + 1 == out_w && h + 2 * top >= EffKh() &&
           w + 2 * left >= EffKw();
  }
  // at::constant_pad_nd spec (last dim first) that pads an NCHW tensor for an unpadded op.
  std::vector<int64_t> PadSpec(int64_t h, int64_t w) const {
    return {left, RightFor(w), top, BottomFor(h)};
  }
  std::vector<int64_t> CropSpec(int64_t h, int64_t w) const {
    return {-left, -RightFor(w), -top, -BottomFor(h)};
  }
  std::vector<int64_t> Kernel() const { return {kh, kw}; }
  std::vector<int64_t> Stride() const { return {sh, sw}; }
  std::vector<int64_t> Dilation() const { return {dh, dw}; }
  std::vector<int64_t> Padding() const { return {top, left}; }
};

inline Window2d WindowArg(const Napi::CallbackInfo& info, size_t index) {
  std::vector<int64_t> v = IntListArg(info, index);
  if (v.size() != 12) {
    throw std::invalid_argument("argument " + std::to_string(index) +
                                ": window geometry needs 12 ints, got " + std::to_string(v.size()));
  }
  Window2d g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.out_h < 0 ||
      g.out_w < 0) {
    throw std::invalid_argument("window geometry has a non-positive kernel, stride or dilation");
  }
  return g;
}

// Pads (value) or crops an NCHW tensor; a no-op spec returns the tensor itself.
inline at::Tensor PadOrCrop(const at::Tensor& nchw, const std::vector<int64_t>& spec, double value = 0) {
  bool noop = true;
  for (int64_t p : spec) noop = noop && p == 0;
  if (noop) return nchw;
  at::Tensor out = at::constant_pad_nd(nchw, spec, value);
  // Keep channels_last so the next ATen op and the NHWC view stay copy-free.
  if (!out.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    out = out.contiguous(at::MemoryFormat::ChannelsLast);
  }
  return out;
}

// An optional tensor argument: a negative handle (or null/undefined) means absent.
inline c10::optional<at::Tensor> OptionalTensorArg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || info[index].IsNull() || info[index].IsUndefined()) return c10::nullopt;
  if (IntArg(info, index) < 0) return c10::nullopt;
  return TensorArg(info, index);
}

}  // namespace gantry
