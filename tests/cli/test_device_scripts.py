"""tools/bench/android.sh and pi.sh: their dry runs print exactly the commands a real run would execute;
the big-core snippet they run on the device is checked against this machine's sysfs."""
import glob
import os
import shlex
import subprocess

import pytest

from cli_helpers import BENCH_TOOLS, run

ANDROID = BENCH_TOOLS / "android.sh"
PI = BENCH_TOOLS / "pi.sh"


@pytest.fixture()
def files(tmp_path):
    """A stand-in tern-bench with a libtern.so beside it, and a model: dry runs only check they exist."""
    (tmp_path / "bin").mkdir()
    bench = tmp_path / "bin" / "tern-bench"
    bench.write_text("")
    (tmp_path / "bin" / "libtern.so").write_text("")
    model = tmp_path / "minilm-int8.tern"
    model.write_text("")
    return bench, model


def dry_run(script, *args):
    completed = run([script, "--dry-run", *args])
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert all(line.startswith("+ ") for line in lines), completed.stdout
    return [shlex.split(line[2:]) for line in lines]


def test_android_dry_run_pushes_runs_pinned_and_pulls(files):
    bench, model = files
    commands = dry_run(ANDROID, "--serial", "R58M", "--cores", "4-7", "--out", "out.json", bench, model,
                       "--", "--seq-len", "16,128", "--runs", "5")
    adb = ["adb", "-s", "R58M"]
    assert commands[0] == adb + ["shell", "mkdir", "-p", "/data/local/tmp/tern"]
    assert commands[1] == adb + ["push", str(bench), "/data/local/tmp/tern/tern-bench"]
    assert commands[2] == adb + ["push", str(bench.parent / "libtern.so"), "/data/local/tmp/tern/libtern.so.0"]
    assert commands[3] == adb + ["push", str(model), "/data/local/tmp/tern/minilm-int8.tern"]
    assert commands[4] == adb + ["shell", "chmod", "755", "/data/local/tmp/tern/tern-bench"]
    shell = commands[5]
    assert shell[:4] == adb + ["shell"] and len(shell) == 5
    device = shell[4]
    assert "mask=f0 " in device and 'taskset "$mask" ./tern-bench minilm-int8.tern --json' in device
    assert shlex.split(device.split("--json", 1)[1])[:4] == ["--seq-len", "16,128", "--runs", "5"]
    assert device.endswith("> /data/local/tmp/tern/result.json")
    assert commands[6] == adb + ["pull", "/data/local/tmp/tern/result.json", "out.json"]
    assert len(commands) == 7


def test_cpu_lists_become_hex_masks(files):
    bench, model = files
    for cores, mask in (("0", "1"), ("0,2,4-5", "35"), ("4-7", "f0"), ("0-3,8-11", "f0f")):
        device = dry_run(ANDROID, "--cores", cores, bench, model)[5][-1]
        assert f"mask={mask} " in device, (cores, device)


def test_pi_dry_run_uses_ssh_and_scp_with_default_arguments(files):
    bench, model = files
    commands = dry_run(PI, "--remote-dir", "/home/pi/tern", "pi@raspberrypi.local", bench, model)
    host = "pi@raspberrypi.local"
    assert commands[0] == ["ssh", host, "mkdir", "-p", "/home/pi/tern"]
    assert commands[1] == ["scp", str(bench), f"{host}:/home/pi/tern/tern-bench"]
    assert commands[3] == ["scp", str(model), f"{host}:/home/pi/tern/minilm-int8.tern"]
    assert commands[4][:2] == ["ssh", host]
    device = commands[4][2]
    assert "cpuinfo_max_freq" in device  # --cores auto: chosen on the board
    assert "--json --seq-len 16,64,128,256 --batch 1 --warmup 3 --runs 20" in device.replace("\\,", ",")
    assert commands[5] == ["scp", f"{host}:/home/pi/tern/result.json", "minilm-int8-pi.json"]


def test_without_libtern_beside_the_binary_nothing_is_pushed_for_it(tmp_path):
    bench = tmp_path / "tern-bench-static"
    bench.write_text("")
    model = tmp_path / "m.tern"
    model.write_text("")
    commands = dry_run(ANDROID, bench, model)
    assert not any("libtern.so.0" in " ".join(c) for c in commands) and len(commands) == 6


def test_big_core_snippet_matches_this_machines_sysfs():
    source = (BENCH_TOOLS / "device_common.sh").read_text()
    snippet = source.split("BIG_CORES_SNIPPET='", 1)[1].split("'\n", 1)[0]
    got = subprocess.run(["sh", "-c", snippet], capture_output=True, text=True, check=True).stdout
    frequencies = {}
    for path in glob.glob("/sys/devices/system/cpu/cpu[0-9]*/cpufreq/cpuinfo_max_freq"):
        cpu = int(path.split("/cpu/cpu")[1].split("/")[0])
        frequencies[cpu] = int(open(path).read())
    if frequencies:
        top = max(frequencies.values())
        expected = sum(1 << cpu for cpu, f in frequencies.items() if f == top)
    else:  # no cpufreq (VMs, containers): every CPU listed in /proc/cpuinfo
        expected = (1 << sum(line.startswith("processor") for line in open("/proc/cpuinfo"))) - 1
    assert int(got, 16) == expected


@pytest.mark.parametrize("args, message", [
    ([], "expected TERN_BENCH and MODEL"),
    (["--cores", "4-"], "--cores expects a CPU list"),
    (["--cores", "7-4"], "bad range"),
    (["--serial"], "--serial needs a value"),
])
def test_android_argument_errors(files, args, message):
    bench, model = files
    extra = [bench, model] if args and args[0] == "--cores" else []
    completed = run([ANDROID, *args, *extra])
    assert completed.returncode == 2 and message in completed.stderr, completed.stderr


def test_pi_rejects_a_host_with_shell_characters(files):
    bench, model = files
    completed = run([PI, "--dry-run", "pi@host;rm", bench, model])
    assert completed.returncode == 2 and "bad host" in completed.stderr
