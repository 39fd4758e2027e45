// Matrix products: BatchMatMul and _FusedMatMul (bias + activation applied in place on the fresh
// product). 2-D and single-batch products go through mm/addmm, the common dense-layer case.
#include "ops_common.h"

namespace gantry {
namespace {

// activation codes shared with src/kernels/matmul.ts
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kPrelu = 3, kLeakyRelu = 4, kSigmoid = 5, kElu = 6 };

at::Tensor MatMul(at::Tensor a, at::Tensor b, bool transpose_a, bool transpose_b,
                  const c10::optional<at::Tensor>& bias) {
  if (transpose_a) a = a.transpose(-2, -1);
  if (transpose_b) b = b.transpose(-2, -1);
  const bool plain = a.dim() == 2 && b.dim() == 2;
  const bool single = a.dim() == 3 && b.dim() == 3 && a.size(0) == 1 && b.size(0) == 1;
  if (plain || single) {
    at::Tensor a2 = plain ? a : a.select(0, 0), b2 = plain ? b : b.select(0, 0);
    const auto restore = [plain](at::Tensor t) { return plain ? t : t.unsqueeze(0); };
    if (bias.has_value() && bias->dim() <= 2 && bias->scalar_type() == a2.scalar_type() &&
        (bias->dim() == 0 || bias->size(-1) == b2.size(1) || bias->size(-1) == 1) &&
        (bias->dim() < 2 || bias->size(0) == 1 || bias->size(0) == a2.size(0))) {
      return restore(at::addmm(*bias, a2, b2));
    }
    at::Tensor out = restore(at::mm(a2, b2));
    return bias.has_value() ? at::add(out, *bias) : out;
  }
  at::Tensor out = at::matmul(a, b);
  return bias.has_value() ? at::add(out, *bias) : out;
}

void ActivateInPlace(at::Tensor& out, int64_t activation, const c10::optional<at::Tensor>& prelu_weights,
                     double alpha) {
  switch (activation) {
    case kLinear: return;
    case kRelu: out.relu_(); return;
    case kRelu6: out.clamp_(0, 6); return;
    case kLeakyRelu: at::leaky_relu_(out, alpha); return;
    case kSigmoid: out.sigmoid_(); return;
    case kElu: at::elu_(out); return;
    case kPrelu:
      if (!prelu_weights.has_value()) throw std::invalid_argument("prelu activation needs preluActivationWeights");
      out = at::where(out < 0, out * *prelu_weights, out);
      return;
    default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
  }
}

}  // namespace

// (a, b, transposeA, transposeB)
GANTRY_LAMBDA_OP("batchMatMul", return ReturnTensor(info, MatMul(TensorArg(info, 0), TensorArg(info, 1), BoolArg(info, 2),
                                                                 BoolArg(info, 3), c10::nullopt)););
// (a, b, transposeA, transposeB, bias|-1, activationCode, preluWeights|-1, leakyreluAlpha)
GANTRY_LAMBDA_OP("fusedMatMul",
                 at::Tensor out = MatMul(TensorArg(info, 0), TensorArg(info, 1), BoolArg(info, 2), BoolArg(info, 3),
                                         OptionalTensorArg(info, 4));
                 ActivateInPlace(out, IntArg(info, 5), OptionalTensorArg(info, 6), DoubleArg(info, 7));
                 return ReturnTensor(info, out););

}  // namespace gantry
