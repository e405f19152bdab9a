#pragma once
// What every harness shares: a property check whose failure is a crash libFuzzer records (with
// the input that caused it), like a sanitizer report.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);       \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
