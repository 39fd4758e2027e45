// Elementwise kernels: unary math, activations, binary arithmetic with broadcasting, comparisons,
// logic, select. Integer semantics follow tfjs (results stored as if into an Int32Array).
#include "dense_loops.h"
#include "ops_common.h"

namespace gantry {
namespace {

at::Tensor ZeroLike0(const at::Tensor& t) { return at::zeros({}, t.options()); }

// tfjs computes int32 division in floating point and stores into int32 (truncating, x/0 -> 0).
at::Tensor RealDiv(const at::Tensor& a, const at::Tensor& b) {
  if (IsIntegral(a) && IsIntegral(b)) return Int32FromDouble(at::div(a.to(at::kDouble), b.to(at::kDouble)));
  return at::div(a, b);
}

// tfjs FloorDiv always yields int32, whatever the input dtype.
at::Tensor FloorDiv(const at::Tensor& a, const at::Tensor& b) {
  return Int32FromDouble(at::floor(at::div(a.to(at::kDouble), b.to(at::kDouble))));
}

// tfjs mod: the remainder takes the divisor's sign (Python-style), computed in floating point.
at::Tensor Mod(const at::Tensor& a, const at::Tensor& b) {
  if (IsIntegral(a) && IsIntegral(b)) {
    return Int32FromDouble(at::remainder(a.to(at::kDouble), b.to(at::kDouble)));
  }
  return at::remainder(a, b);
}

at::Tensor Pow(const at::Tensor& a, const at::Tensor& b) {
  if (IsIntegral(a) && IsIntegral(b)) return Int32FromDouble(at::pow(a.to(at::kDouble), b.to(at::kDouble)));
  return at::pow(a, b);
}

// tfjs Select: a rank-1 condition picks whole rows of higher-rank t/e.
at::Tensor Select(const at::Tensor& condition, const at::Tensor& t, const at::Tensor& e) {
  if (condition.scalar_type() == at::kBool && condition.is_contiguous() && t.scalar_type() == e.scalar_type() &&
      t.element_size() == 4 && t.is_contiguous() && e.is_contiguous() && condition.sizes() == t.sizes() &&
      e.sizes() == t.sizes()) {
    return DenseSelect(condition, t, e);
  }
  at::Tensor c = condition.to(at::kBool);
  if (c.dim() == 1 && t.dim() > 1) {
    std::vector<int64_t> shape(t.dim(), 1);
    shape[0] = c.size(0);
    c = c.view(shape);
  }
  return at::where(c, t, e);
}

at::Tensor Step(const at::Tensor& x, double alpha) {
  if (IsDense(x, at::kFloat)) return DenseStep(x, static_cast<float>(alpha));
  at::Tensor out = at::where(x > 0, at::ones({}, x.options()), at::full({}, alpha, x.options()));
  return at::isFloatingType(x.scalar_type()) ? at::where(at::isnan(x), x, out) : out;
}

at::Tensor LeakyRelu(const at::Tensor& x, double alpha) {
  if (at::isFloatingType(x.scalar_type())) return at::leaky_relu(x, alpha);
  return at::where(x < 0, x * alpha, x).to(x.scalar_type());
}

// Gantry's fused gradient of relu (alpha 0) and leakyRelu: one pass instead of tfjs's compare, multiply and
// select.
at::Tensor LeakyReluGrad(const at::Tensor& dy, const at::Tensor& x, double alpha) {
  if (IsDense(dy, at::kFloat) && IsDense(x, at::kFloat) && dy.sizes() == x.sizes()) {
    return DenseLeakyReluGrad(dy, x, static_cast<float>(alpha));
  }
  return at::where(x > 0, dy, dy * alpha);
}

// Gantry's fused sigmoid gradient, dy * s * (1 - s) with s = sigmoid(x): one call instead of four kernels. It
// takes x rather than the saved output so that second derivatives see s's dependence on x.
at::Tensor SigmoidGrad(const at::Tensor& dy, const at::Tensor& x) { return at::sigmoid_backward(dy, at::sigmoid(x)); }

at::Tensor Prelu(const at::Tensor& x, const at::Tensor& alpha) { return at::where(x < 0, x * alpha, x); }

// tfjs Sign maps NaN to 0.
at::Tensor Sign(const at::Tensor& x) {
  at::Tensor s = at::sign(x);
  return at::isFloatingType(x.scalar_type()) ? at::where(at::isnan(x), ZeroLike0(s), s) : s;
}

// Comparisons: float32 against a float32 scalar or same-shape tensor take the dense loop.
at::Tensor CompareOp(const at::Tensor& a, const at::Tensor& b, Compare compare) {
  if (IsDense(a, at::kFloat) && IsDenseOrSingle(b, a)) return DenseCompare(a, b, compare);
  switch (compare) {
    case Compare::kGreater: return at::gt(a, b);
    case Compare::kGreaterEqual: return at::ge(a, b);
    case Compare::kLess: return at::lt(a, b);
    case Compare::kLessEqual: return at::le(a, b);
    case Compare::kEqual: return at::eq(a, b);
    case Compare::kNotEqual: return at::ne(a, b);
  }
  throw std::invalid_argument("unknown comparison");
}

at::Tensor Cast(const at::Tensor& x, at::ScalarType type) {
  if (type == at::kInt && at::isFloatingType(x.scalar_type())) return Int32FromDouble(x);
  if (IsDense(x, at::kBool) && (type == at::kFloat || type == at::kInt)) return DenseBoolTo(x, type);
  return x.to(type);
}

}  // namespace

// Unary math (float inputs; tfjs casts ints to float at the op level where it matters).
GANTRY_UNARY_OP("abs", at::abs(x));
GANTRY_UNARY_OP("neg", at::neg(x));
GANTRY_UNARY_OP("square", at::mul(x, x));
GANTRY_UNARY_OP("sqrt", at::sqrt(x));
GANTRY_UNARY_OP("rsqrt", at::rsqrt(x));
GANTRY_UNARY_OP("reciprocal", at::reciprocal(x));
GANTRY_UNARY_OP("exp", at::exp(x));
GANTRY_UNARY_OP("expm1", at::expm1(x));
GANTRY_UNARY_OP("log", at::log(x));
GANTRY_UNARY_OP("log1p", at::log1p(x));
GANTRY_UNARY_OP("floor", at::floor(x));
GANTRY_UNARY_OP("ceil", at::ceil(x));
GANTRY_UNARY_OP("round", at::round(x));  // half to even, as tfjs
GANTRY_UNARY_OP("sign", Sign(x));
GANTRY_UNARY_OP("sin", at::sin(x));
GANTRY_UNARY_OP("cos", at::cos(x));
GANTRY_UNARY_OP("tan", at::tan(x));
GANTRY_UNARY_OP("asin", at::asin(x));
GANTRY_UNARY_OP("acos", at::acos(x));
GANTRY_UNARY_OP("atan", at::atan(x));
GANTRY_UNARY_OP("sinh", at::sinh(x));
GANTRY_UNARY_OP("cosh", at::cosh(x));
GANTRY_UNARY_OP("asinh", at::asinh(x));
GANTRY_UNARY_OP("acosh", at::acosh(x));
GANTRY_UNARY_OP("atanh", at::atanh(x));
GANTRY_UNARY_OP("erf", at::erf(x));
GANTRY_UNARY_OP("isNaN", at::isnan(x));
GANTRY_UNARY_OP("isInf", at::isinf(x));
GANTRY_UNARY_OP("isFinite", at::isfinite(x));
GANTRY_UNARY_OP("logicalNot", at::logical_not(x));

// Activations.
GANTRY_UNARY_OP("relu", at::relu(x));
GANTRY_UNARY_OP("relu6", at::clamp(x, 0, 6));
GANTRY_UNARY_OP("elu", at::elu(x));
GANTRY_UNARY_OP("selu", at::selu(x));
GANTRY_UNARY_OP("sigmoid", at::sigmoid(x));
GANTRY_UNARY_OP("tanh", at::tanh(x));
// tfjs softplus switches to x / exp(x) beyond log(float eps) + 2 ~= 13.94; threshold matches that.
GANTRY_UNARY_OP("softplus", at::softplus(x, 1, 13.942385152878742));
GANTRY_LAMBDA_OP("leakyRelu", return ReturnTensor(info, LeakyRelu(TensorArg(info, 0), DoubleArg(info, 1))););
// (dy, x)
GANTRY_LAMBDA_OP("sigmoidGrad", return ReturnTensor(info, SigmoidGrad(TensorArg(info, 0), TensorArg(info, 1))););
// (dy, x, alpha)
GANTRY_LAMBDA_OP("leakyReluGrad",
                 return ReturnTensor(info, LeakyReluGrad(TensorArg(info, 0), TensorArg(info, 1), DoubleArg(info, 2))););
GANTRY_LAMBDA_OP("step", return ReturnTensor(info, Step(TensorArg(info, 0), DoubleArg(info, 1))););
// ATen promotes int32 clamped by double bounds to float; tfjs keeps int32 (truncating).
GANTRY_LAMBDA_OP("clipByValue", const at::Tensor& x = TensorArg(info, 0);
                 return ReturnTensor(info, at::clamp(x, DoubleArg(info, 1), DoubleArg(info, 2)).to(x.scalar_type())););
GANTRY_BINARY_OP("prelu", Prelu(a, b));
// eluGrad(dy, y): dy where y >= 0, else dy * (y + 1)
GANTRY_BINARY_OP("eluGrad", at::where(b >= 0, a, a * (b + 1)));
GANTRY_LAMBDA_OP("softmax", const at::Tensor& x = TensorArg(info, 0);
                 return ReturnTensor(info, at::softmax(x, IntArg(info, 1))););
GANTRY_LAMBDA_OP("cast", return ReturnTensor(info, Cast(TensorArg(info, 0), ScalarTypeFromCode(IntArg(info, 1)))););

// Binary arithmetic with broadcasting.
GANTRY_BINARY_OP("add", at::add(a, b));
GANTRY_BINARY_OP("sub", at::sub(a, b));
GANTRY_BINARY_OP("mul", at::mul(a, b));
GANTRY_BINARY_OP("realDiv", RealDiv(a, b));
GANTRY_BINARY_OP("floorDiv", FloorDiv(a, b));
GANTRY_BINARY_OP("mod", Mod(a, b));
GANTRY_BINARY_OP("pow", Pow(a, b));
GANTRY_BINARY_OP("maximum", at::maximum(a, b));
GANTRY_BINARY_OP("minimum", at::minimum(a, b));
GANTRY_BINARY_OP("squaredDifference", at::square(at::sub(a, b)));
GANTRY_BINARY_OP("atan2", at::atan2(a, b));

// Comparisons and logic (bool results).
GANTRY_BINARY_OP("greater", CompareOp(a, b, Compare::kGreater));
GANTRY_BINARY_OP("greaterEqual", CompareOp(a, b, Compare::kGreaterEqual));
GANTRY_BINARY_OP("less", CompareOp(a, b, Compare::kLess));
GANTRY_BINARY_OP("lessEqual", CompareOp(a, b, Compare::kLessEqual));
GANTRY_BINARY_OP("equal", CompareOp(a, b, Compare::kEqual));
GANTRY_BINARY_OP("notEqual", CompareOp(a, b, Compare::kNotEqual));
GANTRY_BINARY_OP("logicalAnd", at::logical_and(a, b));
GANTRY_BINARY_OP("logicalOr", at::logical_or(a, b));
GANTRY_BINARY_OP("logicalXor", at::logical_xor(a, b));
GANTRY_LAMBDA_OP("select",
                 return ReturnTensor(info, Select(TensorArg(info, 0), TensorArg(info, 1), TensorArg(info, 2))););

// addN(handles[]): sum of same-shape tensors.
GANTRY_LAMBDA_OP("addN", std::vector<at::Tensor> xs = TensorListArg(info, 0);
                 if (xs.empty()) throw std::invalid_argument("addN needs at least one tensor");
                 at::Tensor sum = xs[0].clone();
                 for (size_t i = 1; i < xs.size(); ++i) sum.add_(xs[i]);
                 return ReturnTensor(info, sum););

}  // namespace gantry
