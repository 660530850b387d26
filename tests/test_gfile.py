"""tf.gfile and tf.io.gfile: TF1's file helpers, as the MNIST tutorial uses them for log dirs."""

import pytest

import flowgrad as tf


def test_the_mnist_tutorials_log_dir_idiom(tmp_path):
    log_dir = str(tmp_path / "logs" / "run")
    if tf.gfile.Exists(log_dir):
        tf.gfile.DeleteRecursively(log_dir)
    tf.gfile.MakeDirs(log_dir)
    tf.gfile.MakeDirs(log_dir)  # exists already: fine
    assert tf.gfile.IsDirectory(log_dir) and tf.gfile.ListDirectory(log_dir) == []
    with tf.gfile.GFile(f"{log_dir}/notes.txt", "w") as f:
        f.write("hello")
    assert tf.gfile.Glob(f"{log_dir}/*.txt") == [f"{log_dir}/notes.txt"]
    assert tf.gfile.Stat(f"{log_dir}/notes.txt").length == 5
    tf.gfile.Copy(f"{log_dir}/notes.txt", f"{log_dir}/copy.txt")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Copy(f"{log_dir}/notes.txt", f"{log_dir}/copy.txt")
    tf.gfile.Rename(f"{log_dir}/copy.txt", f"{log_dir}/notes.txt", overwrite=True)
    assert [files for _, _, files in tf.gfile.Walk(log_dir)] == [["notes.txt"]]
    tf.gfile.DeleteRecursively(str(tmp_path / "logs"))
    assert not tf.io.gfile.exists(log_dir)


def test_missing_paths_raise_not_found(tmp_path):
    missing = str(tmp_path / "missing")
    for call in (tf.gfile.DeleteRecursively, tf.gfile.Remove, tf.gfile.ListDirectory,
                 tf.gfile.Stat):
        with pytest.raises(tf.errors.NotFoundError, match="missing; No such file or directory"):
            call(missing)
    tf.io.gfile.mkdir(missing)
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.MkDir(missing)
    assert tf.io.write_graph is tf.train.write_graph
