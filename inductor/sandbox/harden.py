"""Hardening layers for the processes that run candidate code.

Built once per worker ("zygote") process and applied in each forked child in a few
syscalls: resource limits, a new session, parent-death signal, no_new_privs, Landlock
(no writes, no TCP, no signals outside the sandbox, reads only beneath the Python
installation and the system libraries) and a seccomp deny-list (sockets,
exec, fork, kill, ptrace, mount, file writes and metadata changes). Each layer is
feature-detected; :func:`layers` reports which are active so the caller can warn.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import os
import resource
import signal
import sys

#: fork(2) without Python's at-fork handlers (threading, random reseeding...), which cost
#: about a millisecond per child here; safe because zygotes are single-threaded. PyDLL
#: keeps the GIL held across the call.
libc_fork = ctypes.PyDLL(None).fork
libc_fork.restype = ctypes.c_int

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.restype = ctypes.c_int

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Landlock (x86_64 and aarch64 share these generic syscall numbers).
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_CREATE_RULESET_VERSION = 1
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


#: Syscalls that end the child at once (verdict "forbidden").
DENIED_SYSCALLS = (
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "execve", "execveat", "fork", "vfork", "kill", "tkill", "tgkill", "rt_sigqueueinfo",
    "rt_tgsigqueueinfo", "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "ptrace",
    "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot",
    "unshare", "setns", "reboot", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "keyctl", "add_key", "request_key", "swapon",
    "swapoff", "sethostname", "setdomainname", "settimeofday", "clock_settime", "adjtimex",
    "acct", "quotactl", "mknod", "mknodat", "setrlimit", "unlink", "unlinkat", "rename",
    "renameat", "renameat2", "rmdir", "mkdir", "mkdirat", "link", "linkat", "symlink",
    "symlinkat", "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat",
    "truncate", "ftruncate", "creat", "utime", "utimes", "utimensat", "futimesat", "openat2",
    "name_to_handle_at", "open_by_handle_at", "setuid", "setgid", "setreuid", "setregid",
    "setresuid", "setresgid", "setgroups", "capset", "setpriority", "sched_setaffinity",
    "fanotify_init", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick",
    "mount_setattr", "memfd_secret", "syslog", "vhangup", "iopl", "ioperm", "personality",
    "lookup_dcookie", "nfsservctl", "uselib",
)

O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND = os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_TRUNC, os.O_APPEND
CLONE_THREAD = 0x00010000
TIOCSTI = 0x5412


def build_seccomp_program() -> bytes | None:
    """Compile the deny-list to raw BPF once; None when libseccomp is unavailable."""
    try:
        import pyseccomp as sc
    except Exception:
        return None
    try:
        f = sc.SyscallFilter(defaction=sc.ALLOW)
        try:
            f.set_attr(sc.Attr.CTL_OPTIMIZE, 2)
        except Exception:
            pass
        kill = sc.KILL_PROCESS
        for name in DENIED_SYSCALLS:
            try:
                f.add_rule(kill, name)
            except Exception:
                pass  # not a syscall on this architecture
        # Threads are fine; a new process is not.
        f.add_rule(kill, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
        # glibc tries clone3 first and falls back to clone on ENOSYS; clone3's flags live in memory.
        f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
        # Raising limits (prlimit64 with a new limit) is denied; reading them is not.
        f.add_rule(kill, "prlimit64", sc.Arg(2, sc.NE, 0))
        for flag in (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND):
            f.add_rule(kill, "openat", sc.Arg(2, sc.MASKED_EQ, flag, flag))
            try:
                f.add_rule(kill, "open", sc.Arg(1, sc.MASKED_EQ, flag, flag))
            except Exception:
                pass
        f.add_rule(kill, "ioctl", sc.Arg(1, sc.EQ, TIOCSTI))
        # Through a pipe, not a temporary file: inside bubblewrap the file system is read-only.
        r, w = os.pipe()
        try:
            with os.fdopen(w, "wb", closefd=True) as out:
                f.export_bpf(out)
            with os.fdopen(r, "rb", closefd=True) as src:
                return src.read()
        finally:
            for fd in (r, w):
                try:
                    os.close(fd)
                except OSError:
                    pass
    except Exception:
        return None


class SeccompProgram:
    """A BPF program prepared once, so that loading it in a child is a single prctl."""

    def __init__(self, program: bytes) -> None:
        n = len(program) // ctypes.sizeof(_SockFilter)
        self._buf = (_SockFilter * n).from_buffer_copy(program)
        self._prog = _SockFprog(n, ctypes.cast(self._buf, ctypes.POINTER(_SockFilter)))
        self._ref = ctypes.byref(self._prog)

    def load(self) -> None:
        """Install the filter on the calling thread (no_new_privs must be set)."""
        if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self._ref, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "seccomp filter was refused")


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed: u64 then s32
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def readable_paths() -> list[str]:
    """Where a candidate may read: the Python installation(s), system libraries, a few devices.

    Nothing of inductor's own package or its plugins' folders (they ship example and demo
    tasks with their outputs, and shots), even when they are installed inside the Python
    installation: the modules candidates call reach the workers as source. Everything else
    (home folders, /etc, /proc, the library, task folders anywhere) is unreadable too. Empty
    when one of the roots is the root folder: then reads cannot be narrowed.
    """
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots = {os.path.realpath(r) for r in roots if r}
    if "/" in roots:
        return []
    roots |= {"/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share/zoneinfo", "/etc/localtime",
              "/dev/null", "/dev/zero", "/dev/urandom"}
    hidden = package_folders()
    out: set[str] = set()
    for root in roots:
        out.update(_beneath_except(root, hidden))
    return sorted(p for p in out if os.path.exists(p))


def package_folders() -> set[str]:
    """The folders of inductor's package and of the built-in plugins (resolved)."""
    folders = {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}  # inductor/, from inductor/sandbox/
    # Found, not imported: the sandbox hides the plugins' folder without running their code here.
    spec = importlib.util.find_spec("inductor_plugins")
    if spec is not None and spec.submodule_search_locations:
        folders.update(os.path.abspath(p) for p in spec.submodule_search_locations)
    return {os.path.realpath(f) for f in folders}


def _beneath_except(root: str, hidden: set[str]) -> list[str]:
    """Paths whose union is everything beneath ``root`` but the ``hidden`` folders (Landlock
    grants whole trees: the folders on the way to a hidden one are replaced by their entries)."""
    real = os.path.realpath(root)
    if real in hidden:
        return []
    prefix = real.rstrip("/") + "/"
    if not any(h.startswith(prefix) for h in hidden):
        return [real]
    out: list[str] = []
    try:
        entries = sorted(os.listdir(real))
    except OSError:
        return []
    for name in entries:
        path = os.path.join(real, name)
        if os.path.islink(path):  # a link is granted where it leads, or not at all
            target = os.path.realpath(path)
            if not any(target == h or target.startswith(h + "/") or h.startswith(target + "/") for h in hidden):
                out.append(target)
            continue
        out.extend(_beneath_except(path, hidden))
    return out


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    if not sys.platform.startswith("linux"):
        return 0
    res = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                        ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return int(res) if res > 0 else 0


def create_landlock_ruleset(abi: int, readable: list[str] | None = None) -> int:
    """A ruleset fd that denies every write to the file system, TCP and outside signals,
    and every read outside ``readable`` (reads are not restricted when it is empty)."""
    read = FS_READ_FILE | FS_READ_DIR if readable else 0
    fs = read | (FS_EXECUTE | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR
          | FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM)
    if abi >= 2:
        fs |= FS_REFER
    if abi >= 3:
        fs |= FS_TRUNCATE
    if abi >= 5:
        fs |= FS_IOCTL_DEV
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = _RulesetAttr(fs, net, scoped)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    fd = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    for path in readable or ():
        try:
            parent = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            # A file (a device, /etc/localtime) may only be granted file rights.
            access = FS_READ_FILE | (FS_READ_DIR if os.path.isdir(path) else 0)
            rule = _PathBeneathAttr(access, parent)
            if _libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(fd), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                             ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                err = ctypes.get_errno()
                os.close(fd)
                raise OSError(err, f"landlock_add_rule failed for {path}")
        finally:
            os.close(parent)
    return int(fd)


def landlock_restrict(ruleset_fd: int) -> None:
    if _libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset_fd), ctypes.c_uint32(0)) != 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")


class Hardening:
    """What a zygote prepares once and every child applies right after fork."""

    def __init__(self, *, seccomp: bool = True, landlock: bool = True, restrict_reads: bool = True) -> None:
        self.seccomp_program = build_seccomp_program() if seccomp else None
        self._seccomp = SeccompProgram(self.seccomp_program) if self.seccomp_program else None
        self.landlock_fd = -1
        self.landlock_version = landlock_abi() if landlock else 0
        self.readable = readable_paths() if restrict_reads else []
        if self.landlock_version:
            try:
                self.landlock_fd = create_landlock_ruleset(self.landlock_version, self.readable)
            except OSError:
                try:  # without the read allowlist rather than without Landlock
                    self.readable = []
                    self.landlock_fd = create_landlock_ruleset(self.landlock_version)
                except OSError:
                    self.landlock_version = 0

    def layers(self) -> dict[str, bool | int]:
        return {
            "rlimits": True,
            "setsid": True,
            "pdeathsig": sys.platform.startswith("linux"),
            "no_new_privs": sys.platform.startswith("linux"),
            "seccomp": self.seccomp_program is not None,
            "landlock": self.landlock_version,
            "read_allowlist": bool(self.landlock_version and self.readable),
        }

    def apply(self, *, memory_bytes: int, cpu_seconds: int, max_fds: int) -> None:
        """Lock down the calling (freshly forked, single-threaded) child process."""
        os.setsid()
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        for res, value in (
            (resource.RLIMIT_AS, memory_bytes),
            (resource.RLIMIT_CPU, cpu_seconds),
            (resource.RLIMIT_FSIZE, 0),
            (resource.RLIMIT_NOFILE, max_fds),
            (resource.RLIMIT_CORE, 0),
            (resource.RLIMIT_NPROC, 0),
        ):
            resource.setrlimit(res, (value, value))
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "no_new_privs was refused")
        if self.landlock_fd >= 0:
            landlock_restrict(self.landlock_fd)
            os.close(self.landlock_fd)
        if self._seccomp is not None:
            self._seccomp.load()
