# shellcheck shell=bash
# Sourced by ./mvnw and ./drctl: sets JAVA_HOME to a JDK >= MIN_JAVA (default 21).
# Order: JAVA_HOME when new enough; otherwise the newest JDK among JAVA_HOME, the javac on PATH,
# /usr/lib/jvm/*, /opt/java/*, /opt/jdk*, SDKMAN and macOS JavaVirtualMachines.
MIN_JAVA="${MIN_JAVA:-21}"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

find_jdk() {
  local caller="${1:-drresponder}" candidates=() home best="" best_v=0 v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    v="$(java_major "$home" || echo 0)"
    [ -n "$v" ] || continue
    # JAVA_HOME wins when it is new enough; otherwise take the newest JDK found.
    if [ "$home" = "${JAVA_HOME:-}" ] && [ "$v" -ge "$MIN_JAVA" ]; then echo "$home"; return; fi
    if [ "$v" -gt "$best_v" ]; then best="$home"; best_v="$v"; fi
  done
  if [ "$best_v" -ge "$MIN_JAVA" ]; then echo "$best"; return; fi
  echo "$caller: no JDK >= $MIN_JAVA found (looked at JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g. Temurin 21, and set JAVA_HOME." >&2
  return 1
}
