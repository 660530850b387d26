"""tf.gfile (and tf.io.gfile): TF1's file helpers on the local file system, raising TF1's
errors (NotFoundError, AlreadyExistsError) where TF1 does."""

from __future__ import annotations

import glob as _glob
import os
import shutil
from collections import namedtuple

from flowgrad import errors

FileStatistics = namedtuple("FileStatistics", ["length", "mtime_nsec", "is_directory"])
GFile = FastGFile = Open = open


def _not_found(path) -> errors.NotFoundError:
    return errors.NotFoundError(None, None, f"{path}; No such file or directory")


def Exists(filename) -> bool:
    """True if the file or folder exists."""
    return os.path.exists(filename)


def IsDirectory(dirname) -> bool:
    """True if `dirname` is a folder."""
    return os.path.isdir(dirname)


def MakeDirs(dirname) -> None:
    """Creates a folder and its parents; nothing happens if it exists."""
    os.makedirs(dirname, exist_ok=True)


def MkDir(dirname) -> None:
    """Creates one folder; AlreadyExistsError if it exists."""
    if os.path.exists(dirname):
        raise errors.AlreadyExistsError(None, None, f"{dirname}; File exists")
    os.mkdir(dirname)


def ListDirectory(dirname) -> list:
    """The names in a folder (not full paths); NotFoundError if it is missing."""
    if not os.path.isdir(dirname):
        raise _not_found(dirname)
    return os.listdir(dirname)


def Glob(filename) -> list:
    """The paths that match a pattern."""
    return _glob.glob(os.fspath(filename))


def Remove(filename) -> None:
    """Deletes a file; NotFoundError if it is missing."""
    if not os.path.isfile(filename):
        raise _not_found(filename)
    os.remove(filename)


def DeleteRecursively(dirname) -> None:
    """Deletes a folder and all it holds; NotFoundError if it is missing."""
    if not os.path.exists(dirname):
        raise _not_found(dirname)
    if os.path.isdir(dirname):
        shutil.rmtree(dirname)
    else:
        os.remove(dirname)


def _refuse_overwrite(path, overwrite) -> None:
    if not overwrite and os.path.exists(path):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {path}")


def Copy(oldpath, newpath, overwrite=False) -> None:
    """Copies a file; AlreadyExistsError if newpath exists and overwrite is False."""
    _refuse_overwrite(newpath, overwrite)
    shutil.copyfile(oldpath, newpath)


def Rename(oldname, newname, overwrite=False) -> None:
    """Renames a file or folder; AlreadyExistsError if newname exists and overwrite is False."""
    _refuse_overwrite(newname, overwrite)
    os.replace(oldname, newname)


def Stat(filename) -> FileStatistics:
    """(length, mtime_nsec, is_directory) of a path; NotFoundError if it is missing."""
    if not os.path.exists(filename):
        raise _not_found(filename)
    info = os.stat(filename)
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(filename))


def Walk(top, in_order=True):
    """(folder, subfolder names, file names) for `top` and every folder below it."""
    yield from os.walk(top, topdown=in_order)


# tf.io.gfile's TF 1.13+ spellings
exists, isdir, makedirs, mkdir, listdir = Exists, IsDirectory, MakeDirs, MkDir, ListDirectory
glob, remove, rmtree, copy, rename = Glob, Remove, DeleteRecursively, Copy, Rename
stat, walk = Stat, Walk
