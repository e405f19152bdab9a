#include "cache/redis_script.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace mercato::cache {

Script::Script(std::string source) : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

std::string sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    // Only a broken OpenSSL installation gets here; a script without a name is unusable.
    throw std::runtime_error("OpenSSL SHA1 failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace mercato::cache
