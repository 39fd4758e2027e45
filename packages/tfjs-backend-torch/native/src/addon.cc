// Module init: exports every self-registered op, wrapped so that ATen/C++ errors become JS errors
// naming the op, plus the tensor-store functions the JS backend uses to move data in and out.
#include "registry.h"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#ifdef __linux__
#include <dlfcn.h>
#include <sched.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace gantry {
namespace {

// dtype codes shared with src/addon.ts
enum DtypeCode { kFloat32 = 0, kInt32 = 1, kBool = 2 };

at::ScalarType ScalarTypeOf(int64_t code) {
  switch (code) {
    case kFloat32: return at::kFloat;
    case kInt32: return at::kInt;
    case kBool: return at::kBool;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  }
}

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  const auto* op = static_cast<const RegisteredOp*>(info.Data());
  try {
    return op->fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), std::string(op->name) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(op->name) + ": " + e.what());
  }
}

// upload(values: TypedArray, shape: number[], dtypeCode): handle. Copies the values.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw std::invalid_argument("argument 0 must be a TypedArray");
  const Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  const std::vector<int64_t> shape = IntListArg(info, 1);
  const at::ScalarType type = ScalarTypeOf(IntArg(info, 2));
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(type));
  const size_t bytes = tensor.numel() * tensor.element_size();
  if (array.ByteLength() != bytes) {
    throw std::invalid_argument("upload: " + std::to_string(array.ByteLength()) + " bytes given for a tensor of " +
                                std::to_string(bytes) + " bytes");
  }
  const auto* src = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  if (bytes > 0) std::memcpy(tensor.data_ptr(), src, bytes);
  return Napi::Number::New(info.Env(), static_cast<double>(StoreTensor(std::move(tensor))));
}

// download(handle): Float32Array | Int32Array | Uint8Array (bool), a copy in row-major order.
Napi::Value Download(const Napi::CallbackInfo& info) {
  at::Tensor tensor = TensorArg(info, 0);
  napi_typedarray_type kind;
  switch (tensor.scalar_type()) {
    case at::kFloat: kind = napi_float32_array; break;
    case at::kInt: kind = napi_int32_array; break;
    case at::kBool: kind = napi_uint8_array; break;
    case at::kLong: case at::kShort: case at::kChar: case at::kByte:
      tensor = tensor.to(at::kInt); kind = napi_int32_array; break;
    default: tensor = tensor.to(at::kFloat); kind = napi_float32_array; break;
  }
  tensor = tensor.contiguous();
  const size_t count = tensor.numel();
  const size_t bytes = count * tensor.element_size();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), bytes);
  switch (kind) {
    case napi_float32_array: return Napi::Float32Array::New(info.Env(), count, buffer, 0);
    case napi_int32_array: return Napi::Int32Array::New(info.Env(), count, buffer, 0);
    default: return Napi::Uint8Array::New(info.Env(), count, buffer, 0);
  }
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  ReleaseTensor(IntArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(LiveTensorCount()));
}

Napi::Value ShapeOf(const Napi::CallbackInfo& info) {
  const at::Tensor& tensor = TensorArg(info, 0);
  Napi::Array shape = Napi::Array::New(info.Env(), tensor.dim());
  for (int64_t i = 0; i < tensor.dim(); ++i) {
    shape.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(tensor.size(i))));
  }
  return shape;
}

Napi::Value DtypeOf(const Napi::CallbackInfo& info) {
  const at::ScalarType type = TensorArg(info, 0).scalar_type();
  const int code = type == at::kBool ? kBool : at::isFloatingType(type) ? kFloat32 : kInt32;
  return Napi::Number::New(info.Env(), code);
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const int64_t n = IntArg(info, 0);
  if (n < 1) throw std::invalid_argument("setNumThreads: need at least 1 thread, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// Cores this process may run on (respects taskset/cgroup affinity, unlike hardware_concurrency).
int UsableCores() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
#endif
  return static_cast<int>(std::thread::hardware_concurrency());
}

// OpenBLAS (Debian's libblas.so.3) keeps its own pthread pool beside ATen's OpenMP threads; on a
// machine with few cores the two pools spin against each other (mlp2d, measured on 2 cores with
// OMP_NUM_THREADS=2: 46 ms/step with OpenBLAS's default pool, 21 ms with one BLAS thread). Our
// matrices are GAN-sized, so BLAS runs on one thread unless GANTRY_BLAS_THREADS says otherwise;
// convolutions go through oneDNN and keep ATen's threads.
void InitBlasThreads() {
#ifdef __linux__
  using SetThreads = void (*)(int);
  auto set_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set_threads == nullptr) return;
  int blas_threads = 1;
  if (const char* env = std::getenv("GANTRY_BLAS_THREADS")) {
    const int requested = std::atoi(env);
    if (requested > 0) blas_threads = requested;
  }
  set_threads(blas_threads);
#endif
}

// glibc hands a freed block of 128 KB or more straight back to the kernel (munmap, or a trim of the heap's
// top), and the next tensor of that size faults its pages in and zeroes them again. A training step frees
// and reallocates the same activations every step: the gantts workload (docs/benchmarks.md) spent about
// half its CPU time so, 300-430 ms/step against 125-160 with these settings (measured with glibc's
// MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ on one process). Blocks up to 32 MB (glibc's largest
// threshold) now come from the heap, and up to 256 MB of freed heap is kept for reuse.
// GANTRY_MALLOC_DEFAULTS=1 keeps glibc's defaults.
void InitAllocator() {
#ifdef __GLIBC__
  const char* keep_defaults = std::getenv("GANTRY_MALLOC_DEFAULTS");
  if (keep_defaults != nullptr && std::strcmp(keep_defaults, "1") == 0) return;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
}

void InitThreads() {
  int threads = UsableCores();
  if (const char* env = std::getenv("GANTRY_TORCH_THREADS")) {
    const int requested = std::atoi(env);
    if (requested > 0) threads = requested;
  }
  if (threads > 0) at::set_num_threads(threads);
  InitBlasThreads();
}

// Store functions get the same error wrapping as ops.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return Fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  InitAllocator();
  InitThreads();
  exports.Set("upload", Napi::Function::New<Guarded<Upload>>(env, "upload"));
  exports.Set("download", Napi::Function::New<Guarded<Download>>(env, "download"));
  exports.Set("release", Napi::Function::New<Guarded<Release>>(env, "release"));
  exports.Set("liveCount", Napi::Function::New<Guarded<LiveCount>>(env, "liveCount"));
  exports.Set("shapeOf", Napi::Function::New<Guarded<ShapeOf>>(env, "shapeOf"));
  exports.Set("dtypeOf", Napi::Function::New<Guarded<DtypeOf>>(env, "dtypeOf"));
  exports.Set("setNumThreads", Napi::Function::New<Guarded<SetNumThreads>>(env, "setNumThreads"));
  exports.Set("numThreads", Napi::Function::New<Guarded<NumThreads>>(env, "numThreads"));
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
  for (RegisteredOp& op : RegisteredOps()) {
    exports.Set(op.name, Napi::Function::New(env, CallOp, op.name, &op));
    names.Set(i++, Napi::String::New(env, op.name));
  }
  exports.Set("opNames", names);
  return exports;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) { return InitAddon(env, exports); }

}  // namespace gantry

static Napi::Object InitGantryTorch(Napi::Env env, Napi::Object exports) { return gantry::Init(env, exports); }

NODE_API_MODULE(gantry_torch, InitGantryTorch)
