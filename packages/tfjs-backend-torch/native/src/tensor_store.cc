// The tensor store: JS holds integer handles, the ATen tensors live here until released.
// All calls come from the JS main thread, so no locking is needed.
#include "registry.h"

#include <stdexcept>
#include <unordered_map>

namespace gantry {
namespace {

std::unordered_map<int64_t, at::Tensor>& Store() {
  static auto* store = [] {
    auto* map = new std::unordered_map<int64_t, at::Tensor>();
    map->reserve(4096);  // a training step keeps a few hundred tensors alive: no rehashing mid-step
    return map;
  }();
  return *store;
}
int64_t next_handle = 1;

}  // namespace

int64_t StoreTensor(at::Tensor tensor) {
  const int64_t handle = next_handle++;
  Store().emplace(handle, std::move(tensor));
  return handle;
}

at::Tensor& GetTensor(int64_t handle) {
  auto it = Store().find(handle);
  if (it == Store().end()) {
    throw std::invalid_argument("unknown tensor handle " + std::to_string(handle));
  }
  return it->second;
}

void ReleaseTensor(int64_t handle) { Store().erase(handle); }

size_t LiveTensorCount() { return Store().size(); }

}  // namespace gantry
