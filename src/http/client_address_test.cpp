// Who the client is: the trust rule every service shares (gateway rate limit, identity
// throttle, catalog audit), against forged and malformed X-Forwarded-For chains and the
// spellings of IPv6 and IPv4-mapped addresses.
#include "http/client_address.hpp"

#include <gtest/gtest.h>

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace mercato::http {
namespace {

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

Request from(std::string peer, Fields headers = {}) {
  Request r;
  r.remote_addr = std::move(peer);
  r.headers = std::move(headers);
  return r;
}

const TrustedProxies kProxies({"10.0.0.1", "10.0.0.2", "2001:db8::a"});

// ---- canonical_ip ----

TEST(CanonicalIp, one_text_per_address) {
  EXPECT_EQ(canonical_ip("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(canonical_ip("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(canonical_ip("2001:db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(canonical_ip("::1"), "::1");
}

TEST(CanonicalIp, ipv4_mapped_ipv6_is_the_ipv4_address) {
  EXPECT_EQ(canonical_ip("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(canonical_ip("::FFFF:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(canonical_ip("::ffff:a00:1"), "10.0.0.1");
  EXPECT_EQ(canonical_ip("0:0:0:0:0:ffff:0a00:0001"), "10.0.0.1");
}

TEST(CanonicalIp, anything_else_is_not_an_address) {
  for (std::string_view bad : {"", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1:80", "[::1]", "[::1]:443", "10.0.0.256",
                               "010.0.0.1", "10.0.0", "unknown", "localhost", "fe80::1%eth0", "::ffff:10.0.0.1x",
                               "2001:db8::1::2"})
    EXPECT_EQ(canonical_ip(bad), "") << bad;
  // A NUL would end the text early for a C parser: "10.0.0.1\0garbage" is not 10.0.0.1.
  EXPECT_EQ(canonical_ip(std::string_view("10.0.0.1\0x", 10)), "");
  EXPECT_EQ(canonical_ip(std::string(100'000, '1')), "");
}

// ---- TrustedProxies ----

TEST(TrustedProxies, matches_any_spelling_of_a_listed_address) {
  EXPECT_TRUE(kProxies.contains("10.0.0.1"));
  EXPECT_TRUE(kProxies.contains("::ffff:10.0.0.1"));
  EXPECT_TRUE(kProxies.contains("2001:DB8:0::A"));
  EXPECT_FALSE(kProxies.contains("10.0.0.3"));
  EXPECT_FALSE(kProxies.contains("10.0.0.1:80"));
  EXPECT_FALSE(kProxies.contains(""));
  // Digits and dots are compared as text: only the canonical spelling is an address at all.
  for (std::string_view other : {"010.0.0.1", "10.0.0.01", "10.0.00.1", "10.0.0.1.", "10.0.0", "10..0.0.1"})
    EXPECT_FALSE(kProxies.contains(other)) << other;
  // Listed in the mapped form, matched by the plain one (and the other way round above).
  EXPECT_TRUE(TrustedProxies({"::ffff:127.0.0.4"}).contains("127.0.0.4"));
  EXPECT_FALSE(TrustedProxies({}).contains("127.0.0.1"));
  EXPECT_TRUE(TrustedProxies({}).empty());
}

TEST(TrustedProxies, a_block_trusts_every_address_inside_it_and_none_outside) {
  const TrustedProxies pods({"10.244.0.0/16", "fd00::/8", "192.168.1.128/25"});
  EXPECT_FALSE(pods.empty());
  for (std::string_view in : {"10.244.0.1", "10.244.255.254", "::ffff:10.244.3.7", "fd12:3456::1", "FD00::", "192.168.1.128",
                              "192.168.1.255"})
    EXPECT_TRUE(pods.contains(in)) << in;
  for (std::string_view out : {"10.245.0.1", "10.243.255.255", "11.244.0.1", "fe00::1", "192.168.1.127", "::1",
                               "10.244.0.1:80", "010.244.0.1", "", "10.244.0"})
    EXPECT_FALSE(pods.contains(out)) << out;
  // A block of one family never matches the other (an IPv4 block and an IPv6 address that
  // happens to share the leading bytes).
  EXPECT_FALSE(TrustedProxies({"10.0.0.0/8"}).contains("a00::1"));
  // What config refuses never reaches here, but an invalid block trusts nothing.
  for (std::string_view bad : {"10.0.0.0/0", "10.0.0.0/33", "10.0.0.0/x", "nonsense/8"})
    EXPECT_TRUE(TrustedProxies({std::string(bad)}).empty()) << bad;
}

// ---- client_address ----

TEST(ClientAddress, an_untrusted_peer_is_the_client_whatever_it_forwards) {
  EXPECT_EQ(client_address(from("203.0.113.7", {{"X-Forwarded-For", "1.2.3.4"}}), kProxies), "203.0.113.7");
  // Naming a trusted proxy in its own chain makes no difference either.
  EXPECT_EQ(client_address(from("203.0.113.7", {{"X-Forwarded-For", "1.2.3.4, 10.0.0.1"}}), kProxies),
            "203.0.113.7");
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "1.2.3.4"}}), TrustedProxies({})), "10.0.0.1");
}

TEST(ClientAddress, a_trusted_peer_names_the_client) {
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "198.51.100.20"}}), kProxies), "198.51.100.20");
  EXPECT_EQ(client_address(from("10.0.0.1"), kProxies), "10.0.0.1");  // nothing forwarded: the proxy itself
}

TEST(ClientAddress, forged_entries_left_of_the_first_untrusted_hop_are_ignored) {
  // The client wrote "6.6.6.6, 10.0.0.2"; the trusted proxy appended the client's real address.
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "6.6.6.6, 10.0.0.2, 198.51.100.20"}}), kProxies),
            "198.51.100.20");
  // Two trusted hops, each vouching for the entry left of it.
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.20, 10.0.0.2"}}), kProxies),
            "198.51.100.20");
}

TEST(ClientAddress, several_fields_are_one_list_in_order) {
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.20"},
                                             {"x-forwarded-for", "10.0.0.2"}}),
                           kProxies),
            "198.51.100.20");
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", " , 198.51.100.20 ,, "}}), kProxies),
            "198.51.100.20");
}

TEST(ClientAddress, only_trusted_hops_end_at_the_left_most) {
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "10.0.0.2, 10.0.0.1"}}), kProxies), "10.0.0.2");
}

TEST(ClientAddress, ipv4_mapped_peers_and_entries_are_their_ipv4_address) {
  EXPECT_EQ(client_address(from("::ffff:10.0.0.1", {{"X-Forwarded-For", "198.51.100.20"}}), kProxies),
            "198.51.100.20");
  EXPECT_EQ(client_address(from("::ffff:203.0.113.7", {{"X-Forwarded-For", "1.2.3.4"}}), kProxies), "203.0.113.7");
  // One client, one key: the mapped spelling of an entry is not a new client.
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "::ffff:198.51.100.20"}}), kProxies),
            "198.51.100.20");
  // A trusted hop spelled mapped is still a trusted hop.
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "198.51.100.20, ::ffff:10.0.0.2"}}), kProxies),
            "198.51.100.20");
}

TEST(ClientAddress, a_chain_of_pods_in_a_trusted_block_names_the_client_and_a_forged_entry_stays_left) {
  const TrustedProxies pods({"10.244.0.0/16"});
  // ingress pod 10.244.1.5 → gateway pod: the ingress appended the browser's address.
  EXPECT_EQ(client_address(from("10.244.1.5", {{"X-Forwarded-For", "198.51.100.7"}}), pods), "198.51.100.7");
  // The browser forged an entry: it sits left of the first address outside the block.
  EXPECT_EQ(client_address(from("10.244.1.5", {{"X-Forwarded-For", "10.244.9.9, 198.51.100.7"}}), pods), "198.51.100.7");
  // A peer outside the block is the client, whatever it forwards.
  EXPECT_EQ(client_address(from("10.245.0.2", {{"X-Forwarded-For", "203.0.113.1"}}), pods), "10.245.0.2");
}

TEST(ClientAddress, ipv6_is_canonical) {
  EXPECT_EQ(client_address(from("2001:db8::a", {{"X-Forwarded-For", "2001:DB8:0:0::7"}}), kProxies), "2001:db8::7");
  EXPECT_EQ(client_address(from("2001:DB8::B"), kProxies), "2001:db8::b");
}

TEST(ClientAddress, an_entry_that_is_not_an_address_stops_at_the_hop_that_wrote_it) {
  // Believing "unknown" or a port-suffixed value would let a client pick any key it likes.
  for (std::string_view bad : {"unknown", "198.51.100.20:4711", "[2001:db8::7]", "_hidden", "198.51.100.20 x"}) {
    Fields h{{"X-Forwarded-For", bad}};
    EXPECT_EQ(client_address(from("10.0.0.1", h), kProxies), "10.0.0.1") << bad;
  }
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", "198.51.100.20, junk, 10.0.0.2"}}), kProxies),
            "10.0.0.2");
  const std::string huge(16'000, 'a');
  EXPECT_EQ(client_address(from("10.0.0.1", {{"X-Forwarded-For", huge}}), kProxies), "10.0.0.1");
}

TEST(ClientAddress, a_peer_that_is_not_canonical_text_is_returned_as_printed) {
  EXPECT_EQ(client_address(from("fe80::1%lo", {{"X-Forwarded-For", "1.2.3.4"}}), kProxies), "fe80::1%lo");
}

TEST(ResolveClientAddress, sets_the_request_field_before_the_rest_of_the_chain) {
  asio::io_context io;
  auto m = resolve_client_address(kProxies);
  Request req = from("10.0.0.1", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.20"}});
  std::string seen;
  Next next = [&seen](Request& r) -> asio::awaitable<Response> {
    seen = r.client_address;
    co_return Response{};
  };
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { co_await m(req, next); }, asio::detached);
  io.run();
  EXPECT_EQ(seen, "198.51.100.20");
}

}  // namespace
}  // namespace mercato::http
