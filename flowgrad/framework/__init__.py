"""The graph core: graphs, operations, tensors, shapes and the op registry."""
