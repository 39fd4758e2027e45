// Data movement kernels: reshape (a view), transpose, concat, slices, split, stack, tile, pad,
// gather, segment sums, reverse, fills, one-hot, where.
#include "ops_common.h"

#include <algorithm>

namespace gantry {
namespace {

// tfjs' slice_util.sliceInfo gives, per input dimension, a begin, a stride and an element count
// (finalShapeSparse); element k of dimension d is begin[d] + k * strides[d]. Strides may be negative.
at::Tensor StridedSlice(const at::Tensor& x, const std::vector<int64_t>& begin, const std::vector<int64_t>& strides,
                        const std::vector<int64_t>& counts) {
  const size_t rank = static_cast<size_t>(x.dim());
  if (begin.size() != rank || strides.size() != rank || counts.size() != rank) {
    throw std::invalid_argument("stridedSlice: begin, strides and counts need one entry per input dimension (" +
                                std::to_string(rank) + ")");
  }
  at::Tensor out = x;
  for (int64_t d = 0; d < x.dim(); ++d) {
    const int64_t b = begin[d], s = strides[d], n = counts[d];
    if (s == 1 && b == 0 && n == x.size(d)) continue;
    if (n == 0) {
      out = out.narrow(d, 0, 0);
    } else if (s > 0) {
      out = out.slice(d, b, b + (n - 1) * s + 1, s);
    } else {
      out = out.index_select(d, at::arange(b, b + n * s, s, at::TensorOptions().dtype(at::kLong)));
    }
  }
  return out;
}

at::Tensor UnsortedSegmentSum(const at::Tensor& x, const at::Tensor& segment_ids, int64_t num_segments) {
  const int64_t id_rank = segment_ids.dim();
  if (id_rank > x.dim()) throw std::invalid_argument("unsortedSegmentSum: segmentIds has a higher rank than x");
  std::vector<int64_t> row_shape(x.sizes().begin() + id_rank, x.sizes().end());
  std::vector<int64_t> out_shape{num_segments};
  out_shape.insert(out_shape.end(), row_shape.begin(), row_shape.end());
  at::Tensor ids = segment_ids.reshape({-1}).to(at::kLong);
  at::Tensor rows = x.reshape({ids.size(0), -1});
  // tfjs ignores ids outside [0, numSegments).
  at::Tensor valid = at::logical_and(ids >= 0, ids < num_segments);
  if (!valid.all().item<bool>()) {
    at::Tensor keep = at::nonzero(valid).reshape({-1});
    ids = ids.index_select(0, keep);
    rows = rows.index_select(0, keep);
  }
  at::Tensor out = at::zeros({num_segments, rows.size(1)}, x.options());
  out.index_add_(0, ids, rows);
  return out.view(out_shape);
}

at::Tensor Gather(const at::Tensor& x, const at::Tensor& indices, int64_t axis) {
  if (axis < 0 || axis >= x.dim()) throw std::invalid_argument("gather: axis " + std::to_string(axis) + " out of range");
  if (indices.numel() > 0) {
    // tfjs' message for a bad index (ATen's would not say which index). int32 indices (what tfjs
    // passes) are checked in one loop: min(), max(), two item() reads and a cast to int64 were four
    // ATen calls, more than the gather itself for a batch of rows (gain16: 128 of [20000,16]).
    int64_t low = 0, high = 0;
    if (indices.scalar_type() == at::kInt && indices.is_contiguous()) {
      const int32_t* p = indices.data_ptr<int32_t>();
      low = high = p[0];
      for (int64_t i = 1, n = indices.numel(); i < n; ++i) {
        low = std::min<int64_t>(low, p[i]);
        high = std::max<int64_t>(high, p[i]);
      }
    } else {
      low = indices.min().item<int64_t>();
      high = indices.max().item<int64_t>();
    }
    const int64_t bad = low < 0 ? low : high >= x.size(axis) ? high : 0;
    if (low < 0 || high >= x.size(axis)) {
      throw std::invalid_argument("GatherV2: the index value " + std::to_string(bad) + " is not in [0, " +
                                  std::to_string(x.size(axis) - 1) + "]");
    }
  }
  std::vector<int64_t> out_shape(x.sizes().begin(), x.sizes().begin() + axis);
  out_shape.insert(out_shape.end(), indices.sizes().begin(), indices.sizes().end());
  out_shape.insert(out_shape.end(), x.sizes().begin() + axis + 1, x.sizes().end());
  const at::Tensor flat = indices.reshape({-1});
  // index_select takes int32 or int64 indices
  return x.index_select(axis, flat.scalar_type() == at::kInt ? flat : flat.to(at::kLong)).view(out_shape);
}

// tfjs OneHot: indices outside [0, depth) give a row of offValue.
at::Tensor OneHot(const at::Tensor& indices, int64_t depth, double on, double off, at::ScalarType type) {
  at::Tensor classes = at::arange(depth, indices.options().dtype(at::kLong));
  at::Tensor hit = indices.to(at::kLong).unsqueeze(-1) == classes;
  at::TensorOptions options = at::TensorOptions().dtype(type);
  return at::where(hit, at::full({}, on, options), at::full({}, off, options));
}

// tfjs MirrorPad: pads = [before0, after0, before1, after1, ...]; offset 1 = reflect (edge not
// repeated), 0 = symmetric (edge repeated). Each padded dimension is one index_select.
void CheckMirrorPads(const at::Tensor& x, const std::vector<int64_t>& pads, const char* what) {
  if (pads.size() != 2 * static_cast<size_t>(x.dim())) {
    throw std::invalid_argument(std::string(what) + ": need a [before, after] pair per dimension");
  }
}

// For each of the before + n + after padded positions, the index of the element it copies.
at::Tensor MirrorIndex(int64_t before, int64_t n, int64_t after, int64_t offset) {
  std::vector<int64_t> index(before + n + after);
  for (int64_t o = 0; o < static_cast<int64_t>(index.size()); ++o) {
    const int64_t src = o - before;
    index[o] = src < 0 ? -src - 1 + offset : src >= n ? 2 * n - 1 - offset - src : src;
  }
  return at::tensor(index, at::TensorOptions().dtype(at::kLong));
}

at::Tensor MirrorPad(const at::Tensor& x, const std::vector<int64_t>& pads, int64_t offset) {
  CheckMirrorPads(x, pads, "mirrorPad");
  at::Tensor out = x;
  for (int64_t d = 0; d < x.dim(); ++d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (before == 0 && after == 0) continue;
    out = out.index_select(d, MirrorIndex(before, x.size(d), after, offset));
  }
  return out;
}

// The adjoint of MirrorPad: index_add_ over the indices index_select read, dimension by dimension in
// reverse order, so every padded copy's gradient lands on its source. One kernel where the composed
// gradient (slice, reverse, pad and add per border) is eight per padded dimension.
at::Tensor MirrorPadGrad(const at::Tensor& dy, const std::vector<int64_t>& pads, int64_t offset) {
  CheckMirrorPads(dy, pads, "mirrorPadGrad");
  at::Tensor grad = dy;
  for (int64_t d = dy.dim() - 1; d >= 0; --d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (before == 0 && after == 0) continue;
    const int64_t n = grad.size(d) - before - after;
    if (n <= 0) throw std::invalid_argument("mirrorPadGrad: dy is smaller than its paddings along dimension " + std::to_string(d));
    std::vector<int64_t> sizes = grad.sizes().vec();
    sizes[d] = n;
    grad = at::zeros(sizes, grad.options()).index_add_(d, MirrorIndex(before, n, after, offset), grad);
  }
  return grad.contiguous();
}

}  // namespace

GANTRY_LAMBDA_OP("mirrorPad", return ReturnTensor(info, MirrorPad(TensorArg(info, 0), IntListArg(info, 1), IntArg(info, 2))););
GANTRY_LAMBDA_OP("mirrorPadGrad", return ReturnTensor(info, MirrorPadGrad(TensorArg(info, 0), IntListArg(info, 1), IntArg(info, 2))););
GANTRY_LAMBDA_OP("reshape", return ReturnTensor(info, TensorArg(info, 0).reshape(IntListArg(info, 1))););
GANTRY_LAMBDA_OP("transpose", return ReturnTensor(info, TensorArg(info, 0).permute(IntListArg(info, 1))););
// (handles[], axis)
GANTRY_LAMBDA_OP("concat", return ReturnTensor(info, at::cat(TensorListArg(info, 0), IntArg(info, 1))););
// (x, begin[], size[])
GANTRY_LAMBDA_OP("slice", at::Tensor out = TensorArg(info, 0);
                 const std::vector<int64_t> begin = IntListArg(info, 1), size = IntListArg(info, 2);
                 if (begin.size() != size.size() || begin.size() > static_cast<size_t>(out.dim())) {
                   throw std::invalid_argument("slice: begin and size need one entry per dimension");
                 }
                 for (size_t d = 0; d < begin.size(); ++d) out = out.narrow(static_cast<int64_t>(d), begin[d], size[d]);
                 return ReturnTensor(info, out););
// (x, begin[], strides[], finalShapeSparse[], finalShape[])
GANTRY_LAMBDA_OP("stridedSlice",
                 at::Tensor out = StridedSlice(TensorArg(info, 0), IntListArg(info, 1), IntListArg(info, 2),
                                               IntListArg(info, 3));
                 return ReturnTensor(info, out.reshape(IntListArg(info, 4))););
// (x, sizes[], axis) -> handles[]
GANTRY_LAMBDA_OP("splitV",
                 return ReturnTensors(info, at::split_with_sizes(TensorArg(info, 0), IntListArg(info, 1), IntArg(info, 2))););
GANTRY_LAMBDA_OP("pack", return ReturnTensor(info, at::stack(TensorListArg(info, 0), IntArg(info, 1))););
GANTRY_LAMBDA_OP("unpack", return ReturnTensors(info, at::unbind(TensorArg(info, 0), IntArg(info, 1))););
GANTRY_LAMBDA_OP("tile", return ReturnTensor(info, TensorArg(info, 0).repeat(IntListArg(info, 1))););
GANTRY_LAMBDA_OP("broadcastTo", return ReturnTensor(info, TensorArg(info, 0).expand(IntListArg(info, 1))););
// (x, pads as ATen wants them: last dimension first, [before, after] pairs; value)
GANTRY_LAMBDA_OP("pad",
                 return ReturnTensor(info, at::constant_pad_nd(TensorArg(info, 0), IntListArg(info, 1), DoubleArg(info, 2))););
GANTRY_LAMBDA_OP("reverse", return ReturnTensor(info, at::flip(TensorArg(info, 0), IntListArg(info, 1))););
// (x, indices, axis)
GANTRY_LAMBDA_OP("gather", return ReturnTensor(info, Gather(TensorArg(info, 0), TensorArg(info, 1), IntArg(info, 2))););
// (x, segmentIds, numSegments)
GANTRY_LAMBDA_OP("unsortedSegmentSum",
                 return ReturnTensor(info, UnsortedSegmentSum(TensorArg(info, 0), TensorArg(info, 1), IntArg(info, 2))););
// (shape[], value, dtypeCode)
GANTRY_LAMBDA_OP("fill", const at::ScalarType type = ScalarTypeFromCode(IntArg(info, 2));
                 const double value = DoubleArg(info, 1);
                 at::Tensor out = at::full(IntListArg(info, 0), value, at::TensorOptions().dtype(at::kDouble));
                 return ReturnTensor(info, type == at::kInt ? Int32FromDouble(out) : out.to(type)););
GANTRY_UNARY_OP("zerosLike", at::zeros_like(x));
GANTRY_UNARY_OP("onesLike", at::ones_like(x));
// (indices, depth, onValue, offValue, dtypeCode)
GANTRY_LAMBDA_OP("oneHot", return ReturnTensor(info, OneHot(TensorArg(info, 0), IntArg(info, 1), DoubleArg(info, 2),
                                                             DoubleArg(info, 3), ScalarTypeFromCode(IntArg(info, 4)))););
// where(condition) -> int32 [n, rank] coordinates of true elements
GANTRY_UNARY_OP("whereIndices", at::nonzero(x).to(at::kInt));

}  // namespace gantry
