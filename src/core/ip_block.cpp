#include "core/ip_block.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace mercato {

std::optional<IpBlock> parse_ip_block(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = text.substr(0, slash), bits_text = text.substr(slash + 1);
  IpBlock b;
  if (bits_text.empty() || bits_text.size() > 3) return std::nullopt;
  const auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), b.bits);
  if (ec != std::errc() || end != bits_text.data() + bits_text.size()) return std::nullopt;
  // inet_pton reads a C string: anything longer than the longest address, or holding a NUL, is
  // not one.
  char in[INET6_ADDRSTRLEN];
  if (address.empty() || address.size() >= sizeof in || address.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::memcpy(in, address.data(), address.size());
  in[address.size()] = '\0';
  if (inet_pton(AF_INET, in, b.net) != 1) {
    if (inet_pton(AF_INET6, in, b.net) != 1) return std::nullopt;
    b.v6 = true;
  }
  const int width = b.v6 ? 128 : 32;
  if (b.bits < 1 || b.bits > width) return std::nullopt;
  for (int i = b.bits; i < width; ++i) b.net[i / 8] &= static_cast<unsigned char>(~(0x80u >> (i % 8)));
  return b;
}

std::string to_string(const IpBlock& b) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(b.v6 ? AF_INET6 : AF_INET, b.net, buf, sizeof buf) == nullptr) return {};
  return std::string(buf) + "/" + std::to_string(b.bits);
}

bool block_contains(const IpBlock& b, bool v6, const unsigned char* addr) {
  if (b.v6 != v6) return false;
  const int full = b.bits / 8, rest = b.bits % 8;
  if (std::memcmp(addr, b.net, static_cast<std::size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFu << (8 - rest));
  return (addr[full] & mask) == (b.net[full] & mask);
}

}  // namespace mercato
