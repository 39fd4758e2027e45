// Reductions over explicit axes (JS resolves tfjs' axis attrs; an empty axis list never reaches here),
// cumulative sums/products, argmax/argmin. Integer and bool inputs reduce to int32 as in tfjs.
#include "ops_common.h"

#include <limits>

namespace gantry {
namespace {

at::ScalarType SumType(const at::Tensor& x) { return IsIntegral(x) ? at::kInt : x.scalar_type(); }

// tfjs Cumsum/Cumprod: optional reverse direction; exclusive shifts by one (identity first).
at::Tensor Cumulative(const at::Tensor& x, int64_t axis, bool exclusive, bool reverse, bool product) {
  at::Tensor in = reverse ? at::flip(x, {axis}) : x;
  const at::ScalarType type = SumType(x);
  if (exclusive) {
    const int64_t n = in.size(axis);
    at::Tensor first = product ? at::ones_like(in.narrow(axis, 0, std::min<int64_t>(n, 1)))
                               : at::zeros_like(in.narrow(axis, 0, std::min<int64_t>(n, 1)));
    in = n == 0 ? in : at::cat({first, in.narrow(axis, 0, n - 1)}, axis);
  }
  at::Tensor out = product ? at::cumprod(in, axis, type) : at::cumsum(in, axis, type);
  return reverse ? at::flip(out, {axis}) : out;
}

// NaN replaced by the value that never wins the arg-reduction.
at::Tensor WithoutNaN(const at::Tensor& x, bool for_min) {
  if (!at::isFloatingType(x.scalar_type())) return x;
  const double never = for_min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  return at::where(at::isnan(x), at::full({}, never, x.options()), x);
}

}  // namespace

// Each takes (x, axes: number[], keepDims).
GANTRY_LAMBDA_OP("sum", const at::Tensor& x = TensorArg(info, 0);
                 return ReturnTensor(info, at::sum(x, IntListArg(info, 1), BoolArg(info, 2), SumType(x))););
GANTRY_LAMBDA_OP("mean", const at::Tensor& x = TensorArg(info, 0);
                 return ReturnTensor(info, at::mean(x.to(at::kFloat), IntListArg(info, 1), BoolArg(info, 2))););
GANTRY_LAMBDA_OP("prod", const at::Tensor& x = TensorArg(info, 0);
                 at::Tensor out = x.to(SumType(x));
                 for (int64_t axis : IntListArg(info, 1)) out = at::prod(out, axis, true, SumType(x));
                 if (!BoolArg(info, 2)) {
                   std::vector<int64_t> axes = IntListArg(info, 1);
                   std::sort(axes.rbegin(), axes.rend());
                   for (int64_t axis : axes) out = out.squeeze(axis);
                 }
                 return ReturnTensor(info, out););
GANTRY_LAMBDA_OP("max", return ReturnTensor(info, at::amax(TensorArg(info, 0), IntListArg(info, 1), BoolArg(info, 2))););
GANTRY_LAMBDA_OP("min", return ReturnTensor(info, at::amin(TensorArg(info, 0), IntListArg(info, 1), BoolArg(info, 2))););
GANTRY_LAMBDA_OP("all", at::Tensor out = TensorArg(info, 0).to(at::kBool);
                 for (int64_t axis : IntListArg(info, 1)) out = at::all(out, axis, true);
                 if (!BoolArg(info, 2)) {
                   std::vector<int64_t> axes = IntListArg(info, 1);
                   std::sort(axes.rbegin(), axes.rend());
                   for (int64_t axis : axes) out = out.squeeze(axis);
                 }
                 return ReturnTensor(info, out););
GANTRY_LAMBDA_OP("any", at::Tensor out = TensorArg(info, 0).to(at::kBool);
                 for (int64_t axis : IntListArg(info, 1)) out = at::any(out, axis, true);
                 if (!BoolArg(info, 2)) {
                   std::vector<int64_t> axes = IntListArg(info, 1);
                   std::sort(axes.rbegin(), axes.rend());
                   for (int64_t axis : axes) out = out.squeeze(axis);
                 }
                 return ReturnTensor(info, out););
// (x, axis) -> int32 index of the first extreme value; tfjs skips NaNs (ATen would pick them).
GANTRY_LAMBDA_OP("argMax", return ReturnTensor(info, at::argmax(WithoutNaN(TensorArg(info, 0), false), IntArg(info, 1)).to(at::kInt)););
GANTRY_LAMBDA_OP("argMin", return ReturnTensor(info, at::argmin(WithoutNaN(TensorArg(info, 0), true), IntArg(info, 1)).to(at::kInt)););
// topK(x, k) -> [values, int32 indices] along the last axis; a stable descending sort keeps the
// lower index first among equal values, as tfjs does.
GANTRY_LAMBDA_OP("topK", const at::Tensor& x = TensorArg(info, 0);
                 const int64_t k = IntArg(info, 1);
                 auto sorted = at::sort(x, /*stable=*/true, /*dim=*/-1, /*descending=*/true);
                 return ReturnTensors(info, {std::get<0>(sorted).narrow(-1, 0, k),
                                             std::get<1>(sorted).narrow(-1, 0, k).to(at::kInt)}););
// (x, axis, exclusive, reverse)
GANTRY_LAMBDA_OP("cumsum", return ReturnTensor(info, Cumulative(TensorArg(info, 0), IntArg(info, 1), BoolArg(info, 2),
                                                                BoolArg(info, 3), false)););
GANTRY_LAMBDA_OP("cumprod", return ReturnTensor(info, Cumulative(TensorArg(info, 0), IntArg(info, 1), BoolArg(info, 2),
                                                                 BoolArg(info, 3), true)););

}  // namespace gantry
