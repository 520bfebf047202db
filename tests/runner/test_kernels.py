"""The warm kernel pool: kernels of two pools started at the same moment never share a socket."""

import os
import threading
from pathlib import Path

import pytest

from pmkit.runner.kernels import WarmKernels


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets are a POSIX transport; elsewhere kernels use TCP")
def test_kernels_started_at_once_by_two_pools_talk_over_sockets_of_their_own(tmp_path):
    pools = [WarmKernels(1, tmp_path / f"logs-{n}") for n in range(2)]
    lent = [None, None]

    def lend(n):
        lent[n] = pools[n].lend(tmp_path)

    try:
        threads = [threading.Thread(target=lend, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        managers = [k.manager for k in lent]
        assert [m.transport for m in managers] == ["ipc", "ipc"]
        sockets = [{f"{m.ip}-{port}" for port in m.ports} for m in managers]
        assert not sockets[0] & sockets[1]
        for own in sockets:
            assert len(own) == 5 and all(Path(s).exists() for s in own)  # shell, iopub, stdin, hb, control
        for kernel in lent:
            with kernel:
                pass  # given back alive: the pool keeps it
        assert all(p._idle.qsize() == 1 for p in pools)
    finally:
        for p in pools:
            p.close()
    assert not any(Path(s).exists() for own in sockets for s in own)  # a kernel's sockets go with it
