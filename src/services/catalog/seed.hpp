#pragma once
// `mercato-catalog seed --products N [--store ID] [--categories N] [--seed S] [--jobs J]`:
// bulk-loads realistic, varied demo products (names from word lists, categories, prices,
// stock, attributes, 0-3 images, ~5% soft-deleted) through COPY. A one-shot command, so it
// uses blocking libpq: nothing else runs in the process.

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::catalog {

struct SeedOptions {
  std::int64_t products = 1000;
  std::string store;       // empty: the default store
  int categories = 0;      // 0: from the product count (8 to 200)
  std::uint64_t seed = 1;  // same seed, same names and prices (ids and SKUs differ per run)
  int jobs = 2;            // parallel COPY streams
  double deleted_ratio = 0.05;
  bool vacuum = true;      // VACUUM ANALYZE afterwards (index-only scans need the visibility map)
};

/// Parses the arguments after "seed". bad_request names the bad argument.
Result<SeedOptions> parse_seed_args(const std::vector<std::string>& args);

/// Runs the seed; prints progress and the elapsed time to stderr. Returns the exit code.
int run_seed(const config::Settings& settings, const SeedOptions& options);

}  // namespace mercato::catalog
