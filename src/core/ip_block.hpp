#pragma once
// CIDR blocks (10.244.0.0/16, fd00::/8), parsed once for the two places that take them: the
// configuration, which checks TRUSTED_PROXIES and writes each block canonically, and the HTTP
// layer, which matches a peer's address against the blocks on every request.

#include <optional>
#include <string>
#include <string_view>

namespace mercato {

struct IpBlock {
  bool v6 = false;
  unsigned char net[16] = {};  // the network address, host bits cleared (4 bytes used for IPv4)
  int bits = 0;                // 1..32 or 1..128
};

/// "address/bits" with 1 ≤ bits ≤ the family's width, the host bits cleared; nullopt for
/// anything else, /0 included (a block of every address is never what a trust list means).
std::optional<IpBlock> parse_ip_block(std::string_view text);

/// The block as canonical text: inet_ntop's spelling of its network address, "/", its bits.
std::string to_string(const IpBlock& block);

/// Whether the address `addr` (4 or 16 bytes, by `v6`) lies in `block`.
bool block_contains(const IpBlock& block, bool v6, const unsigned char* addr);

}  // namespace mercato
