#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace mercato::ids {
namespace {

std::uint64_t unix_ms_of(const std::string& id) {
  const std::string hex = id.substr(0, 8) + id.substr(9, 4);
  return std::stoull(hex, nullptr, 16);
}

TEST(UuidV7, is_canonical_lowercase_with_version_7_and_variant_10) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = uuid_v7();
    ASSERT_EQ(id.size(), 36u);
    ASSERT_TRUE(is_uuid(id)) << id;
    for (char c : id) ASSERT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
    ASSERT_EQ(id[14], '7') << id;
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  }
}

TEST(UuidV7, timestamp_is_unix_milliseconds_now) {
  const auto now = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  const auto before = now();
  const auto ms = unix_ms_of(uuid_v7());
  const auto after = now();
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after + 1000);  // may run ahead only by counter carry-over
}

TEST(UuidV7, ten_thousand_ids_sort_in_creation_order) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(uuid_v7());
  for (std::size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
}

TEST(UuidV7, ids_from_many_threads_are_unique_and_each_thread_sees_them_increase) {
  constexpr int kThreads = 4, kPerThread = 10000;
  std::vector<std::vector<std::string>> per(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) per[t].push_back(uuid_v7());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : per) {
    for (std::size_t i = 1; i < v.size(); ++i) ASSERT_LT(v[i - 1], v[i]);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(UuidV7, random_part_differs_between_ids) {
  const std::string a = uuid_v7(), b = uuid_v7();
  EXPECT_NE(a.substr(19), b.substr(19));
}

TEST(IsUuid, accepts_either_case) {
  EXPECT_TRUE(is_uuid("0190a5b2-7c3d-7abc-8def-0123456789ab"));
  EXPECT_TRUE(is_uuid("0190A5B2-7C3D-7ABC-8DEF-0123456789AB"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsUuid, rejects_other_forms) {
  for (const char* bad : {"", "0190a5b2-7c3d-7abc-8def-0123456789a", "0190a5b2-7c3d-7abc-8def-0123456789abc",
                          "{0190a5b2-7c3d-7abc-8def-0123456789ab}", "urn:uuid:0190a5b2-7c3d-7abc-8def-0123456789ab",
                          "0190a5b27c3d7abc8def0123456789ab", "0190a5b2-7c3d-7abc-8def_0123456789ab",
                          "0190a5b2-7c3d-7abc-8deg-0123456789ab", "0190a5b2--7c3d-7abc-8def-0123456789a",
                          " 0190a5b2-7c3d-7abc-8def-0123456789a"})
    EXPECT_FALSE(is_uuid(bad)) << bad;
}

}  // namespace
}  // namespace mercato::ids
