// Errors, handle release, threads, seeding and CUDA discovery.
#include "common.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {
thread_local std::string last_error;
constexpr size_t kMaxErrorLines = 4;
constexpr size_t kMaxErrorChars = 2000;
}  // namespace

void ft::set_error(const char* message) noexcept {
  try {
    // libtorch messages can carry a C++ backtrace or long operator traces; the first lines say what went wrong.
    std::string msg = message ? message : "unknown error";
    size_t pos = std::string::npos, start = 0;
    for (size_t line = 0; line < kMaxErrorLines; ++line) {
      pos = msg.find('\n', start);
      if (pos == std::string::npos) break;
      start = pos + 1;
    }
    if (pos != std::string::npos) msg.resize(pos);
    auto bt = msg.find("Exception raised from");
    if (bt != std::string::npos) msg.resize(bt);
    if (msg.size() > kMaxErrorChars) msg.resize(kMaxErrorChars);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    last_error = msg.empty() ? std::string("libtorch reported an error without a message") : msg;
  } catch (...) {
    // Out of memory while formatting the message: keep whatever was there rather than throw.
  }
}

void ft::check_device_available(const at::Device& device) {
  const int count = at::detail::getCUDAHooks().getNumGPUs();
  TORCH_CHECK(count > 0, "device ", device.str(), " requested but CUDA is not available here (libtorch without CUDA, ",
              "or no visible GPU); use the cpu device, or \"auto\" to pick CUDA only when present");
  TORCH_CHECK(device.index() < count, "device ", device.str(), " requested but only ", count, " CUDA device(s) are visible");
}

FT_API const char* ft_last_error(void) { return last_error.c_str(); }

FT_API void ft_tensor_free(ft_tensor t) { delete reinterpret_cast<at::Tensor*>(t); }

namespace {
// A training step allocates and frees the same large activation buffers every time. With glibc's defaults, blocks
// over 128 KiB come from mmap and the heap top is trimmed back to the OS whenever a step's buffers are released, so
// every step page-faults and zero-fills megabytes anew (measured: ~3,300 faults per step of bench/engine.sh, ~30
// with this tuning). Keep such blocks in the heap and keep up to 512 MiB of freed heap for reuse, much as PyTorch's
// CUDA caching allocator does on the GPU. FEDTRANSFER_MALLOC_TUNING=0, or setting glibc's own MALLOC_*_ variables,
// leaves malloc alone.
struct MallocTuning {
  MallocTuning() {
#ifdef __GLIBC__
    const char* opt = std::getenv("FEDTRANSFER_MALLOC_TUNING");
    if (opt && std::strcmp(opt, "0") == 0) return;
    if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_")) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's upper bound for the threshold on 64-bit
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  }
};
const MallocTuning malloc_tuning;

// at::set_num_threads governs OpenMP (and MKL) but not OpenBLAS's own pthread pool, which Debian's libtorch
// uses for GEMM: left alone, OpenBLAS keeps one busy-waiting thread per core whatever the caller asked for.
// The library is already loaded as libtorch's dependency; RTLD_NOLOAD only looks it up.
void set_openblas_threads(int n) {
  using setter = void (*)(int);
  static setter fn = []() -> setter {
    for (const char* name : {"libopenblas.so.0", "libopenblasp.so.0", "libblas.so.3"}) {
      if (void* lib = dlopen(name, RTLD_LAZY | RTLD_NOLOAD)) {
        if (void* sym = dlsym(lib, "openblas_set_num_threads")) return reinterpret_cast<setter>(sym);
      }
    }
    return nullptr;
  }();
  if (fn) fn(n);
}
}  // namespace

FT_API int ft_set_num_threads(int n) {
  FT_TRY
  at::set_num_threads(n);
  set_openblas_threads(n);
  return 0;
  FT_CATCH(-1)
}

FT_API int ft_get_num_threads(void) { FT_TRY return at::get_num_threads(); FT_CATCH(-1) }

// at::manual_seed also seeds every visible CUDA generator, so one call covers both devices.
FT_API int ft_manual_seed(int64_t seed) { FT_RETURN_STATUS(at::manual_seed(static_cast<uint64_t>(seed))); }

FT_API int ft_cuda_is_available(void) { FT_TRY return torch::cuda::is_available() ? 1 : 0; FT_CATCH(0) }

FT_API int ft_cuda_device_count(void) { FT_TRY return static_cast<int>(torch::cuda::device_count()); FT_CATCH(0) }
