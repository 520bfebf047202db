"""Warm kernels: a batch pays a kernel's start and pmkit's imports once per worker, not once per report.

`WarmKernels` keeps up to ``size`` Jupyter kernels that have imported pmkit, pandas and matplotlib.
Papermill executes each report in one of them (its ``km`` argument: nbclient then uses the
running kernel instead of starting one). Before each report the kernel is given a clean slate
(`clean_slate`, run inside the kernel): an empty namespace, execution counts from 1, no open figures,
the plotting settings and warning filters as they were after warm-up, and the report's project as its
working folder. A report's page therefore does not depend on which kernel ran it or what ran there
before (tests/runner/test_batch.py checks this). A kernel that died is replaced by a new one. The
kernels keep their drawings in the outputs folder's drawing store, so a chart that two pages of the
batch (or of a later run) show is drawn once (`pmkit.components.charts.drawn_once`).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

WARM_UP = "import pmkit.runner.kernels; pmkit.runner.kernels.warm_up()"

_SAVED: dict = {}  # inside a kernel: the plotting settings and warning filters after warm-up


def warm_up() -> None:
    """Run inside a new kernel: import what every report imports, and keep the state a report starts from."""
    import gc
    import warnings

    import matplotlib
    import matplotlib.pyplot  # noqa: F401 - activates the kernel's inline backend, as a notebook's first chart does

    import pmkit.reports.annual  # noqa: F401
    import pmkit.reports.deep_dive  # noqa: F401
    import pmkit.reports.quarterly  # noqa: F401
    from pmkit.components.charts import drawing_code_version

    drawing_code_version()  # read once here, not by the first report

    _SAVED["rc"] = dict(matplotlib.rcParams)
    _SAVED["warnings"] = list(warnings.filters)
    gc.collect()
    gc.freeze()  # what warm-up made lives as long as the kernel: the collection each reset runs skips it


def clean_slate(folder: str, charts: str | None = None) -> None:
    """Run inside a kernel before each report: the state `warm_up` left, in ``folder``; drawings shared
    with the batch's other kernels in ``charts`` (`pmkit.components.charts.share_drawings`)."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    from pmkit.components.charts import share_drawings

    get_ipython().reset(new_session=True)  # empty namespace and output history; execution counts from 1
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # restoring deprecated settings (if any) is not news
        matplotlib.rcParams.update(_SAVED["rc"])
    warnings.resetwarnings()  # also forgets which warnings were already shown once
    warnings.filters[:] = _SAVED["warnings"]
    os.chdir(folder)
    share_drawings(charts)


class KernelFailed(RuntimeError):
    """A kernel could not be started or made ready for a report."""


class WarmKernels:
    """Up to ``size`` warm kernels lent to one report at a time; `lend` is safe from many threads.

    They are started with `kernel_manager_class`; each kernel's own output goes to
    ``kernel-N.log`` in ``log_folder`` (by default a temporary folder of the pool's own, removed when it
    closes: `keep_logs` copies the logs somewhere lasting).
    """

    def __init__(self, size: int, log_folder: Path | None = None):
        self.size = max(1, size)
        self._own_logs = log_folder is None
        self.log_folder = Path(tempfile.mkdtemp(prefix="pmkit-kernels-")) if log_folder is None else log_folder
        self._idle: queue.Queue = queue.Queue()
        self._started = 0
        self._all: list = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> WarmKernels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prestart(self) -> None:
        """Start every kernel now, in the background: a run plans while they warm up."""
        with self._lock:
            wanted, self._started = self.size - self._started, self.size
        for _ in range(wanted):
            threading.Thread(target=self._start_idle, daemon=True).start()

    def _start_idle(self) -> None:
        try:
            self._idle.put(self._start())
        except KernelFailed:
            pass  # `_start` made room for another: the next `lend` starts it and says what failed

    def shrink(self, size: int) -> None:
        """Keep at most ``size`` kernels (a run with fewer reports than ``--jobs``)."""
        with self._lock:
            self.size = max(1, size)
        while True:
            with self._lock:
                if self._started <= self.size:
                    return
            try:
                self._drop(self._idle.get(timeout=0.5))  # waits for one still warming up
            except queue.Empty:
                continue

    def lend(self, folder: Path, charts: Path | None = None) -> LentKernel:
        """A warm kernel with a clean slate in ``folder`` (started if fewer than ``size`` exist), sharing
        drawings in ``charts``, as a context manager that gives it back (or drops it if it died)."""
        while True:
            with self._lock:
                start = self._idle.empty() and self._started < self.size
                if start:
                    self._started += 1
            if start:
                km = self._start()
                break
            try:
                km = self._idle.get(timeout=0.5)  # a kernel started in the background may have failed
                break
            except queue.Empty:
                continue
        try:
            shared = None if charts is None else str(charts)
            _run(km, f"import pmkit.runner.kernels; pmkit.runner.kernels.clean_slate({str(folder)!r}, {shared!r})")
        except Exception:
            self._drop(km)
            raise
        return LentKernel(self, km)

    def keep_logs(self, folder: Path) -> None:
        """Copy the kernels' logs to ``folder`` (``kernel-N.log``, replacing an earlier run's)."""
        folder.mkdir(parents=True, exist_ok=True)
        for log in sorted(self.log_folder.glob("kernel-*.log")):
            shutil.copyfile(log, folder / log.name)

    def _start(self):
        from jupyter_core.utils import run_sync

        km = kernel_manager_class()(**_own_sockets())
        with self._lock:
            self._all.append(km)
            km.pmkit_kernel_log = self.log_folder / f"kernel-{len(self._all)}.log"
        try:
            run_sync(km.start_kernel)(extra_arguments=["--IPKernelApp.log_level=ERROR"])
            _run(km, WARM_UP)
        except Exception as exc:
            self._drop(km)
            raise KernelFailed(f"a kernel could not be started and warmed up: {exc}") from exc
        return km

    def _give_back(self, km) -> None:
        if not self._closed and _alive(km):
            self._idle.put(km)
        else:
            self._drop(km)

    def _drop(self, km) -> None:
        """Shut a kernel down and let a new one take its place."""
        with self._lock:
            self._started -= 1
        _shutdown(km)

    def close(self) -> None:
        """Shut every kernel down (and remove the pool's own log folder)."""
        self._closed = True
        for km in self._all:
            _shutdown(km)
        if self._own_logs:
            shutil.rmtree(self.log_folder, ignore_errors=True)


class LentKernel:
    """A kernel lent for one report: ``manager`` is what papermill's ``km`` argument takes."""

    def __init__(self, pool: WarmKernels, manager):
        self.pool, self.manager = pool, manager

    def __enter__(self) -> LentKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        for client in getattr(self.manager, "pmkit_clients", []):
            client.stop_channels()  # nbclient does not close the client of a kernel it does not own
        self.manager.pmkit_clients = []
        self.pool._give_back(self.manager)


def _run(km, code: str, timeout: float = 120) -> None:
    """Execute ``code`` in the kernel (not in its history); raise when it fails."""
    client = km.blocking_client()  # asks the manager whether the kernel lives, not a heartbeat a busy machine can miss
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        reply = client.execute_interactive(code, store_history=False, timeout=timeout, output_hook=lambda msg: None)
    finally:
        client.stop_channels()
    content = reply["content"]
    if content["status"] != "ok":
        raise KernelFailed(f"{content.get('ename')}: {content.get('evalue')}")


def _own_sockets() -> dict:
    """On POSIX, a kernel talks over Unix sockets with a name of its own. Over TCP, two runs starting
    kernels at the same moment can pick the same free port (jupyter_client finds one by binding and
    letting go), and a kernel whose heartbeat port was taken stalls its report."""
    if os.name != "posix":
        return {}
    return {"transport": "ipc", "ip": os.path.join(tempfile.gettempdir(), f"pmkit-kernel-{uuid.uuid4().hex[:12]}")}


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


def _shutdown(km) -> None:
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already gone: nothing to stop
        pass


def kernel_manager_class() -> type:
    """The kernel manager papermill uses: jupyter_client's, with each local kernel started in pmkit's own
    process group instead of a session of its own. Stopping a run's process group (Ctrl-C in a terminal,
    ``kill -- -PGID``, a scheduler's timeout) then stops its kernels with it, rather than leaving them
    running (until their parent poller notices, or for good when they were starting up)."""
    global _GROUP_MANAGER
    if _GROUP_MANAGER is None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_client.provisioning import LocalProvisioner

        class GroupKernelManager(AsyncKernelManager):
            pmkit_kernel_log: Path | None = None
            pmkit_clients: list = []  # the clients nbclient made for a warm kernel, closed after each report

            def client(self, **kw: object):
                made = super().client(**kw)
                self.pmkit_clients = [*self.pmkit_clients, made]
                return made

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
                # The kernel's own output to a file of its own: jupyter_client starts it with pmkit's
                # stdout and stderr, so its log (e.g. "[IPKernelApp] ERROR | KeyboardInterrupt caught
                # in kernel." when the interrupt jupyter_client sends before shutdown lands inside a
                # message handler) would otherwise end up in pmkit's console.
                if self.pmkit_kernel_log is not None and kw.get("stderr") is None:
                    self.pmkit_kernel_log.parent.mkdir(parents=True, exist_ok=True)
                    log = open(self.pmkit_kernel_log, "wb")  # noqa: SIM115 - the child holds its own copy
                    kw = {**kw, "stdout": log, "stderr": log}
                    try:
                        return await self._pmkit_launch(kernel_cmd, **kw)
                    finally:
                        log.close()
                return await self._pmkit_launch(kernel_cmd, **kw)

            async def _pmkit_launch(self, kernel_cmd: list[str], **kw: object) -> None:
                provisioner = self.provisioner
                if os.name != "posix" or type(provisioner) is not LocalProvisioner:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                # what jupyter_client.launcher.launch_kernel does on POSIX, less start_new_session
                popen = {k: v for k, v in kw.items() if k not in ("extra_arguments", "kernel_id", "independent")}
                env = dict(popen.pop("env", None) or os.environ)
                env["JPY_PARENT_PID"] = str(os.getpid())  # the kernel also exits when pmkit is gone
                popen.setdefault("stdin", subprocess.PIPE)
                process = subprocess.Popen([os.path.expanduser(s) for s in kernel_cmd], env=env, **popen)
                provisioner.process, provisioner.pid = process, process.pid
                provisioner.pgid = None  # interrupts and kills go to the kernel alone, never to pmkit's group
                provisioner.cwd = kw.get("cwd") or Path.cwd()
                self._reconcile_connection_info(provisioner.connection_info)

        _GROUP_MANAGER = GroupKernelManager
    return _GROUP_MANAGER


_GROUP_MANAGER: type | None = None
