// Internal helpers shared by every translation unit: handle conversion and the error-catching macros.
#pragma once

#include <fedtorch.h>

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <exception>
#include <optional>
#include <utility>

namespace ft {

// Stores the message of a failed call for ft_last_error (thread-local; defined in runtime.cpp).
void set_error(const char* message) noexcept;

// Fails with a one-line message when a CUDA device is asked for and is not there (libtorch's own message for
// that is a 40-line dispatcher dump). Defined in runtime.cpp.
void check_device_available(const at::Device& device);

inline at::Tensor& T(ft_tensor h) { return *reinterpret_cast<at::Tensor*>(h); }

inline ft_tensor wrap(at::Tensor&& t) { return reinterpret_cast<ft_tensor>(new at::Tensor(std::move(t))); }

// Bias / weight arguments are optional: NULL means "absent".
inline c10::optional<at::Tensor> opt(ft_tensor h) {
  return h ? c10::optional<at::Tensor>(T(h)) : c10::nullopt;
}

inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

// The managed enum mirrors c10::ScalarType; anything else is a caller bug worth a clear message.
inline at::ScalarType scalar_type(int dtype) {
  TORCH_CHECK(dtype >= 0 && dtype < static_cast<int>(at::ScalarType::NumOptions) &&
                  dtype != static_cast<int>(at::ScalarType::Undefined),
              "unknown dtype code ", dtype, " (expected a c10::ScalarType value such as 6 for float32)");
  return static_cast<at::ScalarType>(dtype);
}

inline at::Device device(int type, int index) {
  TORCH_CHECK(type == static_cast<int>(at::DeviceType::CPU) || type == static_cast<int>(at::DeviceType::CUDA),
              "unsupported device type code ", type, " (expected 0 = cpu or 1 = cuda)");
  at::Device d(static_cast<at::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
  if (d.is_cuda()) check_device_available(d);
  return d;
}

inline at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index));
}

}  // namespace ft

// Every export body runs inside FT_TRY ... FT_CATCH(fail): a C++ exception must never unwind into the CLR.
#define FT_TRY try {
#define FT_CATCH(fail)                                            \
  }                                                               \
  catch (const c10::Error& e) {                                   \
    ft::set_error(e.what_without_backtrace());                    \
    return fail;                                                  \
  }                                                               \
  catch (const std::exception& e) {                               \
    ft::set_error(e.what());                                      \
    return fail;                                                  \
  }                                                               \
  catch (...) {                                                   \
    ft::set_error("unknown C++ exception inside libfedtorch");    \
    return fail;                                                  \
  }

// The two shapes nearly every export takes: produce a tensor, or perform an action.
#define FT_RETURN_TENSOR(expr) FT_TRY return ft::wrap(expr); FT_CATCH(nullptr)
#define FT_RETURN_STATUS(stmt) FT_TRY stmt; return 0; FT_CATCH(-1)
