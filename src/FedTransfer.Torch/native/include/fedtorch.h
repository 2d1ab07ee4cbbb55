/* libfedtorch: a C ABI over libtorch for FedTransfer.Torch.
 *
 * Conventions (the managed side relies on every one of them):
 *  - ft_tensor is an opaque pointer to a heap-allocated at::Tensor; each one returned is owned by the
 *    caller and released with ft_tensor_free. Two handles may share one storage (views, detach).
 *  - Functions returning ft_tensor return NULL on failure; functions returning int return 0 on success
 *    and -1 on failure. After a failure ft_last_error() gives libtorch's message (thread-local, valid until
 *    the next failure on the same thread). No export lets a C++ exception escape.
 *  - dtype arguments are c10::ScalarType values; devices are (c10::DeviceType, index) pairs: CPU = 0, CUDA = 1.
 *  - Shapes and dimension lists are passed as (const int64_t*, int count).
 *  - Booleans are ints (0/1) so every argument is blittable.
 */
#ifndef FEDTORCH_H
#define FEDTORCH_H

#include <stdint.h>

#ifdef __cplusplus
#define FT_EXTERN extern "C"
#else
#define FT_EXTERN
#endif
#define FT_API FT_EXTERN __attribute__((visibility("default")))

typedef struct ft_tensor_s* ft_tensor;
typedef struct ft_optim_s* ft_optim;

/* runtime.cpp: errors, lifetime, threads, seeding, CUDA */
FT_API const char* ft_last_error(void);
FT_API void ft_tensor_free(ft_tensor t);
FT_API int ft_set_num_threads(int n);
FT_API int ft_get_num_threads(void);
FT_API int ft_manual_seed(int64_t seed);
FT_API int ft_cuda_is_available(void);
FT_API int ft_cuda_device_count(void);

/* create.cpp: factories, conversions, copies out */
FT_API ft_tensor ft_from_data(const void* data, const int64_t* shape, int ndim, int dtype);
FT_API ft_tensor ft_empty(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_zeros(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_ones(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_arange(int64_t n, int dtype, int device_type, int device_index);
FT_API ft_tensor ft_to_device(ft_tensor t, int device_type, int device_index);
FT_API ft_tensor ft_to_dtype(ft_tensor t, int dtype);
FT_API ft_tensor ft_clone(ft_tensor t);
FT_API ft_tensor ft_detach(ft_tensor t);
FT_API ft_tensor ft_contiguous(ft_tensor t);
FT_API ft_tensor ft_alias(ft_tensor t);
FT_API int ft_copy_to_host(ft_tensor t, void* dst, int64_t nbytes);
FT_API int ft_item_double(ft_tensor t, double* out);
FT_API int ft_item_int64(ft_tensor t, int64_t* out);

/* query.cpp: metadata (cannot fail for a valid handle, except ft_size on a bad dim) */
FT_API int ft_dim(ft_tensor t);
FT_API int64_t ft_numel(ft_tensor t);
FT_API int ft_sizes(ft_tensor t, int64_t* out, int capacity);
FT_API int64_t ft_size(ft_tensor t, int dim);
FT_API int ft_dtype(ft_tensor t);
FT_API int ft_element_size(ft_tensor t);
FT_API int ft_device_type(ft_tensor t);
FT_API int ft_device_index(ft_tensor t);
FT_API int ft_requires_grad(ft_tensor t);
FT_API int ft_is_leaf(ft_tensor t);

/* ops.cpp: out-of-place arithmetic, shape, reductions, activations */
FT_API ft_tensor ft_add(ft_tensor a, ft_tensor b, double alpha);
FT_API ft_tensor ft_sub(ft_tensor a, ft_tensor b, double alpha);
FT_API ft_tensor ft_mul(ft_tensor a, ft_tensor b);
FT_API ft_tensor ft_div(ft_tensor a, ft_tensor b);
FT_API ft_tensor ft_add_scalar(ft_tensor a, double s);
FT_API ft_tensor ft_mul_scalar(ft_tensor a, double s);
FT_API ft_tensor ft_div_scalar(ft_tensor a, double s);
FT_API ft_tensor ft_rsub_scalar(ft_tensor a, double s);
FT_API ft_tensor ft_rdiv_scalar(ft_tensor a, double s);
FT_API ft_tensor ft_matmul(ft_tensor a, ft_tensor b);
FT_API ft_tensor ft_neg(ft_tensor a);
FT_API ft_tensor ft_exp(ft_tensor a);
FT_API ft_tensor ft_log(ft_tensor a);
FT_API ft_tensor ft_sqrt(ft_tensor a);
FT_API ft_tensor ft_abs(ft_tensor a);
FT_API ft_tensor ft_tanh(ft_tensor a);
FT_API ft_tensor ft_sigmoid(ft_tensor a);
FT_API ft_tensor ft_relu(ft_tensor a);
FT_API ft_tensor ft_gelu(ft_tensor a, int tanh_approximation);
FT_API ft_tensor ft_pow_scalar(ft_tensor a, double exponent);
FT_API ft_tensor ft_clamp(ft_tensor a, int has_min, double min, int has_max, double max);
FT_API ft_tensor ft_softmax(ft_tensor a, int64_t dim);
FT_API ft_tensor ft_log_softmax(ft_tensor a, int64_t dim);
FT_API ft_tensor ft_reshape(ft_tensor a, const int64_t* shape, int n);
FT_API ft_tensor ft_view(ft_tensor a, const int64_t* shape, int n);
FT_API ft_tensor ft_permute(ft_tensor a, const int64_t* dims, int n);
FT_API ft_tensor ft_expand(ft_tensor a, const int64_t* shape, int n);
FT_API ft_tensor ft_transpose(ft_tensor a, int64_t d0, int64_t d1);
FT_API ft_tensor ft_unsqueeze(ft_tensor a, int64_t dim);
FT_API ft_tensor ft_squeeze(ft_tensor a, int64_t dim);
FT_API ft_tensor ft_flatten(ft_tensor a, int64_t start_dim, int64_t end_dim);
FT_API ft_tensor ft_slice(ft_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step);
FT_API ft_tensor ft_select(ft_tensor a, int64_t dim, int64_t index);
FT_API ft_tensor ft_index_select(ft_tensor a, int64_t dim, ft_tensor index);
FT_API ft_tensor ft_sum(ft_tensor a);
FT_API ft_tensor ft_sum_dims(ft_tensor a, const int64_t* dims, int n, int keepdim);
FT_API ft_tensor ft_mean(ft_tensor a);
FT_API ft_tensor ft_mean_dims(ft_tensor a, const int64_t* dims, int n, int keepdim);
FT_API ft_tensor ft_max(ft_tensor a);
FT_API ft_tensor ft_argmax(ft_tensor a, int64_t dim, int keepdim);
FT_API ft_tensor ft_eq(ft_tensor a, ft_tensor b);
FT_API ft_tensor ft_norm(ft_tensor a);
FT_API int ft_all_finite(ft_tensor a, int* out);
FT_API int ft_equal(ft_tensor a, ft_tensor b, int* out);

/* ops_inplace.cpp: in-place updates (return 0 / -1) */
FT_API int ft_add_(ft_tensor a, ft_tensor b, double alpha);
FT_API int ft_mul_scalar_(ft_tensor a, double s);
FT_API int ft_copy_(ft_tensor dst, ft_tensor src);
FT_API int ft_zero_(ft_tensor a);
FT_API int ft_fill_(ft_tensor a, double value);
FT_API int ft_normal_(ft_tensor a, double mean, double std);
FT_API int ft_uniform_(ft_tensor a, double lo, double hi);

/* nn.cpp: functional building blocks of a network (bias/weight handles may be NULL) */
FT_API ft_tensor ft_linear(ft_tensor x, ft_tensor w, ft_tensor b);
FT_API ft_tensor ft_conv2d(ft_tensor x, ft_tensor w, ft_tensor b, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w);
FT_API ft_tensor ft_layer_norm(ft_tensor x, const int64_t* shape, int n, ft_tensor w, ft_tensor b, double eps);
FT_API ft_tensor ft_dropout(ft_tensor x, double p, int training);
FT_API ft_tensor ft_embedding(ft_tensor indices, ft_tensor weight);
FT_API ft_tensor ft_cross_entropy(ft_tensor logits, ft_tensor targets, double label_smoothing);
FT_API ft_tensor ft_cat(const ft_tensor* tensors, int n, int64_t dim);
FT_API ft_tensor ft_stack(const ft_tensor* tensors, int n, int64_t dim);
FT_API ft_tensor ft_attention(ft_tensor q, ft_tensor k, ft_tensor v, double scale, double dropout_p, int training);

/* autograd.cpp */
FT_API int ft_backward(ft_tensor t);
FT_API int ft_grad(ft_tensor t, ft_tensor* out);
FT_API int ft_set_requires_grad(ft_tensor t, int requires_grad);
FT_API int ft_zero_grad(ft_tensor t);
FT_API int ft_grad_mode_set(int enabled);
FT_API int ft_grad_mode_enabled(void);

/* optim.cpp: optimizers over a fixed parameter list, one native call per step */
FT_API ft_optim ft_adamw_new(const ft_tensor* params, int n, double lr, double beta1, double beta2, double eps, double weight_decay);
FT_API ft_optim ft_sgd_new(const ft_tensor* params, int n, double lr, double momentum, double weight_decay);
FT_API int ft_optim_step(ft_optim o);
FT_API int ft_optim_zero_grad(ft_optim o);
FT_API int ft_optim_get_lr(ft_optim o, double* out);
FT_API int ft_optim_set_lr(ft_optim o, double lr);
FT_API void ft_optim_free(ft_optim o);
FT_API int ft_clip_grad_norm(const ft_tensor* params, int n, double max_norm, double* total_norm);

/* linalg.cpp: torch.linalg; multi-output calls return a status and write new handles only on success */
FT_API int ft_linalg_svd(ft_tensor a, int full_matrices, ft_tensor* u, ft_tensor* s, ft_tensor* vh);

#endif
