// Errors, handle release, threads, seeding and CUDA discovery.
#include "common.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

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

FT_API const char* ft_last_error(void) { return last_error.c_str(); }

FT_API void ft_tensor_free(ft_tensor t) { delete reinterpret_cast<at::Tensor*>(t); }

FT_API int ft_set_num_threads(int n) { FT_RETURN_STATUS(at::set_num_threads(n)); }

FT_API int ft_get_num_threads(void) { FT_TRY return at::get_num_threads(); FT_CATCH(-1) }

// at::manual_seed also seeds every visible CUDA generator, so one call covers both devices.
FT_API int ft_manual_seed(int64_t seed) { FT_RETURN_STATUS(at::manual_seed(static_cast<uint64_t>(seed))); }

FT_API int ft_cuda_is_available(void) { FT_TRY return torch::cuda::is_available() ? 1 : 0; FT_CATCH(0) }

FT_API int ft_cuda_device_count(void) { FT_TRY return static_cast<int>(torch::cuda::device_count()); FT_CATCH(0) }
