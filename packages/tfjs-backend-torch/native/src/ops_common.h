// Shared helpers for the engine-core op files (elementwise, reductions, shapes, matmul).
#pragma once

#include "registry.h"

namespace gantry {

// A stateless op written inline: GANTRY_LAMBDA_OP("exp", return ReturnTensor(info, at::exp(TensorArg(info, 0))););
// (Variadic, unlike GANTRY_OP, so that the body may contain commas.)
#define GANTRY_LAMBDA_OP(js_name, ...)                                                \
  static ::gantry::OpRegistrar GANTRY_CONCAT(gantry_op_, __LINE__)(                    \
      js_name, [](const Napi::CallbackInfo& info) -> Napi::Value { __VA_ARGS__ })

// One input tensor x -> expression.
#define GANTRY_UNARY_OP(js_name, ...) \
  GANTRY_LAMBDA_OP(js_name, const at::Tensor& x = TensorArg(info, 0); return ReturnTensor(info, (__VA_ARGS__));)

// Two input tensors a, b -> expression (ATen broadcasting matches tfjs').
#define GANTRY_BINARY_OP(js_name, ...)                                                                 \
  GANTRY_LAMBDA_OP(js_name, const at::Tensor& a = TensorArg(info, 0); const at::Tensor& b = TensorArg(info, 1); \
                   return ReturnTensor(info, (__VA_ARGS__));)

inline bool IsIntegral(const at::Tensor& t) { return !at::isFloatingType(t.scalar_type()); }

// Stores a double result into int32 the way a JS Int32Array does for non-finite values (as 0).
inline at::Tensor Int32FromDouble(const at::Tensor& t) {
  return at::where(at::isfinite(t), t, at::zeros({}, t.options())).trunc().to(at::kInt);
}

// dtype codes shared with src/addon.ts
inline at::ScalarType ScalarTypeFromCode(int64_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  }
}

// A tensor handle argument that may be absent (passed as -1 or a negative number).
inline c10::optional<at::Tensor> OptionalTensorArg(const Napi::CallbackInfo& info, size_t index) {
  const int64_t handle = IntArg(info, index);
  if (handle < 0) return c10::nullopt;
  return GetTensor(handle);
}

}  // namespace gantry
