// Fused optimizer updates: one call updates every variable of an optimizer with a handful of
// in-place ATen ops each, instead of ~14 tfjs kernel calls (and as many temporaries) per variable.
#include "ops_common.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace gantry {
namespace {

// No other ATen tensor (a view, a store entry) shares t's storage, so updating it in place is
// invisible to anything but the JS owner (the caller checks the JS reference count).
bool SoleOwner(const at::Tensor& t) {
  return t.is_contiguous() && t.use_count() == 1 && t.unsafeGetTensorImpl()->storage().use_count() == 1;
}

// The tensor an update writes: t itself when the caller may update it in place, else a contiguous copy (so tensors
// sharing t's data keep their values).
at::Tensor Writable(const at::Tensor& t, bool in_place) {
  return in_place ? t : t.clone(at::MemoryFormat::Contiguous);
}

// After a write through raw pointers, which ATen does not see: caches keyed on versions must.
void MarkWritten(at::Tensor& t) {
  t.unsafeGetTensorImpl()->bump_version();
}

struct AdamConstants {
  float beta1, one_minus_beta1, beta2, one_minus_beta2, one_minus_acc_beta1, one_minus_acc_beta2, epsilon, neg_lr;
};

// One pass over the four buffers. Each float operation below is one tfjs op of tf.train.adam's
// update, in its order and in float32 (correctly rounded, like tfjs' cpu kernels), so the result
// is bit-identical to tfjs Adam on the cpu backend. (Eight ATen ops per variable cost ~2 us each
// in dispatch alone, more than the arithmetic of a GAN-sized layer.)
// The four buffers never overlap (the caller copies shared ones), hence __restrict__.
// -O2's very-cheap vectorizer cost model leaves this loop scalar (one divss/sqrtss at a time, about
// half PyTorch's speed); the full cost model vectorizes it with divps/sqrtps, which are correctly
// rounded per lane, so the results stay bit-identical (no FMA contraction: no -march, no -ffast-math).
__attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic")))
void AdamStep(float* __restrict__ var, const float* __restrict__ grad, float* __restrict__ m, float* __restrict__ v,
              int64_t begin, int64_t end, const AdamConstants& c) {
  const float beta1 = c.beta1, one_minus_beta1 = c.one_minus_beta1, beta2 = c.beta2, one_minus_beta2 = c.one_minus_beta2;
  const float one_minus_acc_beta1 = c.one_minus_acc_beta1, one_minus_acc_beta2 = c.one_minus_acc_beta2;
  const float epsilon = c.epsilon, neg_lr = c.neg_lr;
  for (int64_t j = begin; j < end; ++j) {
    const float g = grad[j];
    const float m_new = m[j] * beta1 + g * one_minus_beta1;
    const float v_new = v[j] * beta2 + (g * g) * one_minus_beta2;
    m[j] = m_new;
    v[j] = v_new;
    const float m_hat = m_new / one_minus_acc_beta1;
    const float v_hat = v_new / one_minus_acc_beta2;
    var[j] = (m_hat / (std::sqrt(v_hat) + epsilon)) * neg_lr + var[j];
  }
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
  const size_t n = exclusive.size();
  if (handles.size() != 4 * n) {
    throw std::invalid_argument("adamUpdate: " + std::to_string(handles.size()) + " handles for " + std::to_string(n) +
                                " variables (need var, grad, m, v per variable)");
  }
  const double lr = DoubleArg(info, 2);
  const double beta1 = DoubleArg(info, 3);
  const double beta2 = DoubleArg(info, 4);
  // tfjs makes float32 scalars of beta, 1 - beta (computed in double), epsilon and -lr, and
  // computes 1 - accBeta in float32.
  const AdamConstants c{
      static_cast<float>(beta1), static_cast<float>(1 - beta1), static_cast<float>(beta2), static_cast<float>(1 - beta2),
      1.0f - static_cast<float>(DoubleArg(info, 6)), 1.0f - static_cast<float>(DoubleArg(info, 7)),
      static_cast<float>(DoubleArg(info, 5)), static_cast<float>(-lr)};
  std::vector<at::Tensor> results(3 * n);
  for (size_t i = 0; i < n; ++i) {
    at::Tensor& var_in = GetTensor(handles[i]);
    at::Tensor& m_in = GetTensor(handles[2 * n + i]);
    at::Tensor& v_in = GetTensor(handles[3 * n + i]);
    const at::Tensor grad = GetTensor(handles[n + i]).contiguous();
    for (const at::Tensor* t : std::initializer_list<const at::Tensor*>{&var_in, &grad, &m_in, &v_in}) {
      if (t->scalar_type() != at::kFloat) throw std::invalid_argument("adamUpdate: variable " + std::to_string(i) + " is not float32");
      if (!t->sizes().equals(var_in.sizes())) {
        throw std::invalid_argument("adamUpdate: variable " + std::to_string(i) + " and its gradient/moments differ in shape");
      }
    }
    const bool in_place = exclusive[i] != 0 && SoleOwner(var_in) && SoleOwner(m_in) && SoleOwner(v_in);
    at::Tensor var = Writable(var_in, in_place);
    at::Tensor m = Writable(m_in, in_place);
    at::Tensor v = Writable(v_in, in_place);
    float* var_data = var.data_ptr<float>();
    float* m_data = m.data_ptr<float>();
    float* v_data = v.data_ptr<float>();
    const float* grad_data = grad.data_ptr<float>();
    at::parallel_for(0, var.numel(), 32768, [&](int64_t begin, int64_t end) {
      AdamStep(var_data, grad_data, m_data, v_data, begin, end, c);
    });
    if (in_place) {
      for (at::Tensor* t : {&var, &m, &v}) MarkWritten(*t);
    }
    results[i] = var;
    results[n + i] = m;
    results[2 * n + i] = v;
  }
  return ReturnTensors(info, results);
}

// shadow' = shadow decay + value (1 - decay) in float32, in the order of core's composed form (mul, mul, add: tfjs's
// float32 scalars of decay and 1 - decay), so the result is bit-identical to it; vectorized as AdamStep (no FMA).
__attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic")))
void EmaStep(float* __restrict__ shadow, const float* __restrict__ value, int64_t begin, int64_t end, float decay, float rest) {
  for (int64_t j = begin; j < end; ++j) shadow[j] = shadow[j] * decay + value[j] * rest;
}

// emaUpdate(handles: [shadow..., value...], exclusive: (0|1)[], decay) -> [shadow'...]: an exponential moving average
// of weights (core's createEma) for every weight at once; exclusive as adamUpdate's (in place when the JS side alone
// holds the shadow, else on a copy).
Napi::Value EmaUpdate(const Napi::CallbackInfo& info) {
  const std::vector<int64_t> handles = IntListArg(info, 0);
  const std::vector<int64_t> exclusive = IntListArg(info, 1);
  const size_t n = exclusive.size();
  if (handles.size() != 2 * n) {
    throw std::invalid_argument("emaUpdate: " + std::to_string(handles.size()) + " handles for " + std::to_string(n) + " weights (need shadow, value per weight)");
  }
  const double decay = DoubleArg(info, 2);
  const float decay_f = static_cast<float>(decay), rest = static_cast<float>(1 - decay);
  std::vector<at::Tensor> results(n);
  for (size_t i = 0; i < n; ++i) {
    at::Tensor& shadow_in = GetTensor(handles[i]);
    const at::Tensor value = GetTensor(handles[n + i]).contiguous();
    if (shadow_in.scalar_type() != at::kFloat || value.scalar_type() != at::kFloat || !shadow_in.sizes().equals(value.sizes())) {
      throw std::invalid_argument("emaUpdate: weight " + std::to_string(i) + ": shadow " + c10::str(shadow_in.sizes()) + " and value " +
                                  c10::str(value.sizes()) + " must be float32 of one shape");
    }
    const bool in_place = exclusive[i] != 0 && SoleOwner(shadow_in);
    at::Tensor shadow = Writable(shadow_in, in_place);
    float* shadow_data = shadow.data_ptr<float>();
    const float* value_data = value.data_ptr<float>();
    at::parallel_for(0, shadow.numel(), 32768, [&](int64_t begin, int64_t end) { EmaStep(shadow_data, value_data, begin, end, decay_f, rest); });
    if (in_place) MarkWritten(shadow);
    results[i] = shadow;
  }
  return ReturnTensors(info, results);
}

}  // namespace

GANTRY_OP("adamUpdate", AdamUpdate);
GANTRY_OP("emaUpdate", EmaUpdate);

}  // namespace gantry
