// Data-parallel collectives on PyTorch's own distributed layer (c10d), not a home-made one: a TCPStore
// rendezvous and a ProcessGroupGloo (ProcessGroupNCCL when this LibTorch has CUDA and NCCL headers)
// running all-reduce, broadcast and barrier on tensors of the store. The tensors never cross into JS:
// each call flattens its tensors into one bucket per dtype (one collective per step, not one per
// weight, as DistributedDataParallel's buckets), c10d reduces the bucket, and the result is written
// back into the store's tensors.
//
// A collective is started (distStartAllReduce / distStartBroadcast return a work id) and finished
// (distWait), so that JS can overlap other work with the communication, which runs on gloo's threads.
// Errors from c10d (a peer's connection closed, a timeout) are rethrown naming this rank and, when
// c10d's message names a peer's address, the rank behind that address.

// ProcessGroupGloo.hpp is empty unless USE_C10D_GLOO is set, as PyTorch's own build sets it.
#define USE_C10D_GLOO 1
#include "registry.h"

#include <cctype>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#if __has_include(<gloo/algorithm.h>) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#define GANTRY_HAVE_GLOO 1
#include <gloo/context.h>
#include <gloo/transport/pair.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

// NCCL only where the LibTorch build has CUDA: the official CUDA zip (whose libtorch.so loads
// libtorch_cuda.so, where ProcessGroupNCCL lives) with the CUDA toolkit's and NCCL's headers on the
// include path (CPATH=/usr/local/cuda/include). Debian's CPU LibTorch never takes this branch.
#if defined(GANTRY_HAVE_GLOO) && __has_include(<nccl.h>) && __has_include(<cuda_runtime_api.h>) && \
    __has_include(<torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>)
#define USE_C10D_NCCL 1
#define GANTRY_HAVE_NCCL 1
#include <ATen/cuda/CUDAContext.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace gantry {
namespace {

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env());
  uint32_t n = 0;
#ifdef GANTRY_HAVE_GLOO
  names.Set(n++, "gloo");
#endif
#ifdef GANTRY_HAVE_NCCL
  names.Set(n++, "nccl");
#endif
  (void)n;
  return names;
}
GANTRY_OP("distBackends", Backends);

#ifdef GANTRY_HAVE_GLOO

// ProcessGroupGloo keeps its gloo contexts protected; this subclass reads the listening address of
// each of its pairs, which is how gloo names a peer in its errors ("Connection closed by peer [ip]:port").
class GlooGroup : public c10d::ProcessGroupGloo {
 public:
  using c10d::ProcessGroupGloo::ProcessGroupGloo;
  // The local address of the pair connected to `peer`: the address `peer`'s errors name us by.
  std::string PairAddress(int peer) { return contexts_.at(0)->getPair(peer)->address().str(); }
};

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{0};
  at::Device device = at::kCPU;                           // where buckets must live for the backend
  std::unordered_map<std::string, int> peer_by_address;   // a peer's gloo pair address -> its rank
  // Buckets of finished collectives, reused by the next of the same size: a training step reduces the
  // same sizes every time, and a fresh 10 MB bucket costs its page faults again (cat of 10 MB: 18 ms
  // into fresh memory on this machine, a few ms into memory already touched).
  std::vector<at::Tensor> spare_buckets;
};

// One tensor of a collective: its store handle, where it lies in its dtype's bucket, and whether the
// result goes to a fresh handle (JS asks for that when other tfjs tensors share the input's data).
struct Slot {
  int64_t handle;
  size_t bucket;
  int64_t offset;
  std::vector<int64_t> shape;
  at::Device device;   // the tensor's, where a fresh result goes
  bool fresh;
};

struct Pending {
  int64_t group;
  std::string what;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;   // one per bucket, completing in order
  std::vector<at::Tensor> buckets;
  std::vector<bool> direct;   // per bucket: it is the one tensor's own storage, reduced where it lies
  std::vector<Slot> slots;
  bool mean = false;
  bool write_back = true;   // false on a broadcast's root, whose tensors are the source
};

// Heap-allocated and never destroyed: at process exit no destructor may join gloo threads that wait
// on a dead peer.
std::unordered_map<int64_t, Group>& Groups() {
  static auto* groups = new std::unordered_map<int64_t, Group>();
  return *groups;
}
std::unordered_map<int64_t, Pending>& Works() {
  static auto* works = new std::unordered_map<int64_t, Pending>();
  return *works;
}
int64_t next_id = 1;

Group& GroupArg(const Napi::CallbackInfo& info, size_t index) {
  auto it = Groups().find(IntArg(info, index));
  if (it == Groups().end()) throw std::invalid_argument("no such process group (destroyed?)");
  return it->second;
}

// c10d's message, prefixed with who failed and, when it names a peer's pair address, that peer's rank.
[[noreturn]] void Rethrow(const Group& group, const std::string& what, const std::exception& e) {
  std::string message = e.what();
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) message = c10->what_without_backtrace();
  std::string text = "rank " + std::to_string(group.rank) + " of " + std::to_string(group.size) + ": " + what + " failed";
  for (const auto& [address, rank] : group.peer_by_address) {
    const size_t at = message.find(address);   // "[ip]:4998" must not match "[ip]:49981"
    if (at != std::string::npos && !std::isdigit(static_cast<unsigned char>(message[at + address.size()]))) {
      text += ": lost rank " + std::to_string(rank) + " (its connection " + address + " failed)";
      break;
    }
  }
  if (message.find("imed out") != std::string::npos) {
    text += ": timed out after " + std::to_string(group.timeout.count()) + " ms (a rank is stuck, dead or missing)";
  }
  throw std::runtime_error(text + "; c10d: " + message);
}

std::shared_ptr<::gloo::transport::Device> GlooDevice(const std::string& master_addr) {
  // As torch.distributed: GLOO_SOCKET_IFNAME names the interface; a loopback master means a
  // single-machine group, bound to loopback; otherwise the address this host's name resolves to.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname != nullptr && *ifname != '\0') {
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  }
  if (master_addr == "localhost" || master_addr.rfind("127.", 0) == 0 || master_addr == "::1") {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

// distInit(rank, worldSize, masterAddr, masterPort, timeoutMs, backend, initTimeoutMs): group id. Rank 0
// serves the store; every rank blocks until all have joined or initTimeoutMs passes. timeoutMs bounds
// each collective's wait for its peers.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Group group;
  group.rank = static_cast<int>(IntArg(info, 0));
  group.size = static_cast<int>(IntArg(info, 1));
  const std::string addr = StringArg(info, 2);
  const int64_t port = IntArg(info, 3);
  group.timeout = std::chrono::milliseconds(IntArg(info, 4));
  const std::string backend = StringArg(info, 5);
  const std::chrono::milliseconds init_timeout(IntArg(info, 6));
  if (group.size < 1 || group.rank < 0 || group.rank >= group.size) {
    throw std::invalid_argument("rank " + std::to_string(group.rank) + " is not in [0, " + std::to_string(group.size) + ")");
  }
  if (port < 1 || port > 65535) throw std::invalid_argument("master port " + std::to_string(port) + " is not in 1-65535");
  bool known = backend == "gloo";
#ifdef GANTRY_HAVE_NCCL
  known = known || backend == "nccl";
#endif
  if (!known) throw std::invalid_argument("backend \"" + backend + "\" is not in this build (distBackends() lists those that are)");
  const std::string where = "joining the group at " + addr + ":" + std::to_string(port);
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(port);
    store_options.isServer = group.rank == 0;
    store_options.numWorkers = static_cast<size_t>(group.size);
    store_options.waitWorkers = true;
    store_options.timeout = init_timeout;
    group.store = c10::make_intrusive<c10d::TCPStore>(addr, store_options);
    if (backend == "gloo") {
      auto options = c10d::ProcessGroupGloo::Options::create(group.timeout);
      options->devices.push_back(GlooDevice(addr));
      auto pg = c10::make_intrusive<GlooGroup>(group.store, group.rank, group.size, options);
      // Publish, for each peer, the address our pair to it listens on; read back who is behind the
      // addresses our own errors will name.
      for (int peer = 0; peer < group.size; ++peer) {
        if (peer == group.rank) continue;
        const std::string address = pg->PairAddress(peer);
        group.store->set("gantry/pair/" + std::to_string(peer) + "/" + std::to_string(group.rank),
                         std::vector<uint8_t>(address.begin(), address.end()));
      }
      for (int peer = 0; peer < group.size; ++peer) {
        if (peer == group.rank) continue;
        const auto bytes = group.store->get("gantry/pair/" + std::to_string(group.rank) + "/" + std::to_string(peer));
        group.peer_by_address[std::string(bytes.begin(), bytes.end())] = peer;
      }
      group.pg = pg;
#ifdef GANTRY_HAVE_NCCL
    } else {  // nccl: one GPU per rank (ranks of a machine take its GPUs in turn)
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = group.timeout;
      group.device = at::Device(at::kCUDA, static_cast<at::DeviceIndex>(group.rank % at::cuda::device_count()));
      group.pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(group.store, group.rank, group.size, options);
#endif
    }
  } catch (const std::exception& e) {
    group.timeout = init_timeout;   // the wait that timed out, if one did
    Rethrow(group, where, e);
  }
  const int64_t id = next_id++;
  Groups().emplace(id, std::move(group));
  return Napi::Number::New(info.Env(), static_cast<double>(id));
}
GANTRY_OP("distInit", Init);

// Sole owner of contiguous storage: safe to overwrite without touching other tensors.
bool SoleOwner(const at::Tensor& t) {
  return t.is_contiguous() && t.use_count() == 1 && t.unsafeGetTensorImpl()->storage().use_count() == 1;
}

// A spare bucket of this kind (no pending collective holds it), else a new one.
at::Tensor TakeBucket(Group& group, at::ScalarType type, int64_t size) {
  for (auto it = group.spare_buckets.begin(); it != group.spare_buckets.end(); ++it) {
    if (it->scalar_type() == type && it->numel() == size && it->device() == group.device) {
      at::Tensor bucket = std::move(*it);
      group.spare_buckets.erase(it);
      return bucket;
    }
  }
  return at::empty({size}, at::TensorOptions().dtype(type).device(group.device));
}

// Only buckets of finished collectives come back (gloo's worker may still hold a reference for a
// moment after finishing, but it no longer touches the data).
void ReturnBucket(Group& group, at::Tensor bucket) {
  constexpr size_t kMaxSpares = 8;   // a step reduces a few models' gradients: a few sizes
  if (group.spare_buckets.size() >= kMaxSpares) group.spare_buckets.erase(group.spare_buckets.begin());
  group.spare_buckets.push_back(std::move(bucket));
}

// Flattens the tensors of handles[] into one bucket per dtype (in order of first appearance). A
// dtype's only tensor, when nothing else shares its storage, is its own bucket (no copies at all).
Pending Bucket(const Napi::CallbackInfo& info, int64_t group_id, Group& group, std::string what, bool fill) {
  std::vector<int64_t> handles = IntListArg(info, 1);
  std::vector<int64_t> fresh = IntListArg(info, 3);
  if (fresh.size() != handles.size()) throw std::invalid_argument("one fresh flag per tensor is needed");
  Pending pending;
  pending.group = group_id;
  pending.what = std::move(what);
  std::vector<at::ScalarType> types;
  std::vector<std::vector<at::Tensor>> parts;
  std::vector<int64_t> sizes;
  std::vector<size_t> first;   // per bucket, its first slot
  std::vector<bool> sole;      // per slot: SoleOwner before the bucket's views were taken
  for (size_t i = 0; i < handles.size(); ++i) {
    const at::Tensor& t = GetTensor(handles[i]);
    if (t.scalar_type() != at::kFloat && t.scalar_type() != at::kInt) {
      throw std::invalid_argument("tensor " + std::to_string(i) + " is " + std::string(c10::toString(t.scalar_type())) +
                                  "; collectives take float32 and int32 tensors");
    }
    size_t b = 0;
    while (b < types.size() && types[b] != t.scalar_type()) ++b;
    if (b == types.size()) { types.push_back(t.scalar_type()); parts.emplace_back(); sizes.push_back(0); first.push_back(i); }
    sole.push_back(SoleOwner(t));
    pending.slots.push_back({handles[i], b, sizes[b], t.sizes().vec(), t.device(), fresh[i] != 0});
    parts[b].push_back(t.reshape({-1}).to(group.device));
    sizes[b] += t.numel();
  }
  for (size_t b = 0; b < types.size(); ++b) {
    const Slot& only = pending.slots[first[b]];
    const bool direct = parts[b].size() == 1 && !only.fresh && sole[first[b]] && only.device == group.device;
    at::Tensor bucket;
    if (direct) {
      bucket = parts[b][0];   // a view of the tensor's own storage
    } else {
      bucket = TakeBucket(group, types[b], sizes[b]);
      if (fill) at::cat_out(bucket, parts[b], 0);
    }
    pending.buckets.push_back(std::move(bucket));
    pending.direct.push_back(direct);
  }
  return pending;
}

Napi::Value Queue(const Napi::CallbackInfo& info, Pending pending) {
  const int64_t id = next_id++;
  Works().emplace(id, std::move(pending));
  return Napi::Number::New(info.Env(), static_cast<double>(id));
}

// distStartAllReduce(group, handles[], mean, fresh[]): work id. Sums (or averages) each tensor over all ranks.
Napi::Value StartAllReduce(const Napi::CallbackInfo& info) {
  const int64_t id = IntArg(info, 0);
  Group& group = GroupArg(info, 0);
  Pending pending = Bucket(info, id, group, "allreduce", /*fill=*/true);
  pending.mean = BoolArg(info, 2);
  if (pending.mean) {
    for (const auto& bucket : pending.buckets) {
      if (!at::isFloatingType(bucket.scalar_type())) throw std::invalid_argument("mean needs float32 tensors");
    }
  }
  try {
    // One collective per dtype bucket: gloo takes several tensors in one call only when they are
    // on several devices, and its allreduce_coalesced only when they share a dtype.
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    options.timeout = group.timeout;
    for (auto& bucket : pending.buckets) {
      std::vector<at::Tensor> one{bucket};
      pending.works.push_back(group.pg->allreduce(one, options));
    }
  } catch (const std::exception& e) {
    Rethrow(group, "allreduce", e);
  }
  return Queue(info, std::move(pending));
}
GANTRY_OP("distStartAllReduce", StartAllReduce);

// distStartBroadcast(group, handles[], root, fresh[]): work id. Every rank's tensors get root's values.
Napi::Value StartBroadcast(const Napi::CallbackInfo& info) {
  const int64_t id = IntArg(info, 0);
  Group& group = GroupArg(info, 0);
  const int64_t root = IntArg(info, 2);
  if (root < 0 || root >= group.size) {
    throw std::invalid_argument("root " + std::to_string(root) + " is not a rank of this group of " + std::to_string(group.size));
  }
  const bool is_root = root == group.rank;
  Pending pending = Bucket(info, id, group, "broadcast from rank " + std::to_string(root), /*fill=*/is_root);
  pending.write_back = !is_root;
  try {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    options.timeout = group.timeout;
    for (auto& bucket : pending.buckets) {
      std::vector<at::Tensor> one{bucket};
      pending.works.push_back(group.pg->broadcast(one, options));
    }
  } catch (const std::exception& e) {
    Rethrow(group, pending.what, e);
  }
  return Queue(info, std::move(pending));
}
GANTRY_OP("distStartBroadcast", StartBroadcast);

bool Overwritable(const at::Tensor& t, const at::Tensor& value) {
  return SoleOwner(t) && t.scalar_type() == value.scalar_type() && t.numel() == value.numel();
}

// The stored tensor of a handle, or null when it was disposed while its collective ran (it then needs no
// result; handles are never reused).
at::Tensor* LiveTensor(int64_t handle) {
  try {
    return &GetTensor(handle);
  } catch (const std::invalid_argument&) {
    return nullptr;
  }
}

// distWait(work): handles[]. Finishes a collective and writes its result back: into each input's own
// storage when nothing else shares it, else into a new tensor under the same handle (views of the old
// storage keep their values, as tfjs' immutable tensors require), or under a fresh handle where asked.
Napi::Value Wait(const Napi::CallbackInfo& info) {
  auto it = Works().find(IntArg(info, 0));
  if (it == Works().end()) throw std::invalid_argument("no such collective (already waited on?)");
  Pending pending = std::move(it->second);
  Works().erase(it);
  auto group_it = Groups().find(pending.group);
  if (group_it == Groups().end()) throw std::invalid_argument("the collective's process group was destroyed");
  Group& group = group_it->second;
  try {
    for (auto& work : pending.works) work->wait();
  } catch (const std::exception& e) {
    Rethrow(group, pending.what, e);
  }
  if (pending.mean) {
    for (auto& bucket : pending.buckets) bucket.div_(group.size);
  }
  Napi::Array out = Napi::Array::New(info.Env(), pending.slots.size());
  for (size_t i = 0; i < pending.slots.size(); ++i) {
    const Slot& slot = pending.slots[i];
    int64_t handle = slot.handle;
    if (pending.write_back && !pending.direct[slot.bucket]) {
      int64_t numel = 1;
      for (int64_t d : slot.shape) numel *= d;
      const at::Tensor value = pending.buckets[slot.bucket].narrow(0, slot.offset, numel).view(slot.shape);
      if (slot.fresh) {
        handle = StoreTensor(value.to(slot.device, /*non_blocking=*/false, /*copy=*/true));
      } else {
        if (at::Tensor* target = LiveTensor(slot.handle)) {
          if (Overwritable(*target, value)) target->copy_(value);
          else *target = value.to(target->device(), /*non_blocking=*/false, /*copy=*/true);
        }
      }
    } else if (pending.write_back) {
      // The collective wrote this tensor's own storage, which ATen does not see: caches keyed on tensor
      // versions (the convolutions' filter cache) must.
      if (at::Tensor* target = LiveTensor(slot.handle)) target->unsafeGetTensorImpl()->bump_version();
    }
    out.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(handle)));
  }
  for (size_t b = 0; b < pending.buckets.size(); ++b) {
    if (!pending.direct[b]) ReturnBucket(group, std::move(pending.buckets[b]));
  }
  return out;
}
GANTRY_OP("distWait", Wait);

// distBarrier(group): blocks until every rank has entered the barrier.
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Group& group = GroupArg(info, 0);
  try {
    c10d::BarrierOptions options;
    options.timeout = group.timeout;
    group.pg->barrier(options)->wait();
  } catch (const std::exception& e) {
    Rethrow(group, "barrier", e);
  }
  return info.Env().Undefined();
}
GANTRY_OP("distBarrier", Barrier);

// distDestroy(group): drops the group (its collectives still pending are dropped first). Rank 0's
// store closes with it, so the other ranks should have finished their last collective.
Napi::Value Destroy(const Napi::CallbackInfo& info) {
  const int64_t id = IntArg(info, 0);
  for (auto it = Works().begin(); it != Works().end();) {
    it = it->second.group == id ? Works().erase(it) : std::next(it);
  }
  Groups().erase(id);
  return info.Env().Undefined();
}
GANTRY_OP("distDestroy", Destroy);

#endif  // GANTRY_HAVE_GLOO

}  // namespace
}  // namespace gantry
