// norm_loops.h's loops, __restrict so that GCC vectorizes the channel loop, in an AVX2 and a baseline version picked at
// load time (target_clones; -O3 for this file only, as dense_loops.cc).
#pragma GCC optimize("O3")

#include "norm_loops.h"

namespace gantry {

#define GANTRY_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))

GANTRY_VECTOR_CLONES void NormSumRows(const float* __restrict x, int64_t rows, int64_t c, double* __restrict sum) {
  for (int64_t m = 0; m < rows; ++m) {
    const float* __restrict row = x + m * c;
    for (int64_t k = 0; k < c; ++k) sum[k] += row[k];
  }
}

GANTRY_VECTOR_CLONES void NormSquaredDeviationRows(const float* __restrict x, int64_t rows, int64_t c, const float* __restrict mean,
                                                  double* __restrict sum) {
  for (int64_t m = 0; m < rows; ++m) {
    const float* __restrict row = x + m * c;
    for (int64_t k = 0; k < c; ++k) {
      const float d = row[k] - mean[k];
      sum[k] += static_cast<double>(d) * d;
    }
  }
}

}  // namespace gantry
