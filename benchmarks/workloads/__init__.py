"""The workloads, one module each; every module has `cases(device, config) -> list[Case]`."""
import importlib

#: module name -> the case (row) names it produces, in report order
WORKLOADS = {
    "ops": ("ops",),
    "mlp": ("mlp", "mlp_autograd"),
    "cnn": ("cnn",),
    "lstm": ("lstm",),
    "transformer": ("transformer",),
    "generation": ("generate",),
    "matmul": ("matmul",),
    "sparse": ("spmm",),
    "conv": ("conv",),
    "convs": ("conv3x3_56", "conv3x3_28", "conv3x3_14", "conv3x3_32", "conv3x3_s2", "conv1x1_256_64",
              "conv1x1_64_256", "conv_cifar_first", "conv5x5_lenet", "conv_depthwise", "conv3x3_8",
              "conv3x3_dilated", "batchnorm2d_16", "batchnorm2d_64", "resnet8_b64", "resnet8_b128", "resnet20_b64",
              "resnet20_b128", "separable_block"),
    "memory": ("memory",),
    "startup": ("startup",),
    "large": ("large_mlp", "large_conv"),
    "ddp": ("ddp", "ddp_allreduce", "ddp_wait", "ddp_mlp", "ddp_mlp_allreduce", "ddp_mlp_wait"),
    "jit": ("ops_jit", "mlp_jit", "cnn_jit", "lstm_jit", "jit_capture"),
    "loaded": ("mlp_loaded", "cnn_loaded", "lstm_loaded", "conv_loaded", "resnet_loaded", "generate_loaded"),
    "layer_ops": ("op_global_avg_pool", "op_max_pool2d", "op_leaky_relu", "op_elu", "op_gelu", "op_where",
                  "op_layer_norm", "op_group_norm", "op_instance_norm", "op_softmax", "op_bce_with_logits",
                  "op_interpolate_bilinear"),
}


def resolve(names):
    """(module names, case names) selected by workload or case names, e.g. ['mlp_autograd', 'ops'].

    Raises ValueError naming the unknown names and the known ones.
    """
    known = {case: module for module, case_names in WORKLOADS.items() for case in case_names}
    unknown = [n for n in names if n not in WORKLOADS and n not in known]
    if unknown:
        every = sorted(set(WORKLOADS) | set(known))
        raise ValueError(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(every)}")
    cases = {case for n in names for case in (WORKLOADS.get(n) or (n,))}
    modules = [m for m in WORKLOADS if any(c in cases for c in WORKLOADS[m])]
    return modules, cases


def cases_for(module_name, device, config):
    """The cases of workload module `module_name` on `device`."""
    module = importlib.import_module(f"{__name__}.{module_name}")
    return module.cases(device, config)
