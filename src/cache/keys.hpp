#pragma once
// Every cache key the catalog uses, in one place, so a reader and the writer that invalidates
// it can never spell a key differently. Three kinds of key:
//   - value keys (L1 and L2 share the name): "mc1:pd:<store>:<id>" and so on;
//   - generation keys "mc1:g:<store>:<what>", counters a write bumps so that every list page
//     built under the old value stops matching (no key scan, no list of pages to delete);
//   - lease keys "mc1:lease:<value key>", the cross-process single-flight lock of one key.
// Each value key depends on at most one generation key: a cached value records the
// generation it was built under and is served only while that generation is current.
//
// What depends on what (the invalidation rules, also in README "Cache"):
//   product detail      → gen "cm" (category names shown inside products)     + dropped by its own writes
//   product list, all   → gen "p"  (any product write, any category write)
//   product list, cat C → gen "c:C" (writes of products entering/leaving/in C, writes of C)
//   category list       → gen "cats" (category writes; product writes change product_count)
//   category detail     → gen "cats"                                          + dropped by its own writes

#include <string>
#include <string_view>
#include <vector>

namespace mercato::cache::keys {

/// Bumped when the format of any cached value changes, so old values are never read.
inline constexpr std::string_view kPrefix = "mc1:";

std::string product(std::string_view store, std::string_view id);
/// `query`: ProductListQuery::key_v1()/key_v2() (store included); `variant` tells v1 from v2
/// (and, for v2, which cursor key signed the cursors inside the value).
std::string product_list(std::string_view store, std::string_view variant, std::string_view query);
std::string category(std::string_view store, std::string_view id);
std::string category_list(std::string_view store, std::string_view page);

std::string gen_products(std::string_view store);                                  // "p"
std::string gen_category_products(std::string_view store, std::string_view category);  // "c:C"
std::string gen_categories(std::string_view store);                                // "cats"
std::string gen_category_names(std::string_view store);                            // "cm"

std::string lease(std::string_view value_key);

/// The Redis pub/sub channel every process listens on for L1 invalidations.
std::string invalidation_channel();

/// What one committed write changed: generation keys to bump and value keys to drop.
struct Invalidation {
  std::vector<std::string> bump;
  std::vector<std::string> drop;
  // Set by the sender on the bus: where each receiver acknowledges, and what it quotes.
  std::string reply_to;
  std::string id;
  bool operator==(const Invalidation&) const = default;
};

/// Where one process collects the acknowledgements of its invalidations.
std::string ack_channel(std::string_view process_id);

/// A product was created, updated, deleted or restored; `categories`: before and after.
Invalidation product_written(std::string_view store, std::string_view id, const std::vector<std::string>& categories);
/// A category was created, updated or deleted.
Invalidation category_written(std::string_view store, std::string_view id);

}  // namespace mercato::cache::keys
