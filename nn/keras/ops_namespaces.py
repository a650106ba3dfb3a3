"""The sub-namespaces Keras users write: keras.ops.nn, .linalg, .image, .core and .numpy. Each is a small module
object that looks its names up in keras.ops when they are read, so a function added to keras.ops later appears
in its namespace too; `numpy` holds every public keras.ops function that Keras does not file under another
namespace."""
import types

NN = ("adaptive_average_pool adaptive_max_pool average_pool batch_normalization binary_crossentropy "
      "categorical_crossentropy celu conv conv_transpose ctc_decode ctc_loss depth_to_space depthwise_conv "
      "dot_product_attention elu fold gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh "
      "layer_normalization leaky_relu log_sigmoid log_softmax max_pool moments multi_hot normalize one_hot polar psnr "
      "relu relu6 rms_normalization selu separable_conv sigmoid silu soft_shrink softmax softplus softsign "
      "space_to_depth sparse_categorical_crossentropy sparse_plus sparse_sigmoid sparsemax squareplus swish "
      "tanh_shrink threshold unfold").split()
LINALG = ("cholesky cholesky_inverse det eig eigh inv jvp logdet lstsq lu_factor matrix_rank norm pinv qr slogdet "
          "solve solve_triangular svd").split()
CORE = ("associative_scan cast cond convert_to_numpy convert_to_tensor custom_gradient dtype fori_loop is_tensor map "
        "saturate_cast scan scatter scatter_update shape slice slice_update stop_gradient switch unstack "
        "vectorized_map while_loop").split()
IMAGE = ("affine_transform crop_images elastic_transform extract_patches extract_patches_3d gaussian_blur hsv_to_rgb "
         "map_coordinates pad_images perspective_transform resize rgb_to_grayscale rgb_to_hsv scale_and_translate "
         "sobel_edges ssim").split()
# Keras's math namespace and the rest of keras.ops that keras.ops.numpy leaves out (slogdet is in both)
_NOT_NUMPY = (set(NN + LINALG + CORE + IMAGE) - {"slogdet"}) | set(
    ("cdist erf erfc erfinv extract_sequences fft fft2 ifft2 in_top_k irfft istft logsumexp rearrange rfft rsqrt "
     "segment_max segment_min segment_prod segment_sum stft top_k view_as_complex view_as_real").split())


class _Namespace(types.ModuleType):
    """A view of some of keras.ops' functions under a sub-namespace name."""

    def __init__(self, name, ops, names=None):
        super().__init__(f"{ops.__name__}.{name}", f"keras.ops.{name}: {self._describe(name)}")
        self._ops, self._names = ops, names

    @staticmethod
    def _describe(name):
        return {"nn": "activations, convolutions, pooling, normalisation and losses",
                "linalg": "linear algebra", "image": "image resizing, padding, cropping and colour spaces",
                "core": "control flow, conversion and structure functions",
                "numpy": "the NumPy-style functions"}[name]

    def _public(self):
        if self._names is not None:
            return [n for n in self._names if callable(getattr(self._ops, n, None))]
        return sorted(n for n, v in vars(self._ops).items()
                      if not n.startswith("_") and n not in _NOT_NUMPY and callable(v) and not isinstance(v, type)
                      and getattr(v, "__module__", "").startswith(self._ops.__name__))

    def __getattr__(self, name):
        if not name.startswith("_") and name in self._public():
            return getattr(self._ops, name)
        raise AttributeError(f"keras.ops.{self.__name__.rsplit('.', 1)[1]} has no function {name!r}")

    def __dir__(self):
        return self._public()


def build(ops):
    """The nn, linalg, image, core and numpy namespaces over the keras.ops module `ops`."""
    from . import ops_image
    return (_Namespace("nn", ops, NN), _Namespace("linalg", ops, LINALG), _Namespace("image", ops_image, IMAGE),
            _Namespace("core", ops, CORE), _Namespace("numpy", ops))
