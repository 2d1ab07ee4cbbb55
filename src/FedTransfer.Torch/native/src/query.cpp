// Metadata queries: cheap, and the managed side calls them without a GC transition.
#include "common.h"

using ft::T;

FT_API int ft_dim(ft_tensor t) { return static_cast<int>(T(t).dim()); }

FT_API int64_t ft_numel(ft_tensor t) { return T(t).numel(); }

FT_API int ft_sizes(ft_tensor t, int64_t* out, int capacity) {
  auto sizes = T(t).sizes();
  int n = static_cast<int>(sizes.size());
  for (int i = 0; i < n && i < capacity; ++i) out[i] = sizes[i];
  return n;
}

FT_API int64_t ft_size(ft_tensor t, int dim) { FT_TRY return T(t).size(dim); FT_CATCH(-1) }

FT_API int ft_dtype(ft_tensor t) { return static_cast<int>(T(t).scalar_type()); }

FT_API int ft_element_size(ft_tensor t) { return static_cast<int>(T(t).element_size()); }

FT_API int ft_device_type(ft_tensor t) { return static_cast<int>(T(t).device().type()); }

FT_API int ft_device_index(ft_tensor t) { return static_cast<int>(T(t).device().index()); }

FT_API int ft_requires_grad(ft_tensor t) { return T(t).requires_grad() ? 1 : 0; }

FT_API int ft_is_leaf(ft_tensor t) { FT_TRY return T(t).is_leaf() ? 1 : 0; FT_CATCH(-1) }
