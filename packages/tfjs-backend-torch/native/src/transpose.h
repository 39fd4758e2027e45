// A fast copy of a transposed float matrix (the filter layout changes around every convolution).
#pragma once

#include <ATen/ATen.h>

namespace gantry {

// out[c, r] = m[r, c] for a rank-2 tensor, as a new contiguous tensor.
at::Tensor TransposedCopy(const at::Tensor& m);

}  // namespace gantry
