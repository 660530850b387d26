"""Op families: each op type is defined once, with its shape rule, kernel and gradient."""
