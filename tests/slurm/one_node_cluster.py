"""A real one-node SLURM cluster on this machine, for tests/test_slurm.py.

Debian's SLURM (slurmctld, slurmd and the client commands of ``slurm-wlm``) and MUNGE are
installed with apt where they are missing (root only). ``OneNodeCluster`` then starts, in
the foreground and in the background, a munged on its own key and socket, slurmctld and
slurmd, all with their state, spool, logs and ports in a temporary folder, and a generated
``slurm.conf``: ``NodeName=$(hostname -s)``, this machine's CPUs and memory,
``SelectType=select/cons_tres``, no accounting database. The configuration is written to
``/etc/slurm/slurm.conf`` as well, because the job-step executor of the Snakemake plugin runs
``srun`` without ``SLURM_CONF``: an existing ``slurm.conf`` that this module did not write
is never touched (the cluster is then unavailable). ``stop()`` cancels the cluster's jobs,
stops only the daemons it started, by their process ids, and removes what it wrote.

By hand, as root: ``python tests/slurm/one_node_cluster.py`` starts the cluster, prints how to
use it and stops it on Enter or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# The daemons and client commands of Debian's slurm-wlm, without its recommends, and MUNGE.
PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge")
COMMANDS = ("slurmctld", "slurmd", "sinfo", "sbatch", "squeue", "scancel", "srun", "munged")
SLURM_CONF = Path("/etc/slurm/slurm.conf")
MARKER = (
    "# Written by tests/slurm/one_node_cluster.py (arabic-news-topics): a one-node test cluster."
)
PARTITION = "antopics"
SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Unavailable(Exception):
    """SLURM cannot run here; the message says why."""


def which(command: str) -> str | None:
    return shutil.which(command, path=f"{os.environ.get('PATH', '')}:{SBIN_PATH}")


def missing_commands() -> list[str]:
    return [command for command in COMMANDS if which(command) is None]


def ensure_installed(timeout: int = 900) -> None:
    """Install the SLURM and MUNGE packages with apt where a command is missing."""
    if os.name != "posix" or not Path("/proc").is_dir():
        raise Unavailable("SLURM needs Linux")
    if os.geteuid() != 0:
        raise Unavailable(
            "the SLURM test needs root: it installs Debian packages and runs slurmd, "
            f"which starts jobs (running as uid {os.geteuid()})"
        )
    if not missing_commands():
        return
    apt_get = which("apt-get")
    if apt_get is None:
        raise Unavailable(
            f"{', '.join(missing_commands())} missing and no apt-get to install "
            f"{' '.join(PACKAGES)}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "PATH": SBIN_PATH}
    # Packages must not start their daemons (this module starts its own): a policy-rc.d that
    # denies every start, only while installing and only where there is none.
    policy = Path("/usr/sbin/policy-rc.d")
    wrote_policy = not policy.exists()
    if wrote_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        install = [apt_get, "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
        result = run(install, env=env, timeout=timeout, check=False)
        if result.returncode != 0:  # package lists may be missing or stale on a fresh system
            run([apt_get, "update", "-q"], env=env, timeout=timeout, check=False)
            result = run(install, env=env, timeout=timeout, check=False)
        if result.returncode != 0:
            raise Unavailable(
                f"apt-get install {' '.join(PACKAGES)} failed "
                f"(exit {result.returncode}):\n{tail(result.stdout + result.stderr)}"
            )
    except subprocess.TimeoutExpired as error:
        raise Unavailable(f"apt-get did not finish in {timeout} s") from error
    finally:
        if wrote_policy:
            policy.unlink(missing_ok=True)
    if missing_commands():
        raise Unavailable(f"after apt-get install, still missing: {missing_commands()}")


def run(command, *, timeout: float = 60, check: bool = True, **kwargs):
    """Run a command, capturing its output; with ``check``, fail with that output."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited with {result.returncode}:\n"
            f"{tail(result.stdout + result.stderr)}"
        )
    return result


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no MemTotal in /proc/meminfo")


class OneNodeCluster:
    """munged, slurmctld and slurmd of a one-node cluster; use as a context manager."""

    def __init__(self, partition: str = PARTITION):
        self.partition = partition
        self.node = socket.gethostname().split(".")[0]
        self.cpus = len(os.sched_getaffinity(0))
        # Leave a tenth to the system; memory is a consumable resource of the jobs.
        self.memory_mb = int(memory_mb() * 0.9)
        self.root: Path | None = None
        self.daemons: dict[str, subprocess.Popen] = {}
        self.wrote_conf = False

    def __enter__(self) -> OneNodeCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """The environment for SLURM clients and Snakemake: none of the caller's SLURM or
        sbatch settings (the test may itself run inside a SLURM job), the partition."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_"))
        }
        env["PATH"] = f"{env.get('PATH', '')}:{SBIN_PATH}"
        env["SBATCH_PARTITION"] = self.partition
        return env

    def command(self, *args: str, timeout: float = 30, check: bool = True):
        return run(list(args), env=self.env(), timeout=timeout, check=check)

    def start(self) -> None:
        if SLURM_CONF.exists() and MARKER not in SLURM_CONF.read_text(errors="replace"):
            raise Unavailable(
                f"{SLURM_CONF} exists and was not written by this test: a configured SLURM "
                "is on this machine, and the test does not touch it"
            )
        self.root = Path(tempfile.mkdtemp(prefix="ant-slurm-"))
        self.root.chmod(0o755)
        for name in ("munge", "state", "spool", "log"):
            (self.root / name).mkdir(mode=0o755)
        self.start_munged()
        conf = self.slurm_conf()
        (self.root / "slurm.conf").write_text(conf)
        SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SLURM_CONF.write_text(conf)
        self.wrote_conf = True
        conf_path = str(self.root / "slurm.conf")
        self.spawn("slurmctld", [which("slurmctld"), "-D", "-f", conf_path])
        self.spawn("slurmd", [which("slurmd"), "-D", "-f", conf_path, "-N", self.node])
        self.wait_until_idle()

    def start_munged(self) -> None:
        munge = self.root / "munge"
        key = munge / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        self.socket = munge / "munge.socket"
        self.spawn(
            "munged",
            [
                which("munged"),
                "--foreground",
                "--force",  # as root, and in a temporary folder
                f"--socket={self.socket}",
                f"--key-file={key}",
                f"--pid-file={munge / 'munged.pid'}",
                f"--log-file={munge / 'munged.log'}",
                f"--seed-file={munge / 'munged.seed'}",
            ],
        )
        deadline = time.monotonic() + 30
        while not self.socket.exists():
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"munged made no socket in 30 s:\n{self.logs()}")
            time.sleep(0.1)

    def slurm_conf(self) -> str:
        root = self.root
        return f"""{MARKER}
# Generated for one run of the test; removed when it stops.
ClusterName=antopics
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root / "state"}
SlurmdSpoolDir={root / "spool"}
SlurmctldPidFile={root / "slurmctld.pid"}
SlurmdPidFile={root / "slurmd.pid"}
SlurmctldLogFile={root / "log" / "slurmctld.log"}
SlurmdLogFile={root / "log" / "slurmd.log"}
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# squeue reports finished jobs for an hour (the plugin's status command here).
MinJobAge=3600
KillWait=5
InactiveLimit=0
SlurmdParameters=config_overrides
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""

    def spawn(self, name: str, command: list) -> None:
        log = open(self.root / "log" / f"{name}.out", "w")  # noqa: SIM115 - the daemon's life
        self.daemons[name] = subprocess.Popen(
            [str(part) for part in command],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env(),
            start_new_session=True,
        )
        log.close()

    def check_alive(self) -> None:
        for name, process in self.daemons.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.logs()}")

    def wait_until_idle(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            self.check_alive()
            result = self.command("sinfo", "--noheader", "-n", self.node, "-o", "%T", check=False)
            state = result.stdout.strip()
            if result.returncode == 0 and state == "idle":
                return
            time.sleep(0.5)
        raise RuntimeError(
            f"node {self.node} not idle after {timeout} s ({state!r}):\n{self.logs()}"
        )

    def logs(self) -> str:
        """The last lines of the daemons' logs, for error messages."""
        parts = []
        if self.root is not None:
            for path in [*sorted((self.root / "log").glob("*")), self.root / "munge/munged.log"]:
                if path.is_file():
                    parts.append(f"--- {path.name}\n{tail(path.read_text(errors='replace'), 15)}")
        return "\n".join(parts)

    def job_states(self) -> dict[str, tuple[str, str, str]]:
        """SLURM job id -> (state, job name, comment) of every job the controller knows,
        finished ones included (MinJobAge). The plugin names a job after its Snakemake run
        (the run ID it logs) and comments it rule_<rule>[_wildcards_<values>]."""
        result = self.command("squeue", "--noheader", "--states=all", "--format=%i|%T|%j|%k")
        states = {}
        for line in result.stdout.splitlines():
            job_id, state, name, comment = line.split("|", 3)
            states[job_id.strip()] = (state.strip(), name.strip(), comment.strip())
        return states

    def stop(self) -> None:
        """Cancel the cluster's jobs, stop the daemons this object started (by process id),
        remove the slurm.conf it wrote and its temporary folder."""
        try:
            if "slurmctld" in self.daemons and self.daemons["slurmctld"].poll() is None:
                self.cancel_all_jobs()
        finally:
            for name in ("slurmd", "slurmctld", "munged"):
                process = self.daemons.pop(name, None)
                if process is not None:
                    stop_process(process)
            if self.wrote_conf and SLURM_CONF.exists():
                if MARKER in SLURM_CONF.read_text(errors="replace"):
                    SLURM_CONF.unlink()
                self.wrote_conf = False
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    def cancel_all_jobs(self, timeout: float = 60) -> None:
        result = self.command("squeue", "--noheader", "--format=%i", check=False)
        job_ids = result.stdout.split()
        if job_ids:
            self.command("scancel", *job_ids, check=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.command("squeue", "--noheader", "--format=%T", check=False).stdout
            if not states.split():
                return
            time.sleep(0.5)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to one process started here, then SIGKILL if it does not exit."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


if __name__ == "__main__":
    ensure_installed()
    with OneNodeCluster() as cluster:
        print(
            f"one-node SLURM cluster up: node {cluster.node}, {cluster.cpus} CPUs, "
            f"{cluster.memory_mb} MB, partition {cluster.partition}"
        )
        print(
            "  in another shell:  SBATCH_PARTITION=antopics .venv/bin/snakemake "
            "--workflow-profile profiles/slurm --slurm-status-command squeue"
        )
        with contextlib.suppress(KeyboardInterrupt, EOFError):
            input("Enter stops the cluster. ")
