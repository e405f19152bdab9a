// mercato-config-table: the README's configuration table, generated from the declarations of
// every service's config groups (core/config.hpp), between the markers
//   <!-- config-table:begin --> … <!-- config-table:end -->
//
//   mercato-config-table                  print the table
//   mercato-config-table --check FILE     exit 1 when FILE's table differs (a ctest runs this)
//   mercato-config-table --write FILE     rewrite FILE's table (./mercato docs)
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "services/service_configs.hpp"

namespace {

constexpr std::string_view kBegin = "<!-- config-table:begin -->\n";
constexpr std::string_view kEnd = "<!-- config-table:end -->";

int usage() {
  std::fputs("usage: mercato-config-table [--check FILE | --write FILE]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mercato;
  const auto services = services::all_service_groups();
  for (const auto& svc : services) {
    if (auto st = config::check_groups(svc.groups); !st) {
      std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(svc.service.size()), svc.service.data(),
                   st.error().message.c_str());
      return 1;
    }
  }
  // Generated: the note keeps a reader from editing the copy by hand.
  const std::string table = "<!-- generated from the declarations by ./mercato docs: edit those, not this -->\n" +
                            config::markdown_table(services);
  if (argc == 1) {
    std::fputs(table.c_str(), stdout);
    return 0;
  }
  if (argc != 3) return usage();
  const std::string mode = argv[1], path = argv[2];
  if (mode != "--check" && mode != "--write") return usage();

  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "mercato-config-table: cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const auto begin = text.find(kBegin);
  const auto end = begin == std::string::npos ? std::string::npos : text.find(kEnd, begin);
  if (end == std::string::npos) {
    std::fprintf(stderr, "mercato-config-table: %s has no %.*s ... %.*s markers\n", path.c_str(),
                 static_cast<int>(kBegin.size() - 1), kBegin.data(), static_cast<int>(kEnd.size()), kEnd.data());
    return 2;
  }
  const std::size_t from = begin + kBegin.size();
  if (mode == "--check") {
    if (text.compare(from, end - from, table) == 0) return 0;
    std::fprintf(stderr,
                 "%s: the configuration table differs from the variables the services declare; run ./mercato docs "
                 "(or mercato-config-table --write %s) and commit the result\n",
                 path.c_str(), path.c_str());
    return 1;
  }
  std::ofstream out(path, std::ios::trunc);
  out << text.substr(0, from) << table << text.substr(end);
  if (!out) {
    std::fprintf(stderr, "mercato-config-table: cannot write %s\n", path.c_str());
    return 2;
  }
  return 0;
}
