"""Fixtures shared by the SDK tests: one emulator process for the session."""

import os

import pytest

import ossemu_support as support

# Buckets the emulator starts with: the seeds' names plus one per suite.
BUCKETS = ["examplebucket", "outbucket", "py-objects-v1", "py-objects-v4", "py-oss-v2", "py-mns"]


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    work = tmp_path_factory.mktemp("ossemu")
    emu = support.Emulator(support.emulator_binary(str(work)), str(work), BUCKETS)
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def videos():
    """Path of a clip in testdata/videos."""
    return lambda name: os.path.join(support.VIDEOS, name)
