// Row loops the normalisation kernels share (cond_norm.cc, instance_norm.cc): one example's [M, C] block, channels
// innermost, sums accumulated in double per channel.
#pragma once

#include <cstdint>

namespace gantry {

// sum[k] += x[m, k] over the block's rows.
void NormSumRows(const float* __restrict x, int64_t rows, int64_t c, double* __restrict sum);

// sum[k] += (x[m, k] - mean[k])^2 over the block's rows.
void NormSquaredDeviationRows(const float* __restrict x, int64_t rows, int64_t c, const float* __restrict mean, double* __restrict sum);

}  // namespace gantry
