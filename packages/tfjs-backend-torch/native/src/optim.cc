// Fused optimizer updates: one call updates every variable of an optimizer with a handful of
// in-place ATen ops each, instead of ~14 tfjs kernel calls (and as many temporaries) per variable.
#include "ops_common.h"

namespace gantry {
namespace {

// No other ATen tensor (a view, a store entry) shares t's storage, so updating it in place is
// invisible to anything but the JS owner (the caller checks the JS reference count).
bool SoleOwner(const at::Tensor& t) {
  return t.use_count() == 1 && t.unsafeGetTensorImpl()->storage().use_count() == 1;
}

// adamUpdate(handles: [var..., grad..., m..., v...], exclusive: (0|1)[], learningRate, beta1,
//            beta2, epsilon, accBeta1, accBeta2) -> [var'..., m'..., v'...]
// tfjs Adam's math (accBeta = beta^t before this step's update):
//   m' = b1 m + (1 - b1) g;  v' = b2 v + (1 - b2) g^2
//   var' = var - lr (m' / (1 - accBeta1)) / (sqrt(v' / (1 - accBeta2)) + eps)
// exclusive[i] says the JS side holds var/m/v i in one dataId each; those tensors (when no ATen view
// shares them either) are updated in place and come back under fresh handles; the others are
// copied first, so tensors that share their data keep the old values.
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  const std::vector<int64_t> handles = IntListArg(info, 0);
  const std::vector<int64_t> exclusive = IntListArg(info, 1);
  const double lr = DoubleArg(info, 2);
  const double beta1 = DoubleArg(info, 3);
  const double beta2 = DoubleArg(info, 4);
  const double epsilon = DoubleArg(info, 5);
  const double acc_beta1 = DoubleArg(info, 6);
  const double acc_beta2 = DoubleArg(info, 7);
  const size_t n = exclusive.size();
  if (handles.size() != 4 * n) {
    throw std::invalid_argument("adamUpdate: " + std::to_string(handles.size()) + " handles for " + std::to_string(n) +
                                " variables (need var, grad, m, v per variable)");
  }
  const double step_size = -lr / (1 - acc_beta1);
  const double v_scale = 1 / (1 - acc_beta2);
  std::vector<at::Tensor> results(3 * n);
  for (size_t i = 0; i < n; ++i) {
    at::Tensor& var_in = GetTensor(handles[i]);
    const at::Tensor& grad = GetTensor(handles[n + i]);
    at::Tensor& m_in = GetTensor(handles[2 * n + i]);
    at::Tensor& v_in = GetTensor(handles[3 * n + i]);
    for (const at::Tensor* t : std::initializer_list<const at::Tensor*>{&var_in, &grad, &m_in, &v_in}) {
      if (t->scalar_type() != at::kFloat) throw std::invalid_argument("adamUpdate: variable " + std::to_string(i) + " is not float32");
      if (!t->sizes().equals(var_in.sizes())) {
        throw std::invalid_argument("adamUpdate: variable " + std::to_string(i) + " and its gradient/moments differ in shape");
      }
    }
    const bool in_place = exclusive[i] != 0 && SoleOwner(var_in) && SoleOwner(m_in) && SoleOwner(v_in);
    at::Tensor var = in_place ? var_in : var_in.clone();
    at::Tensor m = in_place ? m_in : m_in.clone();
    at::Tensor v = in_place ? v_in : v_in.clone();
    m.mul_(beta1).add_(grad, 1 - beta1);
    v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    at::Tensor denom = at::mul(v, v_scale).sqrt_().add_(epsilon);
    var.addcdiv_(m, denom, step_size);
    results[i] = var;
    results[n + i] = m;
    results[2 * n + i] = v;
  }
  Napi::Array out = Napi::Array::New(info.Env(), results.size());
  for (size_t k = 0; k < results.size(); ++k) {
    out.Set(static_cast<uint32_t>(k), Napi::Number::New(info.Env(), static_cast<double>(StoreTensor(std::move(results[k])))));
  }
  return out;
}

}  // namespace

GANTRY_OP("adamUpdate", AdamUpdate);

}  // namespace gantry
