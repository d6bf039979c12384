# Class-data archives for the client commands of scripts/artifact-store, which sources this file.
#
# A client command starts from a class-data archive (CDS, JEP 310/350): the classes client
# commands load (picocli, the JDK's HTTP client, Jackson, about 6000 with the JDK's), parsed,
# verified and laid out once, then mapped at each start: a push of a small file took 0.85 s
# instead of 1.2 on JDK 25, 1.15 instead of 1.5 on 17 (docs/benchmarks.md).
#
# - The first run of each command (push, ls, ...) for a build records the classes it loads
#   (-XX:DumpLoadedClassList). A build is the jar and the java binary (path, size, time) and the
#   JVM options, which decide the heap's layout an archive must match.
# - Once that command has ended with status 0, a separate, niced JVM writes the archive from every
#   command's list (-Xshare:dump) under a temporary name, checks that a JVM with the same
#   options maps it (-Xshare:on), and renames it into place. A failed write (full disk) can
#   neither change the command's exit status nor leave a damaged archive; an archive the JVM
#   would not map (an option the dump did not foresee) turns archives off for that build (an
#   archive that cannot be mapped also costs the JDK's own default archive).
# - One dump at a time per build (a lock directory); a list recorded while a dump ran is picked
#   up by another round of the same dump.
# - Each dump removes the files of builds whose jar or java binary has changed or gone; runs
#   remove leftovers of runs and dumps that were killed (after ten minutes), and a run that
#   finds lists but neither an archive nor a dump starts the dump again.
#
# ARTIFACTSTORE_CDS_DIR names the directory (default $XDG_CACHE_HOME/artifact-store/cds, else
# ~/.cache/artifact-store/cds); empty turns archives off, as does having neither XDG_CACHE_HOME
# nor HOME. `serve` and `fsck` run without an archive (long runs; they add the Vector API
# module, which the archive's module graph would not match).

# cds_setup JAVA FEATURE JAR COMMAND OPTION...: sets cds_flags (JVM options to add),
# cds_list (the class list this run records; empty: none), cds_pending (non-empty: a killed
# dump to start again) and the names the dump uses.
cds_setup() {
  local java_bin="$1" feature="$2" jar="$3" command="$4"
  shift 4
  cds_flags=()
  cds_list=""
  cds_pending=""
  local cache="${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}"
  cds_dir="${ARTIFACTSTORE_CDS_DIR-${cache:+$cache/artifact-store/cds}}"
  [[ -n "$cds_dir" && "$command" != serve && "$command" != fsck ]] || return 0
  local jar_dir stat name build
  cds_java="$(command -v "$java_bin" 2>/dev/null)" || return 0
  jar_dir="$(cd "$(dirname "$jar")" 2>/dev/null && pwd -P)" || return 0
  cds_jar="$jar_dir/$(basename "$jar")"
  stat="$(cds_stat "$cds_jar" "$cds_java")" || return 0
  name="$(printf '%s\n%s\n' "$cds_jar" "$cds_java" | cksum)"
  # The options of the command line and those the java launcher and the JVM add themselves,
  # but for logging, which has no bearing on an archive.
  local option options=()
  # shellcheck disable=SC2206 # the variables hold options separated by white space
  for option in "$@" ${JDK_JAVA_OPTIONS:-} ${JAVA_TOOL_OPTIONS:-}; do
    [[ "$option" == -Xlog* || "$option" == -verbose* ]] || options+=("$option")
  done
  build="$(printf '%s\n' "$stat" "${options[@]}" | cksum)"
  cds_base="$cds_dir/${name%% *}-${build%% *}"
  [[ ! -e "$cds_base.off" ]] || return 0
  # The JVM's messages about an archive it cannot map go to stdout (-Xlog's default), among a
  # command's output.
  cds_flags=(-Xlog:cds=off)
  if [[ -n "$feature" && "$feature" -ge 25 ]]; then
    cds_flags+=(-Xlog:aot=off)
  fi
  if [[ -f "$cds_base.jsa" ]]; then
    cds_flags+=(-XX:SharedArchiveFile="$cds_base.jsa")
  fi
  cds_command="${command//[^a-z0-9-]/}"
  cds_command="${cds_command:-none}"
  if [[ ! -f "$cds_base.$cds_command.classlist" || ! -f "$cds_base.jsa" ]] \
      && mkdir -p "$cds_dir" 2>/dev/null && [[ -w "$cds_dir" ]]; then
    # Leftovers of runs and dumps that were killed.
    find "$cds_dir" -maxdepth 1 \( -name '*.classlist.*' -o -name '*.tmp' -o -name '*.merged.*' \
      -o -name '*.lock' \) -mmin +10 -exec rm -rf {} + 2>/dev/null || true
    if [[ ! -f "$cds_base.$cds_command.classlist" ]] \
        && ! compgen -G "$cds_base.$cds_command.classlist.*" > /dev/null; then
      cds_list="$cds_base.$cds_command.classlist.$$"
      cds_flags+=(-XX:DumpLoadedClassList="$cds_list")
    elif [[ ! -f "$cds_base.jsa" && ! -d "$cds_base.lock" ]] \
        && compgen -G "$cds_base.*.classlist" > /dev/null; then
      # Lists without an archive and no dump running: a dump was killed (a reboot, a job's
      # timeout). It is started again beside this command.
      cds_pending=1
    fi
  fi
}

# The size and time of each file, one line each (GNU stat, else BSD's).
cds_stat() {
  stat -L -c '%s %Y' "$@" 2>/dev/null || stat -L -f '%z %m' "$@" 2>/dev/null
}

# cds_record CMD...: runs the recording run and sets cds_status to its exit status. java runs
# as a child so that the archive can be written after it. Its standard input stays the
# command's (a background job's would be /dev/null), SIGINT is not ignored in it (a shell
# without job control starts background jobs so, and the JVM would keep it), and SIGTERM,
# SIGHUP and SIGINT sent to the launcher are passed on: Ctrl-C and `kill` end the command as
# they would without the launcher in between (exit 130, 143, 129). The traps are set before
# the child exists; a signal that comes first is passed on once it does.
cds_record() {
  cds_child=""
  cds_signal=""
  local sig
  for sig in TERM HUP INT; do
    # shellcheck disable=SC2064 # the signal's name is meant to be expanded now
    trap "cds_forward $sig" "$sig"
  done
  ( trap - INT QUIT; exec "$@" ) <&0 &
  cds_child=$!
  if [[ -n "$cds_signal" ]]; then
    kill -"$cds_signal" "$cds_child" 2>/dev/null || true
  fi
  # wait returns early when a trapped signal arrives; the child's own status is asked again.
  while kill -0 "$cds_child" 2>/dev/null; do
    wait "$cds_child" || true
  done
  cds_status=0
  wait "$cds_child" || cds_status=$?
  trap - TERM HUP INT
}

cds_forward() {
  if [[ -n "$cds_child" ]]; then
    kill -"$1" "$cds_child" 2>/dev/null || true
  else
    cds_signal="$1"
  fi
}

# cds_keep STATUS: keeps the class list of a run that ended with STATUS (0 only: a failing run
# may have stopped before loading what its command needs) and starts the dump in the
# background. A list the run could not finish (full disk: no final newline) is dropped.
cds_keep() {
  local status="$1"
  shift
  # The list's time is when it was kept: a dump that merged before that takes another round.
  if [[ "$status" == 0 && -s "$cds_list" && -z "$(tail -c 1 "$cds_list")" ]] \
      && mv -f "$cds_list" "$cds_base.$cds_command.classlist" 2>/dev/null \
      && touch "$cds_base.$cds_command.classlist" 2>/dev/null; then
    printf '%s\n%s\n%s\n' "$cds_jar" "$cds_java" "$(cds_stat "$cds_jar" "$cds_java")" \
      > "$cds_base.source" 2>/dev/null || true
    cds_start_dump "$@"
  else
    rm -f "$cds_list"
  fi
}

# cds_start_dump OPTION...: runs cds_dump detached, with nothing of the command's open: a caller
# reading the command's output, on any descriptor, sees its end when the command ends.
cds_start_dump() {
  (
    for fd in /dev/fd/*; do
      fd="${fd##*/}"
      if [[ "$fd" =~ ^[0-9]+$ && "$fd" -gt 2 ]]; then
        eval "exec $fd>&-" 2> /dev/null || true
      fi
    done
    cds_dump "$@"
  ) < /dev/null > /dev/null 2>&1 &
  disown
}

# cds_dump OPTION...: writes the archive of every list recorded for this build, in rounds until
# no list was added during the last one, under the build's lock; a list added while another
# dump holds the lock is left to that dump's next round. Runs detached, so errors are handled
# here rather than by `set -e`.
cds_dump() {
  set +e
  local lock="$cds_base.lock" stamp="$cds_base.merged.$BASHPID"
  local tmp="$cds_base.jsa.$BASHPID.tmp" list again
  # Every round cleans up after itself; what a killed dump leaves, runs age out (cds_setup).
  while mkdir "$lock" 2>/dev/null; do
    # The lists number their classes each their own way; classes of the class path need no
    # number, and each is listed once. The merged list's time is the round's start.
    sed 's/ id: [0-9]*$//' "$cds_base".*.classlist | awk '!seen[$0]++' > "$stamp"
    if nice -n 10 "$cds_java" "$@" -Xshare:dump -XX:SharedClassListFile="$stamp" \
        -XX:SharedArchiveFile="$tmp" -cp "$cds_jar" -Xlog:disable && [[ -s "$tmp" ]]; then
      if "$cds_java" "$@" -Xshare:on -XX:SharedArchiveFile="$tmp" -Xlog:disable \
          -cp "$cds_jar" -version; then
        # Unless the jar or java changed meanwhile (its build is pruned below).
        if [[ "$(cds_stat "$cds_jar" "$cds_java")" == "$(tail -n +3 "$cds_base.source")" ]]; then
          mv -f "$tmp" "$cds_base.jsa"
        fi
      else
        : > "$cds_base.off"
      fi
    else
      # Recorded again by the next run of each command.
      rm -f "$cds_base".*.classlist
    fi
    cds_prune
    again=""
    for list in "$cds_base".*.classlist; do
      if [[ -f "$list" && "$list" -nt "$stamp" ]]; then
        again=1
      fi
    done
    rm -f "$stamp" "$tmp"
    rmdir "$lock" 2>/dev/null
    if [[ -z "$again" || -e "$cds_base.off" ]]; then
      return 0
    fi
  done
}

# Removes the files of every build whose jar or java binary is no longer what it was.
cds_prune() {
  local source jar java expected
  for source in "$cds_dir"/*.source; do
    [[ -f "$source" ]] || continue
    { IFS= read -r jar; IFS= read -r java; expected="$(cat)"; } < "$source" || continue
    if [[ "$(cds_stat "$jar" "$java")" != "$expected" ]]; then
      rm -rf "${source%.source}".*
    fi
  done
}
