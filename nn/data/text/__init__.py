"""Bundled text: `shakespeare.txt`, part of Tiny Shakespeare (see README.md); read it with
`nn.data.datasets.load_shakespeare()`."""
