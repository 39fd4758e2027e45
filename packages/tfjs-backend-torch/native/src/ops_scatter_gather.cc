// GatherNd and ScatterNd: index rows are flattened with tfjs' strides (from backend_util), then
// gathered with index_select or summed into place with index_add_ (duplicates add up, as in tfjs).
#include "ops_common.h"

#include <sstream>

namespace gantry {
namespace {

// Flat row numbers of index tuples [n, sliceRank]; throws tfjs' message for the first bad tuple.
at::Tensor FlatRows(const at::Tensor& indices, const std::vector<int64_t>& strides, int64_t num_rows,
                    at::IntArrayRef shape_for_message) {
  const int64_t slice_rank = static_cast<int64_t>(strides.size());
  at::Tensor tuples = indices.reshape({-1, slice_rank}).to(at::kLong);
  at::Tensor stride_tensor = at::tensor(strides, at::TensorOptions().dtype(at::kLong));
  at::Tensor flat = (tuples * stride_tensor).sum(1);
  at::Tensor bad = at::logical_or(flat < 0, flat >= num_rows);
  if (flat.numel() > 0 && bad.any().item<bool>()) {
    const int64_t row = at::nonzero(bad).select(1, 0)[0].item<int64_t>();
    at::Tensor tuple = tuples[row];
    std::ostringstream message;
    message << "Invalid indices: ";
    for (int64_t j = 0; j < slice_rank; ++j) message << (j ? "," : "") << tuple[j].item<int64_t>();
    message << " does not index into ";
    for (size_t j = 0; j < shape_for_message.size(); ++j) message << (j ? "," : "") << shape_for_message[j];
    throw std::invalid_argument(message.str());
  }
  return flat;
}

// (params, indices, strides[], sliceSize, resultShape[])
Napi::Value GatherNd(const Napi::CallbackInfo& info) {
  const at::Tensor& params = TensorArg(info, 0);
  const at::Tensor& indices = TensorArg(info, 1);
  const std::vector<int64_t> strides = IntListArg(info, 2);
  const int64_t slice_size = IntArg(info, 3);
  const int64_t num_rows = slice_size == 0 ? 0 : params.numel() / slice_size;
  at::Tensor flat = FlatRows(indices, strides, num_rows, params.sizes());
  at::Tensor rows = params.reshape({num_rows, slice_size}).index_select(0, flat);
  return ReturnTensor(info, rows.reshape(IntListArg(info, 4)));
}

// (indices, updates, strides[], sliceSize, shape[])
Napi::Value ScatterNd(const Napi::CallbackInfo& info) {
  const at::Tensor& indices = TensorArg(info, 0);
  const at::Tensor& updates = TensorArg(info, 1);
  const std::vector<int64_t> strides = IntListArg(info, 2);
  const int64_t slice_size = IntArg(info, 3);
  const std::vector<int64_t> shape = IntListArg(info, 4);
  int64_t output_size = 1;
  for (int64_t d : shape) output_size *= d;
  const int64_t num_rows = slice_size == 0 ? 0 : output_size / slice_size;
  at::Tensor flat = FlatRows(indices, strides, num_rows, shape);
  at::Tensor out = at::zeros({num_rows, slice_size}, updates.options());
  out.index_add_(0, flat, updates.reshape({flat.size(0), slice_size}));
  return ReturnTensor(info, out.reshape(shape));
}

}  // namespace

GANTRY_OP("gatherNd", GatherNd);
GANTRY_OP("scatterNd", ScatterNd);

}  // namespace gantry
