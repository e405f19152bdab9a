#include "container/secret_files.hpp"

#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

namespace mercato::container {

namespace {

constexpr std::string_view kSuffix = "_FILE";

Error config_error(std::string message) { return internal_error(std::move(message)); }

}  // namespace

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return body;
}

Result<std::vector<std::pair<std::string, std::string>>> secrets_from_files(const std::vector<std::string>& environ,
                                                                             const FileReader& read) {
  std::set<std::string, std::less<>> names;
  for (const auto& entry : environ) names.insert(entry.substr(0, entry.find('=')));

  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : environ) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view key(entry.data(), eq);
    if (key.size() <= kSuffix.size() || !key.ends_with(kSuffix)) continue;
    const std::string name(key.substr(0, key.size() - kSuffix.size()));
    const std::string path = entry.substr(eq + 1);
    if (names.contains(name))
      return config_error(name + " and " + std::string(key) + " are both set: set one of them");
    auto body = read(path);
    if (!body) return config_error(std::string(key) + "=" + path + ": the file cannot be read");
    if (body->ends_with("\r\n"))
      body->resize(body->size() - 2);
    else if (body->ends_with('\n'))
      body->pop_back();
    if (body->empty()) return config_error(std::string(key) + "=" + path + ": the file is empty");
    out.emplace_back(name, std::move(*body));
  }
  return out;
}

}  // namespace mercato::container
