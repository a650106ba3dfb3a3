"""Optional integrations with third-party array libraries (einops): each is loaded only when that library is."""
