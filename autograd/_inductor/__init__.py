"""torch._inductor's import path, for programs that set compiler knobs (`import torch._inductor.config as config`)."""
