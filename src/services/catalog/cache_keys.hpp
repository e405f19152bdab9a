#pragma once
// Every cache key the catalog uses, in one place, so a reader (CachedCatalogReads) and the
// writer that invalidates it can never spell a key differently. Built under the cache
// library's prefix (cache::keys::key, src/cache/keys.hpp, which also names leases and the
// invalidation channels):
//   - value keys: "mc1:pd:<store>:<id>" (product detail), "mc1:pl:<store>:<variant>:<query>"
//     (product list), "mc1:cd:<store>:<id>" (category detail), "mc1:cl:<store>:<page>";
//   - generation keys "mc1:g:<store>:<what>", counters a write bumps so that every list page
//     built under the old value stops matching.
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

#include "cache/keys.hpp"

namespace mercato::catalog::keys {

std::string product(std::string_view store, std::string_view id);
/// `query`: ProductListQuery::key_v1()/key_v2() (store included); `variant` tells v1 from v2
/// (and, for v2, which cursor key signed the cursors inside the value).
std::string product_list(std::string_view store, std::string_view variant, std::string_view query);
std::string category(std::string_view store, std::string_view id);
std::string category_list(std::string_view store, std::string_view page);

std::string gen_products(std::string_view store);                                      // "p"
std::string gen_category_products(std::string_view store, std::string_view category);  // "c:C"
std::string gen_categories(std::string_view store);                                    // "cats"
std::string gen_category_names(std::string_view store);                                // "cm"

/// A product was created, updated, deleted or restored; `categories`: before and after.
cache::keys::Invalidation product_written(std::string_view store, std::string_view id,
                                          const std::vector<std::string>& categories);
/// Several products of one store changed together (a bulk write's chunk): each one's detail is
/// dropped, the store's lists and counts bumped once, `categories` before and after.
cache::keys::Invalidation products_written(std::string_view store, const std::vector<std::string>& ids,
                                           const std::vector<std::string>& categories);
/// A category was created, updated or deleted.
cache::keys::Invalidation category_written(std::string_view store, std::string_view id);

}  // namespace mercato::catalog::keys
