# The C++ build, through the CMake presets (Ninja, two jobs, ccache from CMakeLists.txt, which
# also makes clones of the repository share ccache entries).
# Configuring runs only for a new build directory; afterwards `cmake --build` re-runs it itself
# whenever a CMakeLists.txt changes.

#   build_preset PRESET LOG [TARGET...]   (no target: everything, tests included)
build_preset() {
  local preset=$1 log=$2 start=$SECONDS targets=()
  shift 2
  (($#)) && targets=(--target "$@")
  mkdir -p "$(dirname "$log")"
  : > "$log"
  step "build ($preset${targets[*]:+: $*}): log $(rel "$log")"
  if [[ ! -f $REPO/build/$preset/build.ninja ]]; then
    (cd "$REPO" && run_logged "$log" cmake --preset "$preset") || { FAILED_WHY="cmake --preset $preset failed"; return 1; }
  fi
  (cd "$REPO" && run_logged "$log" cmake --build --preset "$preset" "${targets[@]}") || { FAILED_WHY="the $preset build failed"; return 1; }
  say "    build ($preset) done in $((SECONDS - start)) s"
}
