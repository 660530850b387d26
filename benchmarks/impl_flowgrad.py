"""flowgrad implementations of W1-W4, written as a TF1 user would (graph, Session, feed_dict).
Also used for TensorFlow's compat.v1 when `tf` is TensorFlow."""

from __future__ import annotations


def build_step(tf, w):
    """(step, params_fn): step() runs one training step and returns the loss."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, w.data["x"].shape, name="x")
        y = tf.placeholder(tf.float32, w.data["y"].shape, name="y")
        variables = {k: tf.Variable(v, name=k) for k, v in w.params.items()}
        loss = _loss(tf, w.name, x, y, variables)
        if w.optimizer == "adam":
            optimizer = tf.train.AdamOptimizer(w.lr)
        else:
            optimizer = tf.train.GradientDescentOptimizer(w.lr)
        train = optimizer.minimize(loss)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    feed = {x: w.data["x"], y: w.data["y"]}
    fetches = [train, loss]

    def step():
        return sess.run(fetches, feed)[1]

    def params():
        return sess.run(variables)

    step.session = sess  # for benchmarks.profile: the plans live in the Session
    return step, params


def _loss(tf, name, x, y, v):
    if name == "W1":
        y_pred = tf.matmul(x, v["W"]) + v["b"]
        return tf.reduce_sum((y - tf.squeeze(y_pred)) ** 2)
    if name == "W2":
        logits = tf.squeeze(tf.matmul(x, v["W"]) + v["b"])
        return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    if name == "W3":
        h1 = tf.nn.relu(tf.matmul(x, v["W1"]) + v["b1"])
        h2 = tf.nn.relu(tf.matmul(h1, v["W2"]) + v["b2"])
        logits = tf.matmul(h2, v["W3"]) + v["b3"]
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    out = tf.matmul(x, v["W"]) + v["b"]
    return tf.reduce_mean(tf.square(out - y))
