// The contract every native op file builds on: a store of ATen tensors addressed by integer
// handles (what the JS backend keeps per dataId), argument helpers, and self-registration of
// ops so that each .cc file adds its ops without touching addon.cc.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gantry {

// Tensor store (implemented in tensor_store.cc).
int64_t StoreTensor(at::Tensor tensor);    // returns a fresh handle
at::Tensor& GetTensor(int64_t handle);     // throws std::invalid_argument for an unknown handle
void ReleaseTensor(int64_t handle);
size_t LiveTensorCount();

// An op receives the JS call and returns a handle (Number), an array of handles, or any value.
// Exceptions (c10::Error, std::exception) are turned into JS errors that name the op.
using OpFn = Napi::Value (*)(const Napi::CallbackInfo& info);

struct OpRegistrar {
  OpRegistrar(const char* name, OpFn fn);
};
struct RegisteredOp {
  const char* name;
  OpFn fn;
};
std::vector<RegisteredOp>& RegisteredOps();

#define GANTRY_CONCAT_INNER(a, b) a##b
#define GANTRY_CONCAT(a, b) GANTRY_CONCAT_INNER(a, b)
// GANTRY_OP("conv2d", Conv2D); at namespace scope in any .cc file of native/src.
#define GANTRY_OP(js_name, fn) static ::gantry::OpRegistrar GANTRY_CONCAT(gantry_op_, __LINE__)(js_name, fn)

// Argument helpers: they throw std::invalid_argument with the argument index on a bad type.
at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t index);   // a handle argument
int64_t IntArg(const Napi::CallbackInfo& info, size_t index);
double DoubleArg(const Napi::CallbackInfo& info, size_t index);
bool BoolArg(const Napi::CallbackInfo& info, size_t index);
std::string StringArg(const Napi::CallbackInfo& info, size_t index);
std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t index);  // JS number[]
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t index);  // handle[]

// Return helpers: store the tensor (made contiguous in its logical row-major layout, which is what
// tfjs expects when it reads data back) and return its handle.
Napi::Value ReturnTensor(const Napi::CallbackInfo& info, at::Tensor result);
Napi::Value ReturnTensors(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& results);

}  // namespace gantry
