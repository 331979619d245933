# device_common.sh — shared by android.sh and pi.sh (sourced, not run): argument parsing, the big-core
# mask, and a runner that prints commands instead of running them under --dry-run.

# What the device runs when no tern-bench arguments follow "--".
DEFAULT_BENCH_ARGS=(--seq-len 16,64,128,256 --batch 1 --warmup 3 --runs 20)

# Shell code run ON the device: prints the hex mask of the CPUs with the highest maximum frequency (the big
# cores of a big.LITTLE phone; every core of a Pi). Falls back to all CPUs when cpufreq is not exposed.
BIG_CORES_SNIPPET='max=0; mask=0; for f in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/cpuinfo_max_freq; do [ -r "$f" ] || continue; v=$(cat "$f"); [ "$v" -gt "$max" ] && max=$v; done; for f in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/cpuinfo_max_freq; do [ -r "$f" ] || continue; n=${f#/sys/devices/system/cpu/cpu}; n=${n%%/*}; [ "$(cat "$f")" -eq "$max" ] && mask=$((mask | (1 << n))); done; [ "$mask" -eq 0 ] && mask=$(( (1 << $(grep -c ^processor /proc/cpuinfo)) - 1 )); printf %x "$mask"'

die_usage() {
  echo "$PROGRAM: $1" >&2
  usage >&2
  exit 2
}

# "4-7" or "0,2,4-5" -> hex mask ("f0", "35"); exits 2 on anything else.
cores_to_mask() {
  local list=$1 mask=0 part first last cpu
  [[ $list =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die_usage "--cores expects a CPU list such as 4-7 or 0,2,4-5, got '$list'"
  IFS=, read -ra parts <<<"$list"
  for part in "${parts[@]}"; do
    first=${part%-*}
    last=${part#*-}
    ((first <= last && last < 64)) || die_usage "--cores: bad range '$part'"
    for ((cpu = first; cpu <= last; cpu++)); do mask=$((mask | (1 << cpu))); done
  done
  printf '%x' "$mask"
}

# Runs a command, or prints it (shell-quoted, one line, "+ " first) under --dry-run.
run() {
  if ((DRY_RUN)); then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# Parses the options both scripts share; sets DRY_RUN CORES OUT LIB POSITIONAL BENCH_ARGS.
parse_common() {
  DRY_RUN=0 CORES=auto OUT="" LIB="" POSITIONAL=() BENCH_ARGS=()
  while (($#)); do
    case $1 in
      --dry-run) DRY_RUN=1 ;;
      --cores) (($# >= 2)) || die_usage "--cores needs a value"; CORES=$2; shift ;;
      --out) (($# >= 2)) || die_usage "--out needs a value"; OUT=$2; shift ;;
      --lib) (($# >= 2)) || die_usage "--lib needs a value"; LIB=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      --) shift; BENCH_ARGS=("$@"); break ;;
      --*) parse_extra_option "$@" || die_usage "unknown option '$1'"; shift "$EXTRA_SHIFT"; continue ;;
      *) POSITIONAL+=("$1") ;;
    esac
    shift
  done
  ((${#BENCH_ARGS[@]})) || BENCH_ARGS=("${DEFAULT_BENCH_ARGS[@]}")
  for arg in "${BENCH_ARGS[@]}"; do
    [[ $arg != --json ]] || die_usage "do not pass --json: the script adds it"
  done
  if [[ $CORES != auto ]]; then CORE_MASK=$(cores_to_mask "$CORES") || exit 2; else CORE_MASK=""; fi
}

# Checks the local files and finds libtern.so next to tern-bench (build tree: ../runtime/) unless --lib.
check_local_files() {
  local bench=$1 model=$2
  [[ -f $bench ]] || { echo "$PROGRAM: $bench: no such file (build tern-bench for the device first)" >&2; exit 1; }
  [[ -f $model ]] || { echo "$PROGRAM: $model: no such file" >&2; exit 1; }
  if [[ -z $LIB ]]; then
    local dir
    dir=$(dirname "$bench")
    for candidate in "$dir/libtern.so" "$dir/../runtime/libtern.so" "$dir/../lib/libtern.so"; do
      if [[ -f $candidate ]]; then LIB=$candidate; break; fi
    done
  elif [[ ! -f $LIB ]]; then
    echo "$PROGRAM: $LIB: no such file" >&2
    exit 1
  fi
}

# The command line run on the device, as one string for adb shell / ssh.
device_command() {
  local dir=$1 model_name=$2 mask_expr quoted_args=""
  if [[ -n $CORE_MASK ]]; then mask_expr=$CORE_MASK; else mask_expr="\$($BIG_CORES_SNIPPET)"; fi
  for arg in "${BENCH_ARGS[@]}"; do quoted_args+=" $(printf '%q' "$arg")"; done
  printf 'cd %s && mask=%s && echo "pinned to CPU mask 0x$mask" >&2 && LD_LIBRARY_PATH=%s taskset "$mask" ./tern-bench %s --json%s > %s/result.json' \
    "$dir" "$mask_expr" "$dir" "$model_name" "$quoted_args" "$dir"
}
