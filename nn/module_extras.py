"""The smaller Module methods PyTorch code calls: register_module, get_buffer, set_submodule, cuda, type,
share_memory, to_empty and the deprecated register_backward_hook (Module inherits them from ModuleExtras)."""
import warnings

import autograd as ag
from autograd import arrays
from autograd.methods_info import warn_not_shared


class ModuleExtras:
    """PyTorch's less central Module methods, written on Module's own registration and traversal."""

    call_super_init = False

    def register_module(self, name, module):
        """Add a sub-module under `name` (add_module's other name)."""
        self.add_module(name, module)

    def get_buffer(self, target):
        """The buffer at dotted path `target`, e.g. model.get_buffer("bn.running_mean")."""
        return self._member_at(target, "_buffers", "buffer")

    def _member_at(self, target, store, kind):
        """The parameter or buffer (`kind`, kept in `store`) at dotted path `target`."""
        owner, _, name = target.rpartition(".")
        module = self.get_submodule(owner)
        members = getattr(module, store)
        if name not in members:
            raise AttributeError(f"get_{kind}: {owner or 'the model'} ({type(module).__name__}) has no {kind} "
                                 f"{name!r} (it has {list(members)})")
        return members[name]

    def set_submodule(self, target, module, strict=False):
        """Put `module` at dotted path `target` (its parent must exist; strict=True: so must the old one)."""
        if not target:
            raise ValueError("set_submodule: the target path is empty; name the sub-module to set, e.g. 'encoder.0'")
        if not isinstance(module, ModuleExtras):   # every Module is one (ValueError, as PyTorch raises)
            raise ValueError(f"set_submodule: module must be an nn.Module, got {type(module).__name__} for target "
                             f"{target!r}; wrap a function in a Module (or use nn.Identity() to drop one)")
        owner, _, name = target.rpartition(".")
        parent = self.get_submodule(owner)
        if strict and name not in parent._modules:
            raise AttributeError(f"set_submodule: {owner or 'the model'} ({type(parent).__name__}) has no sub-module "
                                 f"{name!r} to replace (it has {list(parent._modules)}); pass strict=False to add it")
        parent.add_module(name, module)

    def cuda(self, device=None):
        """Move to a CUDA device ('cuda', or 'cuda:N' for device=N)."""
        return self.to("cuda" if device is None else f"cuda:{getattr(device, 'index', device)}")

    def type(self, dst_type):
        """Cast every parameter and buffer to `dst_type` (a dtype, or a tensor type name such as
        'torch.DoubleTensor'), integer and bool buffers included, as PyTorch's Module.type does."""
        device = None
        if isinstance(dst_type, str):
            device = "cuda" if ".cuda." in dst_type else None
            dst_type = ag.zeros(()).type(dst_type.replace(".cuda.", ".")).dtype
        return self._moved_to(device, dst_type, "biufcV")

    def share_memory(self):
        """This module, with a warning: its tensors stay in this process's memory (deepgrad's processes exchange
        values over MPI, `nn.distributed`), so changes another process makes to them are never seen here."""
        warn_not_shared("Module.share_memory()")
        return self

    def to_empty(self, *, device=None, recurse=True):
        """Give the parameters and buffers fresh storage on `device` (None: each keeps its device) without copying
        their values, which are left unset as in PyTorch: how a model built on the meta device gets real
        tensors to load a state_dict into. Returns self."""
        with ag.no_grad():
            for p in self.parameters(recurse=recurse):
                fresh = ag.empty_like(p, device=device)
                arrays.replace(p, arrays.array(fresh), fresh.device)
                if p.grad is not None:
                    p.grad = ag.empty_like(p.grad, device=device)
            for m in (self.modules() if recurse else (self,)):
                for name, b in m._buffers.items():
                    if b is not None:
                        m._buffers[name] = m.__dict__[name] = ag.empty_like(b, device=device)
        return self

    def register_backward_hook(self, hook):
        """Deprecated in PyTorch: registers `hook` as a full backward hook (register_full_backward_hook)."""
        warnings.warn("register_backward_hook is deprecated (as in PyTorch); it is registered as "
                      "register_full_backward_hook, which sees the gradients of the module's inputs and outputs",
                      FutureWarning, stacklevel=2)
        return self.register_full_backward_hook(hook)
