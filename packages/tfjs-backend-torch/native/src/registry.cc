// Argument helpers and the op registrar declared in registry.h.
#include "registry.h"

#include <stdexcept>

namespace gantry {

std::vector<RegisteredOp>& RegisteredOps() {
  static auto* ops = new std::vector<RegisteredOp>();
  return *ops;
}

OpRegistrar::OpRegistrar(const char* name, OpFn fn) { RegisteredOps().push_back({name, fn}); }

namespace {

[[noreturn]] void BadArg(size_t index, const char* expected) {
  throw std::invalid_argument("argument " + std::to_string(index) + " must be " + expected);
}

const Napi::Value Arg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length()) BadArg(index, "present");
  return info[index];
}

}  // namespace

at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t index) {
  return GetTensor(IntArg(info, index));
}

int64_t IntArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (!v.IsNumber()) BadArg(index, "a number");
  return v.As<Napi::Number>().Int64Value();
}

double DoubleArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (!v.IsNumber()) BadArg(index, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

bool BoolArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue() != 0;
  BadArg(index, "a boolean");
}

std::string StringArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (!v.IsString()) BadArg(index, "a string");
  return v.As<Napi::String>().Utf8Value();
}

std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (!v.IsArray()) BadArg(index, "an array of numbers");
  const Napi::Array array = v.As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value item = array.Get(i);
    if (!item.IsNumber()) BadArg(index, "an array of numbers");
    out[i] = item.As<Napi::Number>().Int64Value();
  }
  return out;
}

std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = Arg(info, index);
  if (!v.IsArray()) BadArg(index, "an array of tensor handles");
  const Napi::Array array = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value item = array.Get(i);
    if (!item.IsNumber()) BadArg(index, "an array of tensor handles");
    out.push_back(GetTensor(item.As<Napi::Number>().Int64Value()));
  }
  return out;
}

Napi::Value ReturnTensor(const Napi::CallbackInfo& info, at::Tensor result) {
  // Most results are fresh contiguous tensors: move them into the store (contiguous() would return
  // another reference, one more refcount round trip per call).
  const int64_t handle = StoreTensor(result.is_contiguous() ? std::move(result) : result.contiguous());
  return Napi::Number::New(info.Env(), static_cast<double>(handle));
}

Napi::Value ReturnTensors(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& results) {
  Napi::Array array = Napi::Array::New(info.Env(), results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    array.Set(static_cast<uint32_t>(i), ReturnTensor(info, results[i]));
  }
  return array;
}

}  // namespace gantry
