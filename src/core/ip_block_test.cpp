#include "core/ip_block.hpp"

#include <arpa/inet.h>

#include <gtest/gtest.h>

namespace mercato {
namespace {

bool in(const char* block, const char* address) {
  auto b = parse_ip_block(block);
  if (!b) return false;
  unsigned char addr[16] = {};
  const bool v6 = inet_pton(AF_INET, address, addr) != 1;
  if (v6 && inet_pton(AF_INET6, address, addr) != 1) return false;
  return block_contains(*b, v6, addr);
}

TEST(IpBlock, parses_both_families_and_clears_the_host_bits) {
  EXPECT_EQ(to_string(*parse_ip_block("10.244.3.7/16")), "10.244.0.0/16");
  EXPECT_EQ(to_string(*parse_ip_block("192.168.1.255/31")), "192.168.1.254/31");
  EXPECT_EQ(to_string(*parse_ip_block("10.0.0.1/32")), "10.0.0.1/32");
  EXPECT_EQ(to_string(*parse_ip_block("FD00:0:0::1/8")), "fd00::/8");
  EXPECT_EQ(to_string(*parse_ip_block("::1/128")), "::1/128");
}

TEST(IpBlock, refuses_what_is_not_a_block) {
  for (const char* bad : {"10.0.0.1", "10.0.0.0/0", "::/0", "10.0.0.0/33", "::/129", "10.0.0.0/", "/8", "10.0.0.0/8x",
                          "10.0.0.0/-8", "10.0.0.0/0008", "10.0.0/8", "10.0.0.0 /8", "host/8", "10.0.0.0/8/8"})
    EXPECT_FALSE(parse_ip_block(bad)) << bad;
  EXPECT_FALSE(parse_ip_block(std::string_view("10.0.0.0\0/8", 11)));
}

TEST(IpBlock, contains_the_addresses_of_its_network_only) {
  EXPECT_TRUE(in("10.244.0.0/16", "10.244.255.1"));
  EXPECT_FALSE(in("10.244.0.0/16", "10.245.0.1"));
  EXPECT_TRUE(in("10.0.0.0/9", "10.127.0.1"));
  EXPECT_FALSE(in("10.0.0.0/9", "10.128.0.1"));
  EXPECT_TRUE(in("fd00::/8", "fd12::1"));
  EXPECT_FALSE(in("fd00::/8", "fe80::1"));
  EXPECT_FALSE(in("10.0.0.0/8", "::ffff:10.0.0.1"));  // families never mix: callers canonicalise first
}

}  // namespace
}  // namespace mercato
